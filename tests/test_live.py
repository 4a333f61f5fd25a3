"""Live coverage (live/): the reader's page, the update endpoint, the entries feed, JSON-LD,
the desk's permissions and approval, and that no non-public entry shows anywhere."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from live.cache_policy import next_clock_change
from live.models import LiveCoverage, LiveEntry

from .dom import parse_html as parse

Status = LiveEntry.Status


@pytest.fixture
def make_live(make_article):
    def make(article=None, **fields):
        return LiveCoverage.objects.create(article=article or make_article(), **fields)

    return make


def entry(coverage, body="<p>تحديث</p>", minutes_ago=1, **fields):
    fields.setdefault("published_at", timezone.now() - timedelta(minutes=minutes_ago))
    return LiveEntry.objects.create(coverage=coverage, body=body, **fields)


def page_dom(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return parse(response.content.decode())


def stream_ids(dom):
    stream = dom.find_all("div", cls="live-stream")[0]
    return [node.attrs["id"] for node in stream.find_all("article", cls="live-entry")]


def test_live_page_shows_label_pinned_first_then_newest_with_anchors(client, make_live):
    coverage = make_live()
    old = entry(coverage, "<p>قديم</p>", minutes_ago=30)
    pinned = entry(coverage, "<p>مثبت</p>", minutes_ago=20, is_pinned=True)
    new = entry(coverage, "<p>جديد</p>", minutes_ago=1, is_key=True, title="حدث رئيسي")
    dom = page_dom(client, coverage.article)
    assert "مباشر" in dom.find_all("h2", cls="live-title")[0].clean_text
    assert stream_ids(dom) == [pinned.anchor, new.anchor, old.anchor]
    key_links = dom.find_all("nav", cls="live-key-events")[0].find_all("a")
    assert [a.attrs["href"] for a in key_links] == [f"#{new.anchor}"]
    assert "حدث رئيسي" in key_links[0].clean_text


def test_an_ordinary_article_has_no_live_block(client, make_article):
    dom = page_dom(client, make_article())
    assert not dom.find_all("section", cls="live")


def test_draft_review_scheduled_and_deleted_entries_never_show(client, make_live):
    coverage = make_live()
    entry(coverage, "<p>DRAFT-x1</p>", status=Status.DRAFT)
    entry(coverage, "<p>REVIEW-x1</p>", status=Status.REVIEW)
    entry(coverage, "<p>SCHEDULED-x1</p>", minutes_ago=-60)
    deleted = entry(coverage, "<p>DELETED-x1</p>")
    shown = entry(coverage, "<p>SHOWN-x1</p>")
    deleted.delete()
    pk = coverage.article.pk
    urls = [
        coverage.article.get_absolute_url(),
        reverse("live_updates", args=[pk]),
        reverse("live_feed", args=[pk]),
    ]
    for url in urls:
        text = client.get(url).content.decode()
        assert "SHOWN-x1" in text, url
        for hidden in ["DRAFT-x1", "REVIEW-x1", "SCHEDULED-x1", "DELETED-x1"]:
            assert hidden not in text, (hidden, url)
    assert list(LiveEntry.objects.public()) == [shown]


def test_a_scheduled_entry_appears_on_time_and_is_the_next_clock_change(
    client, make_live, db_clock
):
    now = timezone.now()
    coverage = make_live()
    due = now + timedelta(minutes=10)
    entry(coverage, "<p>LATER-x1</p>", published_at=due)
    db_clock(now)
    assert next_clock_change() == due
    assert (
        "LATER-x1"
        not in client.get(reverse("live_updates", args=[coverage.article.pk])).content.decode()
    )
    db_clock(due + timedelta(seconds=1))
    assert (
        "LATER-x1"
        in client.get(reverse("live_updates", args=[coverage.article.pk])).content.decode()
    )


def test_a_live_story_whose_article_is_not_public_shows_nothing(client, make_live):
    coverage = make_live()
    entry(coverage, "<p>SECRET-x1</p>")
    Article.objects.filter(pk=coverage.article.pk).update(status=Article.Status.DRAFT)
    pk = coverage.article.pk
    for name in ["live_updates", "live_entries", "live_feed"]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.get(coverage.article.get_absolute_url()).status_code == 404
    assert not LiveEntry.objects.public().exists()


def test_update_endpoint_sends_newest_entries_as_html_fragments(client, make_live):
    coverage = make_live()
    first = entry(coverage, "<p>أول</p>", minutes_ago=5)
    second = entry(coverage, "<p>ثان</p>", minutes_ago=1, is_pinned=True)
    response = client.get(reverse("live_updates", args=[coverage.article.pk]))
    data = response.json()
    assert data["state"] == "live"
    assert [e["id"] for e in data["entries"]] == [second.pk, first.pk]
    fragment = parse(data["entries"][0]["html"])
    assert fragment.find_all("article", cls="live-entry")[0].attrs["id"] == second.anchor


def test_update_endpoint_is_cached_and_answers_304_when_nothing_changed(
    client, make_live, settings, committed
):
    import uuid

    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"live-{uuid.uuid4()}",
        }
    }
    with committed():
        coverage = make_live()
        entry(coverage, "<p>أول</p>")
    url = reverse("live_updates", args=[coverage.article.pk])
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert len(again.content) == 0
    with committed():
        entry(coverage, "<p>NEW-x2</p>")
    fresh = client.get(url, headers={"if-none-match": etag})
    assert fresh.status_code == 200
    assert "NEW-x2" in fresh.content.decode()


def test_older_entries_paginate_beyond_fifty(client, make_live):
    coverage = make_live()
    entries = [entry(coverage, f"<p>رقم {n}</p>", minutes_ago=n + 1) for n in range(57)]
    dom = page_dom(client, coverage.article)
    assert len(stream_ids(dom)) == 50
    older = dom.find_all("p", cls="live-older")[0].find_all("a")[0].attrs["href"]
    page2 = parse(client.get(older).content.decode())
    assert stream_ids(page2) == [e.anchor for e in entries[50:]]
    base = reverse("live_entries", args=[coverage.article.pk])
    for bad in ["3", "1", "0", "abc", "-2", "99999999"]:
        assert client.get(f"{base}?page={bad}").status_code == 404, bad


def test_json_ld_is_a_live_blog_posting_with_entry_urls_that_answer(client, make_live, settings):
    coverage = make_live()
    entries = [entry(coverage, f"<p>نص {n}</p>", minutes_ago=n + 1) for n in range(3)]
    dom = page_dom(client, coverage.article)
    blocks = [
        json.loads(node.text)
        for node in dom.find_all("script")
        if node.attrs.get("type") == "application/ld+json"
    ]
    live = [b for b in blocks if isinstance(b, dict) and b.get("@type") == "LiveBlogPosting"]
    assert len(live) == 1
    data = live[0]
    assert data["@context"] == "https://schema.org"
    for key in ["headline", "url", "datePublished", "coverageStartTime", "liveBlogUpdate"]:
        assert data[key], key
    assert "coverageEndTime" not in data
    assert len(data["liveBlogUpdate"]) == 3
    for update, expected in zip(data["liveBlogUpdate"], entries, strict=True):
        assert update["@type"] == "BlogPosting"
        assert update["headline"] and update["datePublished"]
        parts = urlsplit(update["url"])
        assert parts.fragment == expected.anchor
        assert update["url"].startswith(settings.SITE_URL)
        assert client.get(parts.path).status_code == 200
        assert f'id="{parts.fragment}"' in client.get(parts.path).content.decode()
    coverage.state = LiveCoverage.State.ENDED
    coverage.save()
    dom = page_dom(client, coverage.article)
    text = next(n.text for n in dom.find_all("script") if "LiveBlogPosting" in n.text)
    assert json.loads(text)["coverageEndTime"]
    assert not dom.find_all("span", cls="live-label")


def test_entries_feed_is_rss_with_entry_anchors(client, make_live):
    coverage = make_live()
    one = entry(coverage, "<p>أول</p>", title="عنوان أول", minutes_ago=3)
    response = client.get(reverse("live_feed", args=[coverage.article.pk]))
    root = ET.fromstring(response.content)  # noqa: S314 -- our own feed
    items = root.findall("./channel/item")
    assert [i.findtext("title") for i in items] == ["عنوان أول"]
    assert items[0].findtext("link").endswith(f"#{one.anchor}")


def test_home_card_shows_live_label_and_latest_entry_time(client, make_live):
    coverage = make_live()
    entry(coverage, "<p>x</p>", minutes_ago=2)
    dom = parse(client.get("/").content.decode())
    labels = dom.find_all("p", cls="card-live")
    assert labels and "مباشر" in labels[0].clean_text
    assert labels[0].find_all("time")


# The desk (admin) ------------------------------------------------------------------


def desk_url(coverage):
    return reverse("admin:live_livecoverage_desk", args=[coverage.pk])


def post_entry(client, coverage, body="<p>من الميدان</p>", action="publish", **extra):
    data = {"entry-body": body, "action": action, **extra}
    return client.post(desk_url(coverage), data)


def test_a_journalist_posts_an_entry_that_appears_at_once(client, make_live, journalist):
    coverage = make_live()
    entry(coverage, "<p>IMPORTED-x3</p>")  # no author: imported or its author deleted
    client.force_login(journalist)
    desk = client.get(desk_url(coverage))
    assert desk.status_code == 200
    assert "IMPORTED-x3" in desk.content.decode()
    response = post_entry(client, coverage, "<p>FIELD-x3</p>", **{"entry-is_pinned": "on"})
    assert response.status_code == 302
    posted = LiveEntry.objects.get(created_by=journalist)
    assert posted.status == Status.PUBLISHED and posted.is_pinned
    assert list(posted.authors.all()) == [journalist]
    client.logout()
    assert "FIELD-x3" in client.get(coverage.article.get_absolute_url()).content.decode()


def test_with_approval_on_a_journalists_entry_waits_for_an_editor(
    client, make_live, journalist, editor, settings
):
    settings.NEWSROOM_LIVE_ENTRIES_NEED_APPROVAL = True
    coverage = make_live()
    client.force_login(journalist)
    post_entry(client, coverage, "<p>WAIT-x4</p>")
    posted = LiveEntry.objects.get()
    assert posted.status == Status.REVIEW
    assert not LiveEntry.objects.public().exists()
    # A journalist cannot approve it through the entries' list.
    changelist = reverse("admin:live_liveentry_changelist")
    client.post(changelist, {"action": "approve", "_selected_action": [posted.pk]})
    posted.refresh_from_db()
    assert posted.status == Status.REVIEW
    client.force_login(editor)
    client.post(changelist, {"action": "approve", "_selected_action": [posted.pk]})
    posted.refresh_from_db()
    assert posted.status == Status.PUBLISHED
    post_entry(client, coverage, "<p>EDITOR-x4</p>")
    assert LiveEntry.objects.public().count() == 2


def test_an_empty_entry_gets_an_arabic_error_not_a_500(client, make_live, editor):
    coverage = make_live()
    client.force_login(editor)
    response = post_entry(client, coverage, "")
    assert response.status_code == 200
    assert "صحّح الأخطاء" in response.content.decode()
    assert not LiveEntry.objects.exists()
    response = post_entry(client, coverage, "<p>x</p>", action="forged")
    assert response.status_code == 404
    assert not LiveEntry.objects.exists()


def test_only_editors_end_coverage_and_readers_never_reach_the_desk(
    client, make_live, journalist, editor, make_user
):
    coverage = make_live()
    client.force_login(journalist)
    assert client.post(desk_url(coverage), {"state": "ended"}).status_code == 403
    coverage.refresh_from_db()
    assert coverage.is_live
    outsider = make_user("outsider")  # staff without newsroom permissions
    client.force_login(outsider)
    assert client.get(desk_url(coverage)).status_code == 403
    client.logout()
    assert client.get(desk_url(coverage)).status_code == 302  # to the login page
    client.force_login(editor)
    client.post(desk_url(coverage), {"state": "ended"})
    coverage.refresh_from_db()
    assert not coverage.is_live and coverage.ended_at


def test_a_journalist_cannot_edit_or_delete_a_colleagues_entry(
    client, make_live, journalist, editor
):
    coverage = make_live()
    theirs = entry(coverage, "<p>للمحرر</p>", created_by=editor)
    client.force_login(journalist)
    change = reverse("admin:live_liveentry_change", args=[theirs.pk])
    response = client.post(
        change,
        {
            "body": "<p>HACK</p>",
            "status": "published",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00",
        },
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:live_liveentry_delete", args=[theirs.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert LiveEntry.objects.get().body == "<p>للمحرر</p>"


def test_the_live_demo_command_makes_a_live_story_once(make_article, client):
    from django.core.management import call_command

    article = make_article()
    call_command("load_live_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_live_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    coverage = LiveCoverage.objects.get(article=article)
    assert coverage.entries.count() == 4
    assert LiveEntry.objects.public().count() == 4
    assert "ما نعرفه حتى الآن" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("entries", [3, 60])
def test_live_pages_keep_a_fixed_number_of_queries(
    client, make_live, make_user, entries, django_assert_max_num_queries
):
    coverage = make_live()
    author = make_user("field")
    for n in range(entries):
        made = entry(coverage, f"<p>{n}</p>", minutes_ago=n + 1, is_key=n % 7 == 0)
        made.authors.add(author)
    pk = coverage.article.pk
    # The article page's budget (tests/test_query_budgets.py) plus the live block's three.
    with django_assert_max_num_queries(8 + 3):
        assert client.get(coverage.article.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("live_updates", args=[pk])).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("live_feed", args=[pk])).status_code == 200
    with django_assert_max_num_queries(12):  # the home page's budget, unchanged
        assert client.get("/").status_code == 200


def test_the_page_cache_keeps_no_page_past_the_earliest_clock_change_of_any_app(
    make_live, make_article, db_clock
):
    from pagecache.policy import policy

    now = timezone.now()
    db_clock(now)
    make_article(status=Article.Status.PUBLISHED, published_at=now + timedelta(hours=2))
    coverage = make_live()
    assert policy.next_clock_change() == now + timedelta(hours=2)
    entry(coverage, published_at=now + timedelta(minutes=5))
    assert policy.next_clock_change() == now + timedelta(minutes=5)


def test_an_editor_switches_coverage_on_from_the_article_and_lands_at_the_desk(
    client, make_article, editor, journalist
):
    article = make_article()
    client.force_login(editor)
    change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    add_url = reverse("admin:live_livecoverage_add") + f"?article={article.pk}"
    assert add_url in change.content.decode().replace("&amp;", "&")
    assert client.get(add_url).status_code == 200
    response = client.post(
        reverse("admin:live_livecoverage_add"),
        {
            "article": article.pk,
            "state": "live",
            "started_at_0": "2026-01-10",
            "started_at_1": "10:00",
        },
    )
    coverage = LiveCoverage.objects.get(article=article)
    assert response["Location"] == desk_url(coverage)
    change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert desk_url(coverage) in change.content.decode()
    client.force_login(journalist)
    assert client.get(reverse("admin:live_livecoverage_add")).status_code == 403


def test_an_edit_over_a_colleagues_newer_save_is_refused_in_arabic(client, make_live, editor):
    coverage = make_live()
    made = entry(coverage, "<p>أصل</p>", created_by=editor)
    client.force_login(editor)
    change = reverse("admin:live_liveentry_change", args=[made.pk])
    assert 'name="loaded_version"' in client.get(change).content.decode()
    local = timezone.localtime(made.published_at)
    form = {
        "title": "",
        "body": "<p>تعديلي</p>",
        "status": "published",
        "published_at_0": f"{local:%Y-%m-%d}",
        "published_at_1": f"{local:%H:%M:%S}",
        "correction": "",
    }
    LiveEntry.objects.filter(pk=made.pk).update(version=2, body="<p>تعديل زميل</p>")
    response = client.post(change, form | {"loaded_version": 1})
    assert response.status_code == 200
    assert "عدّل أحد الزملاء" in response.content.decode()
    made.refresh_from_db()
    assert made.body == "<p>تعديل زميل</p>"
    response = client.post(change, form | {"loaded_version": 2})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.body == "<p>تعديلي</p>" and made.version == 3
