"""The editorial workflow through the admin as people use it: submitting, scheduling in the
newsroom's time zone, refusing stale saves, history with compare and restore, previews and
corrections."""

import logging
import zoneinfo
from datetime import datetime, timedelta

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone
from reversion.models import Version

from articles import history, workflow
from articles.admin import ArticleAdmin
from articles.forms import ArticleForm
from articles.models import Article, Correction
from articles.roles import JOURNALISTS
from audit.models import AuditEvent

from .adminform import change_url, form_data
from .dom import parse_html
from .test_admin_forms import form_errors

Status = Article.Status
DAMASCUS = zoneinfo.ZoneInfo("Asia/Damascus")


@pytest.fixture
def client_for(client, db):
    """client_for(user) -> a logged-in test client (a fresh one per user)."""
    from django.test import Client

    def make(user):
        new = Client()
        new.force_login(user)
        return new

    return make


@pytest.fixture
def colleague(make_user):
    return make_user("colleague", JOURNALISTS, first_name="ليلى", last_name="حسن")


@pytest.fixture
def draft_by(make_article):
    def make(user, **overrides):
        fields = {"status": Status.DRAFT, "published_at": None, "created_by": user} | overrides
        article = make_article(**fields)
        article.authors.add(user)
        return article

    return make


def save(client, article, button=None, **changes):
    """GET the change form, change some fields, POST it back (optionally with a workflow
    button)."""
    data = form_data(client.get(change_url(article))) | changes
    if button:
        data["_workflow"] = button
    return client.post(change_url(article), data)


def versions_of(article):
    return Version.objects.get_for_object(article)


# Journalists ---------------------------------------------------------------------------


def test_journalist_creates_a_draft_credited_to_them(client_for, journalist, make_section):
    client = client_for(journalist)
    data = form_data(client.get("/admin/articles/article/add/"))
    data |= {"headline": "خبر من الحسكة", "body": "<p>نص</p>", "section": make_section().pk}
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert article.status == Status.DRAFT
    assert article.created_by == journalist
    assert list(article.authors.all()) == [journalist]
    assert versions_of(article).count() == 1


def test_journalist_creates_and_submits_in_one_save(client_for, journalist, make_section):
    """The add form's only button: the new article is the journalist's own before it exists,
    so the workflow's rule (which reads the owner) lets them submit it."""
    client = client_for(journalist)
    data = form_data(client.get("/admin/articles/article/add/"))
    data |= {"headline": "خبر جديد", "body": "<p>نص</p>", "section": make_section().pk}
    response = client.post("/admin/articles/article/add/", data | {"_workflow": "submit"})
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert (article.status, article.created_by) == (Status.REVIEW, journalist)


def test_journalist_submits_own_draft_for_review(client_for, journalist, draft_by):
    article = draft_by(journalist)
    response = save(client_for(journalist), article, button="submit", headline="عنوان منقح")
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert (article.status, article.headline) == (Status.REVIEW, "عنوان منقح")
    assert article.version == 2
    assert article.updated_by == journalist
    assert versions_of(article).first().revision.get_comment().startswith("أُرسل للمراجعة")


def test_forged_editor_fields_from_a_journalist_are_ignored_with_a_message(
    client_for, journalist, draft_by, caplog
):
    article = draft_by(journalist)
    forged = {
        "status": "published",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        "is_featured": "on",
        "is_breaking": "on",
        "review_note": "x",
    }
    client = client_for(journalist)
    with caplog.at_level(logging.WARNING, logger="newsroom.security"):
        response = save(client, article, **forged)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.DRAFT, None)
    assert not article.is_featured and not article.is_breaking and article.review_note == ""
    page = client.get(response["Location"]).content.decode()
    assert "للمحررين فقط" in page
    assert any("ignored fields" in r.message for r in caplog.records)
    denied = AuditEvent.objects.get(action="denied", actor=journalist)
    assert denied.detail.startswith("forged fields:") and "is_featured" in denied.detail


def test_forged_substantive_update_from_a_journalist_is_ignored_with_a_message(
    client_for, journalist, draft_by, caplog
):
    """«تحديث جوهري» is hidden from journalists; posted anyway, it must not stamp
    content_updated_at (an editor-only field) but be refused like the others."""
    article = draft_by(journalist)
    client = client_for(journalist)
    with caplog.at_level(logging.WARNING, logger="newsroom.security"):
        response = save(client, article, substantive_update="on")
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.content_updated_at is None
    page = client.get(response["Location"]).content.decode()
    assert "لم تُطبَّق هذه الحقول لأنها للمحررين فقط: تحديث جوهري." in page
    assert any(
        "ignored fields" in r.getMessage() and "substantive_update" in r.getMessage()
        for r in caplog.records
    )


def test_journalist_cannot_use_an_editor_button(client_for, journalist, draft_by):
    article = draft_by(journalist)
    response = save(client_for(journalist), article, button="publish")
    assert response.status_code == 200
    assert form_errors(response)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_journalist_gets_a_read_only_page_for_own_published_article(
    client_for, journalist, draft_by
):
    article = draft_by(journalist, status=Status.PUBLISHED, published_at=timezone.now())
    client = client_for(journalist)
    page = client.get(change_url(article))
    assert page.status_code == 200
    assert 'name="headline"' not in page.content.decode()
    response = client.post(change_url(article), {"headline": "تغيير"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline != "تغيير"


def test_editor_sees_the_journalists_review_note_workflow(client_for, journalist, editor, draft_by):
    article = draft_by(journalist, status=Status.REVIEW)
    response = save(client_for(editor), article, button="send_back", review_note="أضف مصدراً")
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert (article.status, article.review_note) == (Status.DRAFT, "أضف مصدراً")
    page = client_for(journalist).get(change_url(article)).content.decode()
    assert "أضف مصدراً" in page


# Scheduling ----------------------------------------------------------------------------


def test_editor_schedules_in_damascus_time_and_the_list_says_scheduled(
    client_for, editor, journalist, draft_by
):
    article = draft_by(journalist, status=Status.REVIEW)
    local = (timezone.now() + timedelta(hours=5)).astimezone(DAMASCUS).replace(microsecond=0)
    client = client_for(editor)
    response = save(
        client,
        article,
        button="schedule",
        published_at_0=local.strftime("%Y-%m-%d"),
        published_at_1=local.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.published_at == local
    assert workflow.state(article) == "scheduled"
    assert not Article.objects.published().filter(pk=article.pk).exists()
    changelist = client.get("/admin/articles/article/").content.decode().replace("\xa0", " ")
    assert "مجدول: بعد 4 ساعات و59 دقيقة" in changelist


def test_scheduling_in_the_past_is_a_form_error(client_for, editor, journalist, draft_by):
    article = draft_by(journalist, status=Status.REVIEW)
    past = (timezone.now() - timedelta(hours=1)).astimezone(DAMASCUS)
    response = save(
        client_for(editor),
        article,
        button="schedule",
        published_at_0=past.strftime("%Y-%m-%d"),
        published_at_1=past.strftime("%H:%M:%S"),
    )
    assert response.status_code == 200
    assert any("المستقبل" in e for e in form_errors(response))
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_date_fields_show_the_newsroom_time_zone_and_offset(client_for, editor, draft_by):
    article = draft_by(editor)
    page = client_for(editor).get(change_url(article)).content.decode()
    assert "بتوقيت دمشق، UTC+03:00" in page


def test_overdue_scheduled_article_is_impossible_by_design(
    client, make_article, db_clock, editor, client_for
):
    """No job flips a scheduled article: visibility is the query's Now(). Nothing is saved
    between the two moments below, yet the article is hidden before and public after."""
    due = datetime(2030, 6, 1, 9, 0, tzinfo=DAMASCUS)
    article = make_article(status=Status.PUBLISHED, published_at=due)
    db_clock(due - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "مجدول" in client_for(editor).get("/admin/articles/article/").content.decode()
    db_clock(due + timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert not hasattr(Article.Status, "SCHEDULED")


# No lost edits -------------------------------------------------------------------------


def test_stale_save_is_refused_naming_who_saved_and_keeps_the_text(
    client_for, editor, journalist, draft_by
):
    article = draft_by(journalist)
    journalist_client, editor_client = client_for(journalist), client_for(editor)
    stale_form = form_data(journalist_client.get(change_url(article)))
    assert save(editor_client, article, headline="عنوان المحرر").status_code == 302

    mine = "<p>فقرة كتبها الصحفي ولا يجوز أن تضيع</p>"
    response = journalist_client.post(change_url(article), stale_form | {"body": mine})
    assert response.status_code == 200
    errors = " ".join(form_errors(response))
    assert "سارة الأحمد" in errors and "لم يُحفظ تعديلك" in errors
    assert "فقرة كتبها الصحفي ولا يجوز أن تضيع" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "عنوان المحرر"
    assert "ولا يجوز أن تضيع" not in article.body
    assert article.version == 2
    assert versions_of(article).count() == 1


def test_a_form_without_its_version_is_refused(client_for, editor, draft_by):
    article = draft_by(editor)
    data = form_data(client_for(editor).get(change_url(article)))
    del data["loaded_version"]
    response = client_for(editor).post(change_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.version == 1


def test_bulk_action_makes_an_open_form_stale(client_for, editor, journalist, draft_by):
    article = draft_by(journalist, status=Status.REVIEW)
    editor_client = client_for(editor)
    stale_form = form_data(editor_client.get(change_url(article)))
    response = editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.version) == (Status.PUBLISHED, 2)
    response = editor_client.post(change_url(article), stale_form | {"status": "draft"})
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


def test_every_save_path_bumps_the_version_and_records_a_revision(client_for, editor, draft_by):
    article = draft_by(editor)
    client = client_for(editor)
    save(client, article, headline="أ")
    client.post(
        "/admin/articles/article/", {"action": "publish_selected", "_selected_action": [article.pk]}
    )
    first = versions_of(article).last()
    client.post(f"/admin/articles/article/{article.pk}/history/{first.pk}/", {"version": 3})
    article.refresh_from_db()
    assert article.version == 4
    assert versions_of(article).count() == 3


# Bulk actions --------------------------------------------------------------------------


def test_bulk_publish_acts_only_where_the_state_allows(client_for, editor, draft_by):
    articles = [
        draft_by(editor),
        draft_by(editor, status=Status.REVIEW),
        draft_by(editor, status=Status.PUBLISHED, published_at=timezone.now()),
    ]
    response = client_for(editor).post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )
    page = response.content.decode()
    assert "عدد المقالات: 2" in page and "على 1 مقال" in page
    assert Article.objects.published().count() == 3
    assert [versions_of(a).count() for a in articles] == [1, 1, 0]


def test_bulk_unpublish_hides_at_once(client, client_for, editor, make_article):
    article = make_article()
    client_for(editor).post(
        "/admin/articles/article/",
        {"action": "unpublish_selected", "_selected_action": [article.pk]},
    )
    assert client.get(article.get_absolute_url()).status_code == 404


# History -------------------------------------------------------------------------------


def test_restore_creates_a_new_revision_equal_to_the_old_one(client_for, editor, draft_by):
    article = draft_by(editor, headline="الأول", tags=["الحسكة"])
    client = client_for(editor)
    save(client, article, headline="الثاني", tags="قسد")
    save(client, article, headline="الثالث")
    oldest = versions_of(article).last()
    response = client.post(
        f"/admin/articles/article/{article.pk}/history/{oldest.pk}/", {"version": 3}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "الثاني"
    assert article.version == 4
    assert versions_of(article).count() == 3
    assert "استُعيدت" in versions_of(article).first().revision.get_comment()


def test_journalist_restoring_a_published_revision_gets_text_not_status(
    client_for, editor, journalist, draft_by
):
    """An editor published it once; it was sent back; the journalist restores the published
    revision: the text comes back, the status stays draft."""
    article = draft_by(journalist, status=Status.REVIEW, headline="نص منشور")
    editor_client = client_for(editor)
    save(editor_client, article, button="publish")
    published = versions_of(article).first()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    save(editor_client, article, status="draft", published_at_0="", published_at_1="")
    save(client_for(journalist), article, headline="مسودة جديدة")
    article.refresh_from_db()
    response = client_for(journalist).post(
        f"/admin/articles/article/{article.pk}/history/{published.pk}/",
        {"version": article.version},
        follow=True,
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline == "نص منشور"
    assert article.status == Status.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert "للمحررين فقط" in response.content.decode()


def test_stale_restore_is_refused(client_for, editor, draft_by):
    article = draft_by(editor)
    client = client_for(editor)
    save(client, article, headline="ب")
    first = versions_of(article).last()
    response = client.post(
        f"/admin/articles/article/{article.pk}/history/{first.pk}/", {"version": 1}, follow=True
    )
    assert "لم يُحفظ تعديلك" in response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.version) == ("ب", 2)


def test_compare_shows_escaped_field_differences(client_for, editor, draft_by):
    article = draft_by(editor, headline="هادئ")
    client = client_for(editor)
    save(client, article, headline='"><svg onload=alert(1)>')
    save(client, article, summary="ملخص <script>alert(1)</script>")
    newest, oldest = versions_of(article).first(), versions_of(article).last()
    response = client.get(
        f"/admin/articles/article/{article.pk}/history/compare/?from={oldest.pk}&to={newest.pk}"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg onload" not in page and "<script>alert" not in page
    assert "&lt;svg onload=alert(1)&gt;" in page
    assert "<ins>" in page


def test_compare_refuses_versions_of_another_article(client_for, editor, draft_by):
    mine, other = draft_by(editor), draft_by(editor)
    client = client_for(editor)
    save(client, mine, headline="1")
    save(client, other, headline="2")
    foreign = versions_of(other).first().pk
    own = versions_of(mine).first().pk
    url = f"/admin/articles/article/{mine.pk}/history/compare/?from={own}&to={foreign}"
    assert client.get(url).status_code == 404
    assert client.get(f"/admin/articles/article/{mine.pk}/history/{foreign}/").status_code == 404


def test_history_lists_revisions_with_compare_controls(client_for, editor, draft_by):
    article = draft_by(editor)
    client = client_for(editor)
    save(client, article, headline="1")
    save(client, article, headline="2")
    page = client.get(f"/admin/articles/article/{article.pk}/history/").content.decode()
    assert page.count('name="from"') == 2


def test_history_lists_a_revision_whose_author_is_gone(client_for, editor, draft_by):
    """A revision saved without a user, or by a user since deleted, reads «—», never a 500."""
    import reversion

    article = draft_by(editor)
    with reversion.create_revision():
        article.save()
    page = client_for(editor).get(f"/admin/articles/article/{article.pk}/history/")
    assert page.status_code == 200
    assert "<bdi>—</bdi>" in page.content.decode()


def test_one_list_of_editable_fields_for_the_form_the_admin_the_history_and_restore():
    flat = [name for _, options in ArticleAdmin.fieldsets for name in options["fields"]]
    form_only = {"loaded_version", "substantive_update"}
    assert [name for name in flat if name not in form_only] == workflow.EDITABLE_FIELDS
    assert ArticleForm._meta.fields == workflow.EDITABLE_FIELDS
    assert set(workflow.EDITOR_ONLY_FIELDS) <= set(workflow.EDITABLE_FIELDS)
    # Everything else on the article is bookkeeping nobody types.
    typed = {f.name for f in Article._meta.get_fields() if f.editable and not f.auto_created}
    assert typed - {"id"} == set(workflow.EDITABLE_FIELDS)


def snapshot(article):
    """Every editable field of an article as saved (ids for relations, names for tags)."""
    article = Article.objects.get(pk=article.pk)
    values = {}
    for name in workflow.EDITABLE_FIELDS:
        if name == "tags":
            values[name] = set(article.tags.names())
            continue
        field = Article._meta.get_field(name)
        values[name] = (
            set(getattr(article, name).values_list("pk", flat=True))
            if field.many_to_many
            else getattr(article, field.attname)
        )
    return values


def test_compare_and_restore_cover_every_editable_field_in_form_order(
    editor, make_article, make_section, make_image, make_user
):
    """A revision that changed every editable field: the compare page lists each of them, in
    the order the form shows them, and restoring the revision before brings each back."""
    now = timezone.now().replace(microsecond=0)
    # Revisions keep times to the millisecond (Django's JSON serializer).
    article = make_article(
        tags=["قسد"], authors=[editor], created_by=editor, published_at=now - timedelta(hours=3)
    )
    article.related.set([make_article()])
    with reversion.create_revision():
        article.save()
    before, original = versions_of(article).first(), snapshot(article)
    changed = {
        "kicker": "تحقيق",
        "headline": "عنوان آخر",
        "slug": "slug-2",
        "summary": "ملخص آخر",
        "body": "<p>نص آخر</p>",
        "section": make_section(),
        "lead_image": make_image(),
        "lead_image_caption": "تعليق آخر",
        "byline": "مراسل متعاون",
        "source": "وكالة",
        "status": Status.UNPUBLISHED,
        "published_at": now - timedelta(days=2),
        "expire_at": now + timedelta(days=2),
        "content_updated_at": now - timedelta(days=1),
        "is_featured": True,
        "is_breaking": True,
        "breaking_until": now + timedelta(hours=1),
        "post_to_telegram": True,
        "push_breaking": True,
        "exclude_from_most_read": True,
        "review_note": "ملاحظة",
    }
    with reversion.create_revision():
        for name, value in changed.items():
            setattr(article, name, value)
        article.save()
        article.tags.set(["الحسكة"])
        article.authors.set([make_user("writer")])
        article.related.set([make_article()])
        reversion.add_to_revision(article)
    after = versions_of(article).first()
    assert set(changed) | {"tags", "authors", "related"} == set(workflow.EDITABLE_FIELDS)

    labels = [str(label) for label, _ in history.changes(before, after, editor)]
    assert labels == [
        "الوسوم" if name == "tags" else str(Article._meta.get_field(name).verbose_name)
        for name in workflow.EDITABLE_FIELDS
    ]
    assert all(snapshot(article)[name] != original[name] for name in workflow.EDITABLE_FIELDS)

    workflow.restore(article.pk, before, editor, loaded_version=article.version)
    assert snapshot(article) == original


def test_editor_recovers_a_deleted_article(client_for, editor, draft_by):
    article = draft_by(editor, headline="سيُحذف ثم يعود", tags=["الحسكة"])
    client = client_for(editor)
    save(client, article, headline="سيُحذف ثم يعود")
    pk = article.pk
    client.post(f"/admin/articles/article/{pk}/delete/", {"post": "yes"})
    assert not Article.objects.filter(pk=pk).exists()
    listing = client.get("/admin/articles/article/recover/")
    assert "سيُحذف ثم يعود" in listing.content.decode()
    version = Version.objects.get_deleted(Article).get()
    recover_url = f"/admin/articles/article/recover/{version.pk}/"
    data = form_data(client.get(recover_url))
    response = client.post(recover_url, data)
    assert response.status_code == 302, form_errors(response)
    restored = Article.objects.get(pk=pk)
    assert restored.headline == "سيُحذف ثم يعود"
    assert list(restored.tags.names()) == ["الحسكة"]


def test_the_article_recover_view_refuses_another_models_revision(client_for, editor, make_image):
    """Reversion's recover view looks a version up by id whatever its model; images have
    revisions too, so an image's version id must not reach it through the article admin."""
    import reversion

    image = make_image()
    with reversion.create_revision():
        image.save()
    version = Version.objects.get_for_object(image).get()
    client = client_for(editor)
    assert client.get(f"/admin/articles/article/recover/{version.pk}/").status_code == 404


def test_journalist_cannot_recover_deleted_articles(client_for, journalist, draft_by):
    draft_by(journalist)
    client = client_for(journalist)
    assert client.get("/admin/articles/article/recover/").status_code == 403
    assert "/recover/" not in client.get("/admin/articles/article/").content.decode()


# Previews ------------------------------------------------------------------------------


def assert_private(response):
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_preview_link_shows_a_draft_to_someone_without_an_account(client, draft_by, editor):
    article = draft_by(editor, headline="مسودة للمعاينة")
    response = client.get(article.get_preview_url())
    assert response.status_code == 200
    assert_private(response)
    page = response.content.decode()
    assert "مسودة للمعاينة" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page


def shape(node):
    """An element as comparable data: tag, attributes and children, text kept as it is."""
    return (
        node.tag,
        sorted(node.attrs.items()),
        [child if isinstance(child, str) else shape(child) for child in node.children],
    )


def test_preview_shows_the_body_exactly_as_the_public_page(
    client, client_for, editor, make_article, draft_by
):
    """One context builder for both pages: internal links resolved to canonical URLs, links
    to articles readers cannot see removed, «اقرأ أيضاً» inserted the same way. The preview
    used to skip link resolution, so it showed links the public page drops."""
    target = make_article(headline="الهدف المنشور")
    hidden = draft_by(editor, headline="مسودة مخفية")
    body = (
        f'<p>فقرة أولى فيها <a href="/articles/{target.pk}/">رابط إلى خبر منشور</a> ونص.</p>'
        f'<p><strong>اقرأ أيضاً:</strong> <a href="/articles/{hidden.pk}/">مسودة</a></p>'
        f'<p>فقرة ثانية فيها <a href="/articles/{hidden.pk}/">رابط إلى مسودة</a>.</p>'
        "<h2>عنوان فرعي</h2><p>فقرة ثالثة.</p><p>فقرة رابعة.</p>"
    )
    article = make_article(body=body, created_by=editor)
    make_article(headline="خبر آخر في القسم")  # a related card, for «اقرأ أيضاً»

    public = client.get(article.get_absolute_url())
    preview = client_for(editor).get(article.get_preview_url())
    assert (public.status_code, preview.status_code) == (200, 200)
    public_body = parse_html(public.content).one("div", cls="article-body")
    preview_body = parse_html(preview.content).one("div", cls="article-body")
    assert shape(preview_body) == shape(public_body)

    links = [a.attrs["href"] for a in public_body.find_all("a")]
    assert target.get_absolute_url() in links
    assert not any(f"/articles/{hidden.pk}/" in href for href in links)
    assert "رابط إلى مسودة" in public_body.text


def test_change_form_has_a_preview_button(client_for, editor, draft_by):
    article = draft_by(editor)
    page = client_for(editor).get(change_url(article)).content.decode()
    assert f'href="/preview/{article.pk}:' in page and ">معاينة</a>" in page


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "999999" + t[t.index(":") :],
        lambda t: "abc",
        lambda t: ":::",
        lambda t: "1" * 40,
        lambda t: t.split(":")[0],
    ],
)
def test_tampered_preview_token_is_404(client, draft_by, editor, mangle):
    article = draft_by(editor)
    response = client.get(f"/preview/{mangle(article.preview_token())}/")
    assert response.status_code == 404


def test_token_of_one_article_never_opens_another(client, draft_by, editor):
    first, second = draft_by(editor), draft_by(editor, headline="سر المقال الثاني")
    token = first.preview_token()
    forged = f"{second.pk}{token[token.index(':') :]}"
    response = client.get(f"/preview/{forged}/")
    assert response.status_code == 404
    assert "سر المقال الثاني" not in response.content.decode()


def test_expired_preview_link_is_refused_in_arabic(client, draft_by, editor, settings):
    from freezegun import freeze_time

    article = draft_by(editor)
    url = article.get_preview_url()
    with freeze_time(timezone.now() + timedelta(seconds=settings.PREVIEW_LINK_MAX_AGE + 1)):
        response = client.get(url)
    assert response.status_code == 403
    assert_private(response)
    assert "انتهت صلاحية" in response.content.decode()


def test_regenerating_the_secret_revokes_shared_links(client, client_for, editor, draft_by):
    article = draft_by(editor)
    url = article.get_preview_url()
    response = client_for(editor).post(f"/admin/articles/article/{article.pk}/preview-link/")
    assert response.status_code == 302
    assert client.get(url).status_code == 404
    article.refresh_from_db()
    assert client.get(article.get_preview_url()).status_code == 200


def test_preview_of_retracted_article_is_gone_for_outsiders(client, client_for, editor, draft_by):
    article = draft_by(editor, status=Status.UNPUBLISHED, published_at=timezone.now())
    assert client.get(article.get_preview_url()).status_code == 404
    assert client_for(editor).get(article.get_preview_url()).status_code == 200


def test_preview_of_live_article_redirects_outsiders_to_it(client, make_article):
    article = make_article()
    response = client.get(article.get_preview_url())
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()


# URLs, corrections, updates ------------------------------------------------------------


def test_slug_and_section_change_of_a_published_article_keeps_old_urls(
    client, client_for, editor, make_article, make_section
):
    article = make_article(headline="عنوان قديم")
    old_url = article.get_absolute_url()
    new_section = make_section(name="اقتصاد")
    response = save(client_for(editor), article, slug="عنوان-جديد", section=new_section.pk)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.slug == "عنوان-جديد"
    moved = client.get(old_url)
    assert moved.status_code == 301
    assert moved["Location"] == article.get_absolute_url()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_editor_adds_a_dated_correction(client_for, editor, make_article):
    article = make_article()
    client = client_for(editor)
    data = form_data(client.get(change_url(article))) | {
        "public_corrections-TOTAL_FORMS": "1",
        "public_corrections-0-text": "ذكرت نسخة سابقة أن عدد السجناء 500، والصحيح 5000.",
        "public_corrections-0-published_at_0": "2026-11-25",
        "public_corrections-0-published_at_1": "12:00:00",
    }
    response = client.post(change_url(article), data)
    assert response.status_code == 302, form_errors(response)
    correction = article.public_corrections.get()
    assert correction.created_by == editor
    assert correction.published_at == datetime(2026, 11, 25, 12, tzinfo=DAMASCUS)


def test_journalist_gets_no_corrections_inline(client_for, journalist, draft_by):
    article = draft_by(journalist)
    page = client_for(journalist).get(change_url(article)).content.decode()
    assert "public_corrections-TOTAL_FORMS" not in page


def test_corrections_partial_renders_escaped_dated_notes(make_article):
    article = make_article()
    Correction.objects.create(article=article, text="<script>x</script> سطر\nثانٍ")
    html = render_to_string(
        "includes/corrections.html", {"corrections": article.public_corrections.all()}
    )
    assert "تصحيحات" in html and "&lt;script&gt;" in html and "<br>" in html
    assert render_to_string("includes/corrections.html", {"corrections": []}).strip() == ""


def test_substantive_update_stamps_content_updated_at(client_for, editor, make_article):
    article = make_article()
    response = save(client_for(editor), article, substantive_update="on")
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert timezone.now() - article.content_updated_at < timedelta(minutes=1)


def test_inactive_editor_can_do_nothing(editor, draft_by):
    article = draft_by(editor)
    get_user_model().objects.filter(pk=editor.pk).update(is_active=False)
    editor.refresh_from_db()
    assert not workflow.can_edit(editor, article)
    assert not workflow.can_publish(editor)


def test_article_page_shows_corrections_at_the_end_in_one_query_however_many(
    client, make_article, django_assert_max_num_queries
):
    """One query reads them all (none when there are none: test_pages)."""
    article = make_article()
    Correction.objects.create(article=article, text="تصحيح رقم 0")
    client.get(article.get_absolute_url())  # warm caches that are not per article
    with django_assert_max_num_queries(20) as baseline:
        client.get(article.get_absolute_url())
    for n in range(1, 3):
        Correction.objects.create(article=article, text=f"تصحيح رقم {n}")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = client.get(article.get_absolute_url()).content.decode()
    assert page.index("تصحيح رقم 0") > page.index('class="article-body"')
    assert page.count("تصحيح رقم") == 3


def test_preview_renders_with_the_readers_context(client, draft_by, editor, make_article):
    article = draft_by(editor, tags=["الحسكة"])
    related = make_article(tags=["الحسكة"], headline="خبر منشور ذو صلة")
    page = client.get(article.get_preview_url()).content.decode()
    assert related.headline in page
    assert "معاينة" in page


def test_scheduled_time_passing_while_the_form_is_open_is_no_conflict(
    client_for, editor, make_article, db_clock
):
    """THREATS EDIT-04: publication by time changes nothing stored, so it bumps no version."""
    due = datetime(2030, 6, 1, 9, 0, tzinfo=DAMASCUS)
    article = make_article(status=Status.PUBLISHED, published_at=due)
    db_clock(due - timedelta(minutes=5))
    client = client_for(editor)
    data = form_data(client.get(change_url(article))) | {"summary": "ملخص أدق"}
    db_clock(due + timedelta(minutes=5))
    response = client.post(change_url(article), data)
    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert (article.summary, article.version) == ("ملخص أدق", 2)
