"""The desk (the admin's home page per role), the editors' calendar and the desk's retract."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from presence.models import Presence
from tests.dom import parse_html

Status = Article.Status
DAMASCUS = zoneinfo.ZoneInfo("Asia/Damascus")


def panel(response, cls):
    return parse_html(response.content.decode()).one("section", cls=cls)


def headlines(node):
    return [a.clean_text for a in node.find_all("a", cls="desk-headline")]


@pytest.fixture
def as_editor(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def as_journalist(client, journalist):
    client.force_login(journalist)
    return client


def test_admin_home_is_the_desk_and_the_app_list_has_its_own_address(as_editor):
    response = as_editor.get(reverse("admin:index"))
    assert response.status_code == 200
    page = parse_html(response.content.decode())
    assert page.one("h1").clean_text == "مكتب التحرير"
    link = page.one("a", href=reverse("desk_app_list"))
    assert link.clean_text == "كل أقسام الإدارة"
    apps = as_editor.get(reverse("desk_app_list"))
    assert apps.status_code == 200
    assert "المقالات" in parse_html(apps.content.decode()).one("div", id="content-main").text


def test_anonymous_people_are_sent_to_log_in(client):
    for name in ["desk", "desk_app_list", "desk_calendar"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_editor_sees_review_queue_oldest_first_with_author_section_wait_and_note(
    as_editor, make_article, journalist
):
    newer = make_article(headline="أحدث في المراجعة", status=Status.REVIEW, created_by=journalist)
    older = make_article(
        headline="أقدم في المراجعة",
        status=Status.REVIEW,
        created_by=journalist,
        review_note="أضف مصدراً ثانياً",
    )
    Article.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(hours=3))
    Article.objects.filter(pk=newer.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    make_article(headline="مسودة لا تظهر", status=Status.DRAFT, created_by=journalist)
    response = as_editor.get(reverse("desk"))
    review = panel(response, "desk-review")
    assert headlines(review) == ["أقدم في المراجعة", "أحدث في المراجعة"]
    first = review.find_all("li")[0].clean_text
    assert "عمر الخطيب" in first and "الشأن السوري" in first
    assert "ينتظر منذ 3 ساعات" in first
    assert "ملاحظة المحرر: أضف مصدراً ثانياً" in first
    count = parse_html(response.content.decode()).one("strong", cls="desk-count-number")
    assert count.clean_text == "2"


def test_editor_schedule_is_the_next_48_hours_in_newsroom_time_with_reschedule_link(
    as_editor, make_article
):
    soon = timezone.now() + timedelta(hours=2)
    later = timezone.now() + timedelta(hours=30)
    make_article(headline="بعد 30 ساعة", published_at=later)
    due = make_article(headline="بعد ساعتين", published_at=soon)
    make_article(headline="بعد ثلاثة أيام", published_at=timezone.now() + timedelta(days=3))
    response = as_editor.get(reverse("desk"))
    schedule = panel(response, "desk-schedule")
    assert headlines(schedule) == ["بعد ساعتين", "بعد 30 ساعة"]
    times = [t.clean_text for t in schedule.find_all("time", cls="desk-time")]
    assert times[0] == f"{soon.astimezone(DAMASCUS):%H:%M}"
    assert "بتوقيت دمشق، UTC+03:00" in schedule.one("h2").clean_text
    change = reverse("admin:articles_article_change", args=[due.pk])
    assert schedule.one("a", href=f"{change}#id_published_at_0").clean_text == "تغيير الموعد"


def test_editor_live_panel_has_breaking_with_end_time_and_featured_in_front_page_order(
    as_editor, make_article
):
    until = timezone.now() + timedelta(hours=2)
    make_article(headline="عاجل الآن", is_breaking=True, breaking_until=until)
    make_article(
        headline="عاجل انتهى", is_breaking=True, breaking_until=timezone.now() - timedelta(1)
    )
    now = timezone.now()
    make_article(headline="مميز أقدم", is_featured=True, published_at=now - timedelta(hours=5))
    make_article(headline="مميز أحدث", is_featured=True, published_at=now - timedelta(hours=1))
    make_article(headline="مميز مجدول", is_featured=True, published_at=now + timedelta(hours=1))
    live = panel(as_editor.get(reverse("desk")), "desk-live")
    lists = live.find_all("ol")
    assert headlines(lists[0]) == ["عاجل الآن"]
    local = until.astimezone(DAMASCUS)
    assert f"عاجل حتى {local.day}" in lists[0].clean_text
    assert f"{local:%H:%M}" in lists[0].clean_text
    assert headlines(lists[1]) == ["مميز أحدث", "مميز أقدم"]
    assert "الخبر الرئيسي" in lists[1].find_all("li")[0].clean_text


def test_recent_panel_lists_the_last_20_published_with_a_retract_link(as_editor, make_article):
    articles = [make_article(headline=f"منشور {n}") for n in range(25)]
    make_article(headline="مسحوب", status=Status.UNPUBLISHED)
    recent = panel(as_editor.get(reverse("desk")), "desk-recent")
    shown = headlines(recent)
    assert len(shown) == 20
    assert shown[0] == "منشور 0"  # make_article: the first is the newest
    assert "مسحوب" not in shown
    retract = recent.find_all("a", cls="desk-retract")[0]
    assert retract.attrs["href"] == reverse("desk_retract", args=[articles[0].pk])


def test_editing_now_lists_who_has_which_article_open(as_editor, make_article, journalist):
    article = make_article(headline="مقال مفتوح", status=Status.DRAFT, created_by=journalist)
    now = timezone.now()
    Presence.objects.create(article=article, user=journalist, opened_at=now, seen_at=now)
    gone = make_article(headline="مقال أُغلق", status=Status.DRAFT, created_by=journalist)
    old = now - timedelta(minutes=5)
    Presence.objects.create(article=gone, user=journalist, opened_at=old, seen_at=old)
    editing = panel(as_editor.get(reverse("desk")), "desk-editing")
    assert "عمر الخطيب يحرر مقال مفتوح" in editing.clean_text
    assert "مقال أُغلق" not in editing.clean_text


def test_journalist_desk_shows_only_their_own_work_returned_first_with_note(
    as_journalist, make_article, journalist, make_user
):
    other = make_user("other", "صحفيون")
    make_article(headline="مسودتي", status=Status.DRAFT, created_by=journalist)
    make_article(
        headline="أعيدت إلي",
        status=Status.DRAFT,
        created_by=journalist,
        review_note="العنوان طويل",
    )
    make_article(headline="مقالي في المراجعة", status=Status.REVIEW, created_by=journalist)
    make_article(headline="نُشر لي", created_by=journalist)
    make_article(headline="مسودة زميل سرية", status=Status.DRAFT, created_by=other)
    make_article(headline="مراجعة زميل سرية", status=Status.REVIEW, created_by=other)
    make_article(headline="منشور زميل", created_by=other)
    response = as_journalist.get(reverse("desk"))
    text = response.content.decode()
    assert "سرية" not in text and "منشور زميل" not in text
    sections = parse_html(text).find_all("section", cls="desk-panel")
    assert [s.attrs["class"].split()[1] for s in sections] == [
        "desk-returned",
        "desk-drafts",
        "desk-in-review",
        "desk-published",
    ]
    assert headlines(sections[0]) == ["أعيدت إلي"]
    assert "ملاحظة المحرر: العنوان طويل" in sections[0].clean_text
    assert headlines(sections[1]) == ["مسودتي"]
    assert headlines(sections[2]) == ["مقالي في المراجعة"]
    assert headlines(sections[3]) == ["نُشر لي"]
    # Editors' panels and links are not theirs.
    assert "بانتظار المراجعة" not in text and reverse("desk_calendar") not in text


@pytest.fixture(params=[5, 300], ids=["5-articles", "300-articles"])
def archive(request, make_section, editor, journalist):
    """An archive in every state, for each role's panels."""
    section = make_section()
    now = timezone.now()
    states = [
        {"status": Status.PUBLISHED, "published_at": now - timedelta(minutes=1)},
        {"status": Status.PUBLISHED, "published_at": now + timedelta(hours=3)},
        {"status": Status.REVIEW},
        {"status": Status.DRAFT, "review_note": "ملاحظة"},
        {"status": Status.DRAFT},
    ]
    articles = Article.objects.bulk_create(
        Article(
            headline=f"أرشيف {n}",
            slug=f"archive-{n}",
            section=section,
            created_by=journalist if n % 2 else editor,
            is_featured=n % 7 == 0,
            is_breaking=n % 11 == 0,
            **states[n % 5],
        )
        for n in range(request.param)
    )
    Presence.objects.bulk_create(
        Presence(article=a, user=editor, opened_at=now, seen_at=now) for a in articles[:40]
    )
    return articles


# Session, user, the verified second-factor device (staff/), permissions (2), then the
# panels: review count and list, schedule, breaking, featured, recent, editing now.
EDITOR_DESK_BUDGET = 12
# Session, user, the second-factor device, permissions (2), then four lists.
JOURNALIST_DESK_BUDGET = 9


def test_editor_desk_queries_do_not_grow_with_the_archive(
    as_editor, archive, django_assert_max_num_queries
):
    with django_assert_max_num_queries(EDITOR_DESK_BUDGET):
        response = as_editor.get(reverse("desk"))
    assert response.status_code == 200
    assert len(headlines(panel(response, "desk-recent"))) == min(20, (len(archive) + 4) // 5)


def test_journalist_desk_queries_do_not_grow_with_the_archive(
    as_journalist, archive, django_assert_max_num_queries
):
    with django_assert_max_num_queries(JOURNALIST_DESK_BUDGET):
        response = as_journalist.get(reverse("desk"))
    assert response.status_code == 200
    assert response.content.decode().count("desk-headline") >= 1


def test_calendar_queries_do_not_grow_with_the_archive(
    as_editor, archive, django_assert_max_num_queries
):
    # Session, user, permissions (2), the range's articles.
    with django_assert_max_num_queries(6):
        response = as_editor.get(reverse("desk_calendar"))
    assert response.status_code == 200


# Calendar -----------------------------------------------------------------------------


def test_calendar_shows_a_week_of_published_and_scheduled_articles_with_the_zone(
    as_editor, make_article
):
    tomorrow = timezone.localtime() + timedelta(days=1)
    at = tomorrow.replace(hour=9, minute=30, second=0, microsecond=0)
    make_article(headline="مجدول للغد", published_at=at)
    make_article(headline="مسودة", status=Status.DRAFT, published_at=at)
    day = at.date()
    response = as_editor.get(reverse("desk_calendar"), {"view": "day", "date": day.isoformat()})
    assert response.status_code == 200
    page = parse_html(response.content.decode())
    main = page.one("div", id="content-main")
    assert "الأوقات بتوقيت دمشق، UTC+03:00." in main.clean_text
    item = main.one("li", cls="is-scheduled")
    assert item.one("time").clean_text == "09:30"
    assert "مجدول للغد" in item.clean_text and "مسودة" not in main.clean_text
    nav = page.one("nav", cls="desk-calendar-nav")
    hrefs = [a.attrs["href"] for a in nav.find_all("a")]
    assert f"?view=day&date={(day - timedelta(days=1)).isoformat()}" in hrefs
    assert f"?view=day&date={(day + timedelta(days=1)).isoformat()}" in hrefs
    week = as_editor.get(reverse("desk_calendar"), {"date": day.isoformat()})
    assert "مجدول للغد" in week.content.decode()


def test_calendar_week_starts_on_saturday():
    from desk.panels import week_start

    thursday = datetime(2026, 12, 3).date()
    assert week_start(thursday).isoformat() == "2026-11-28"
    assert week_start(week_start(thursday)) == week_start(thursday)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date": "2026-13-45"}, "التاريخ في الرابط غير صالح"),
        ({"date": "9999-01-01"}, "التاريخ في الرابط غير صالح"),
        ({"date": "١٢"}, "التاريخ في الرابط غير صالح"),
        ({"view": "month"}, "طريقة العرض في الرابط غير معروفة"),
    ],
)
def test_calendar_refuses_bad_input_in_arabic(as_editor, query, message):
    response = as_editor.get(reverse("desk_calendar"), query)
    assert response.status_code == 400
    assert message in parse_html(response.content.decode()).one("h1").clean_text


def test_calendar_is_for_editors_only(as_journalist):
    response = as_journalist.get(reverse("desk_calendar"))
    assert response.status_code == 403
    assert "للمحررين وحدهم" in response.content.decode()


# Retract ------------------------------------------------------------------------------


def test_retract_asks_first_and_get_changes_nothing(as_editor, make_article):
    article = make_article(headline="سيُسحب")
    response = as_editor.get(reverse("desk_retract", args=[article.pk]))
    assert response.status_code == 200
    form = parse_html(response.content.decode()).one("form", cls="desk-retract-form")
    assert form.one("input", name="version").attrs["value"] == str(article.version)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_retract_goes_through_the_workflow_with_the_version_lock(as_editor, make_article, editor):
    article = make_article(headline="سيُسحب")
    url = reverse("desk_retract", args=[article.pk])
    response = as_editor.post(url, {"version": article.version})
    assert response.status_code == 302 and response["Location"] == reverse("desk")
    article.refresh_from_db()
    assert article.status == Status.UNPUBLISHED
    assert article.updated_by == editor and article.version == 2
    assert "سُحب من النشر: «سيُسحب»" in as_editor.get(reverse("desk")).content.decode()


def test_retract_refuses_a_stale_version_and_keeps_the_article_live(as_editor, make_article):
    article = make_article(headline="حُفظ بعد فتحه")
    url = reverse("desk_retract", args=[article.pk])
    Article.objects.filter(pk=article.pk).update(version=5)
    response = as_editor.post(url, {"version": 1})
    assert response.status_code == 409
    assert "لم يُسحب المقال" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


@pytest.mark.parametrize("version", ["", "abc", "١", "9" * 30])
def test_retract_refuses_a_bad_version_in_arabic(as_editor, make_article, version):
    article = make_article()
    response = as_editor.post(reverse("desk_retract", args=[article.pk]), {"version": version})
    assert response.status_code == 400
    assert "الطلب ناقص" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_journalist_cannot_retract(as_journalist, make_article, journalist):
    article = make_article(created_by=journalist)
    for response in [
        as_journalist.get(reverse("desk_retract", args=[article.pk])),
        as_journalist.post(reverse("desk_retract", args=[article.pk]), {"version": 1}),
    ]:
        assert response.status_code == 403
        assert "للمحررين وحدهم" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_retract_of_a_draft_or_a_missing_article_is_refused_in_arabic(as_editor, make_article):
    draft = make_article(status=Status.DRAFT)
    response = as_editor.post(reverse("desk_retract", args=[draft.pk]), {"version": 1})
    assert response.status_code == 409
    assert "ليس منشوراً" in response.content.decode()
    for pk in [draft.pk + 1000, 10**25]:
        response = as_editor.get(f"/admin/desk/retract/{pk}/")
        assert response.status_code == 404
        assert "لم نجد هذا المقال" in response.content.decode()
