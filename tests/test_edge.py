"""The edge (edge/, pagecache/surrogate.py): every cacheable page names what it shows in
surrogate keys, and every change purges exactly the keys it touches, after commit, through
the purger chosen in settings, against fake Varnish, Cloudflare and Fastly servers on
127.0.0.1 (real HTTP)."""

import io
import json
import logging
import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve, reverse

from articles import workflow
from articles.models import Article, Correction
from articles.signals import article_expired, article_went_live, articles_rewritten
from edge.purge import PurgeBatchMiddleware, purge_after_commit
from jobs.models import Job
from jobs.queue import retry
from live.models import LiveCoverage, LiveEntry
from pagecache.middleware import STAFF_COOKIE, STAFF_SALT
from tags.models import Tag

Status = Article.Status


def keys_of(response):
    """(Surrogate-Key as a set, Cache-Tag as a set); both must name the same keys."""
    surrogate = set(response.get("Surrogate-Key", "").split())
    tags = {tag for tag in response.get("Cache-Tag", "").split(",") if tag}
    assert surrogate == tags, (surrogate, tags)
    return surrogate


def directives(header):
    out = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        out[name.lower()] = value
    return out


@pytest.fixture
def world(make_article, make_section, make_user):
    section = make_section(name="سياسة", in_navigation=True)
    other = make_section(name="رياضة", in_navigation=True)
    tag = Tag.objects.create(name="انتخابات")
    author = make_user("kateb", first_name="ليلى", last_name="حداد")
    article = make_article(section=section, tags=[tag], authors=[author], is_featured=True)
    elsewhere = make_article(section=other)
    return type(
        "World",
        (),
        {
            "section": section,
            "other": other,
            "tag": tag,
            "author": author,
            "article": article,
            "elsewhere": elsewhere,
        },
    )


# Keys on pages ---------------------------------------------------------------------------


def test_home_names_its_articles_and_the_site_wide_keys(client, world):
    keys = keys_of(client.get(reverse("home")))
    assert {"home", "nav", "breaking", f"a{world.article.pk}", f"a{world.elsewhere.pk}"} <= keys
    assert not any(key.startswith(("s", "t", "u")) for key in keys - {"site"})


def test_section_tag_and_author_pages_name_their_listing_and_articles(client, world):
    section = keys_of(client.get(reverse("section", args=[world.section.slug])))
    assert {f"s{world.section.pk}", f"a{world.article.pk}", "nav", "breaking"} <= section
    assert f"a{world.elsewhere.pk}" not in section
    assert f"s{world.other.pk}" not in section
    tag = keys_of(client.get(reverse("tag", args=[world.tag.slug])))
    assert {f"t{world.tag.pk}", f"a{world.article.pk}"} <= tag
    author = keys_of(client.get(reverse("author", args=[world.author.username])))
    assert {f"u{world.author.pk}", f"a{world.article.pk}"} <= author


def test_an_article_page_names_itself_its_image_and_its_related_cards(
    client, world, make_article, make_image
):
    image = make_image()
    world.article.lead_image = image
    world.article.save()
    related = make_article(section=world.section, tags=[world.tag])
    keys = keys_of(client.get(world.article.get_absolute_url()))
    assert {f"a{world.article.pk}", f"i{image.pk}", f"a{related.pk}", "nav", "breaking"} <= keys
    # The byline: renaming the author purges b<id>, this page with it; their listing's u<id>,
    # purged by each of their publications, is not on it.
    assert f"b{world.author.pk}" in keys
    assert f"u{world.author.pk}" not in keys
    # Its section's listing key would purge every article page of the section on every
    # publication in it: an article page never carries s<id>.
    assert f"s{world.section.pk}" not in keys


def test_a_live_page_and_its_endpoints_name_the_live_story(client, world):
    coverage = LiveCoverage.objects.create(article=world.article)
    LiveEntry.objects.create(coverage=coverage, body="<p>تحديث</p>")
    pk = world.article.pk
    for url in (
        world.article.get_absolute_url(),
        reverse("live_updates", args=[pk]),
        reverse("live_feed", args=[pk]),
    ):
        assert {f"a{pk}", f"l{pk}"} <= keys_of(client.get(url)), url
    # A live story's card on the home page carries its live key (it shows the last update).
    assert f"l{pk}" in keys_of(client.get(reverse("home")))


def test_feeds_and_sitemaps_name_their_lists(client, world):
    assert "home" in keys_of(client.get(reverse("feed_latest")))
    section_feed = keys_of(client.get(reverse("feed_section", args=[world.section.slug])))
    assert {f"s{world.section.pk}", f"a{world.article.pk}"} <= section_feed
    assert f"t{world.tag.pk}" in keys_of(client.get(reverse("feed_tag", args=[world.tag.slug])))
    assert "home" in keys_of(client.get(reverse("sitemap_news")))
    assert "home" in keys_of(client.get(reverse("sitemap")))
    assert keys_of(client.get(reverse("robots"))) == {"site", "all"}


def test_every_keyed_page_carries_all_and_purge_pages_purges_it(client, world, varnish, settings):
    """After a deploy that changes how pages render, one purge forgets every page."""
    pages = [reverse("home"), world.article.get_absolute_url(), reverse("robots")]
    assert all("all" in keys_of(client.get(path)) for path in pages)
    out = io.StringIO()
    call_command("purge_pages", stdout=out)
    assert varnish_keys(varnish) == [{"all"}]
    assert "الحافة (varnish)" in out.getvalue()


def test_without_a_purger_edges_keep_pages_briefly(client, world, settings):
    settings.EDGE_PURGER = "none"
    response = client.get(reverse("home"))
    assert keys_of(response)
    assert not response.has_header("Surrogate-Control")


def test_with_a_purger_edges_keep_pages_for_hours_and_browsers_revalidate(client, world, settings):
    settings.EDGE_PURGER = "varnish"
    settings.EDGE_VARNISH_URLS = ["http://127.0.0.1:9"]
    response = client.get(reverse("section", args=[world.section.slug]))
    surrogate = directives(response["Surrogate-Control"])
    assert int(surrogate["max-age"]) >= 3600
    assert int(surrogate["stale-while-revalidate"]) > 0
    assert int(surrogate["stale-if-error"]) >= 3600
    cache_control = directives(response["Cache-Control"])
    assert cache_control["max-age"] == "0"
    assert int(cache_control["s-maxage"]) >= 3600
    assert "public" in cache_control
    # stale-while-revalidate would let a browser show its old copy first.
    assert "stale-while-revalidate" not in cache_control


def test_the_page_cache_replays_the_keys_it_stored(client, world, settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EDGE_PURGER = "varnish"
    first = client.get(reverse("home"))
    again = client.get(reverse("home"))
    assert keys_of(first) == keys_of(again) and f"a{world.article.pk}" in keys_of(again)
    assert again["Surrogate-Control"] == first["Surrogate-Control"]


def test_preview_admin_staff_and_odd_queries_carry_no_keys(client, world, editor, settings):
    settings.EDGE_PURGER = "varnish"
    draft = Article.objects.create(headline="مسودة", section=world.section, status=Status.DRAFT)
    preview = client.get(draft.get_preview_url())
    assert preview.status_code == 200
    assert not keys_of(preview)
    assert "no-store" in preview["Cache-Control"]
    staff = Client()
    staff.force_login(editor)
    admin = staff.get(reverse("admin:articles_article_changelist"))
    assert not keys_of(admin)
    # A staff member's browser (the signed marker set at login) reads pages uncached.
    marker = HttpResponse()
    marker.set_signed_cookie(STAFF_COOKIE, str(editor.pk), salt=STAFF_SALT)  # as at login
    staff.cookies[STAFF_COOKIE] = marker.cookies[STAFF_COOKIE].value
    page = staff.get(reverse("home"))
    assert not keys_of(page)
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    # A query the page does not read: rendered, not for any cache.
    odd = client.get(reverse("home") + "?junk=1")
    assert odd.status_code == 200 and not keys_of(odd)
    assert not odd.has_header("Surrogate-Control")
    # A 404 is not a page to keep.
    assert not keys_of(client.get(reverse("section", args=["لا-يوجد"])))


# Purging ---------------------------------------------------------------------------------


class Recorder(BaseHTTPRequestHandler):
    def record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        status, payload = self.server.answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_PURGE = do_POST = record

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_edge():
    """An HTTP server on 127.0.0.1 that records every request and answers `answer`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests = []
    server.answer = (200, b'{"success": true, "status": "ok"}')
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def varnish_keys(server):
    return [set(r["headers"]["xkey-purge"].split()) for r in server.requests]


@pytest.fixture(autouse=True)
def _no_second_purge(settings):
    """Jobs run at once in tests, so the delayed second purge would follow the first at once;
    test_every_purge_is_sent_again_later proves it."""
    settings.EDGE_REPURGE_SECONDS = 0


@pytest.fixture
def varnish(settings, fake_edge):
    settings.EDGE_PURGER = "varnish"
    settings.EDGE_VARNISH_URLS = [fake_edge.url]
    return fake_edge


def test_publishing_purges_exactly_its_keys_once_after_commit(
    world, varnish, editor, committed, make_user
):
    tag = Tag.objects.create(name="برلمان")
    draft = Article.objects.create(headline="خبر جديد", section=world.section, status=Status.REVIEW)
    draft.tags.set([world.tag, tag])
    draft.authors.set([world.author])
    assert varnish.requests == []  # a draft's saves purge nothing
    with committed():
        workflow.perform(draft.pk, editor, "publish")
        assert varnish.requests == []  # nothing before the commit
    assert len(varnish.requests) == 1
    request = varnish.requests[0]
    assert request["method"] == "PURGE"
    assert varnish_keys(varnish) == [
        {
            f"a{draft.pk}",
            f"s{world.section.pk}",
            f"t{world.tag.pk}",
            f"t{tag.pk}",
            f"u{world.author.pk}",
            "home",
        }
    ]
    assert f"s{world.other.pk}" not in request["headers"]["xkey-purge"]


def test_every_purge_is_sent_again_later(
    world, varnish, settings, django_capture_on_commit_callbacks
):
    """For a page rendered from the old state while the change committed: a job queued to
    run EDGE_REPURGE_SECONDS later purges the same keys again."""
    settings.EDGE_REPURGE_SECONDS = 5
    with django_capture_on_commit_callbacks() as callbacks:
        world.other.save()
    with django_capture_on_commit_callbacks() as later:
        for callback in callbacks:  # the commit: the purge, and the job queued for later
            callback()
    assert varnish_keys(varnish) == [{"nav", f"s{world.other.pk}"}]
    job = Job.objects.get(function="edge.purge.purge_keys")
    assert job.args == [["nav", f"s{world.other.pk}"]]
    assert 4 < (job.run_after - job.created_at).total_seconds() <= 5
    for submit in later:  # the queue runs it (at once in tests, deferred in production)
        submit()
    assert varnish_keys(varnish) == [{"nav", f"s{world.other.pk}"}] * 2
    assert not Job.objects.filter(pk=job.pk).exists()


def test_a_request_sends_one_purge_for_all_its_saves(
    world, varnish, editor, make_article, committed, rf
):
    """A bulk action publishing two articles in one request: one PURGE, after the view."""
    first = make_article(section=world.section, status=Status.REVIEW, published_at=None)
    second = make_article(section=world.other, status=Status.REVIEW, published_at=None)

    def view(request):
        with committed():
            workflow.perform(first.pk, editor, "publish")
            workflow.perform(second.pk, editor, "publish")
        assert varnish.requests == []  # gathered until the request ends
        return HttpResponse("ok")

    assert PurgeBatchMiddleware(view)(rf.post("/admin/")).status_code == 200
    assert len(varnish.requests) == 1
    keys = varnish_keys(varnish)[0]
    assert {f"a{first.pk}", f"a{second.pk}", f"s{world.section.pk}", f"s{world.other.pk}"} <= keys


def test_a_retraction_edit_and_delete_purge_the_pages_the_article_left(
    world, varnish, editor, committed
):
    article = world.article
    with committed():
        workflow.perform(article.pk, editor, "unpublish")
    assert {f"a{article.pk}", f"s{world.section.pk}", f"t{world.tag.pk}", "home"} <= (
        varnish_keys(varnish)[0]
    )
    varnish.requests.clear()
    with committed():
        world.elsewhere.section = world.section
        world.elsewhere.save()
    moved = varnish_keys(varnish)[0]
    assert {f"s{world.section.pk}", f"s{world.other.pk}", f"a{world.elsewhere.pk}"} <= moved
    varnish.requests.clear()
    pk = world.elsewhere.pk
    with committed():
        world.elsewhere.delete()
    assert {f"a{pk}", f"s{world.section.pk}", "home"} <= varnish_keys(varnish)[0]


def test_sections_tags_images_corrections_and_live_entries_purge_their_keys(
    world, varnish, committed, make_image
):
    def purged(change):
        varnish.requests.clear()
        with committed():
            change()
        return set().union(*varnish_keys(varnish))

    world.other.name = "رياضة عالمية"
    assert purged(world.other.save) == {"nav", f"s{world.other.pk}"}
    world.tag.name = "انتخابات برلمانية"
    assert purged(world.tag.save) == {f"t{world.tag.pk}", f"a{world.article.pk}"}
    world.author.first_name = "سلمى"
    assert purged(world.author.save) == {f"u{world.author.pk}", f"b{world.author.pk}"}
    image = make_image()
    world.article.lead_image = image
    world.article.save()
    image.alt_text = "وصف جديد"
    assert purged(image.save) == {f"i{image.pk}", f"a{world.article.pk}"}
    correction = f"a{world.article.pk}"
    assert correction in purged(
        lambda: Correction.objects.create(article=world.article, text="تصحيح")
    )
    coverage = LiveCoverage.objects.create(article=world.article)
    assert purged(lambda: LiveEntry.objects.create(coverage=coverage, body="<p>جديد</p>")) == {
        f"l{world.article.pk}"
    }


def test_go_live_and_expiry_events_purge_the_article_keys(world, varnish, committed):
    # Scheduled: last saved an hour before its time came.
    went_live = world.article.published_at
    Article.objects.filter(pk=world.article.pk).update(updated_at=went_live - timedelta(hours=1))
    world.article.refresh_from_db()
    for signal in (article_went_live, article_expired):
        varnish.requests.clear()
        with committed():
            signal.send(sender=None, article=world.article, at=world.article.published_at)
        keys = varnish_keys(varnish)[0]
        assert {f"a{world.article.pk}", f"s{world.section.pk}", "home"} <= keys
        assert f"s{world.other.pk}" not in keys


def test_going_live_purges_nothing_more_after_a_save_that_published_it(
    world, varnish, editor, committed
):
    """Published now: the save purged the keys; its go-live event seconds later need not."""
    draft = Article.objects.create(headline="خبر الآن", section=world.section, status=Status.REVIEW)
    with committed():
        workflow.perform(draft.pk, editor, "publish")
    assert len(varnish.requests) == 1
    draft.refresh_from_db()
    with committed():
        article_went_live.send(sender=None, article=draft, at=draft.published_at)
    assert len(varnish.requests) == 1


def test_a_breaking_story_purges_the_strip_only_when_the_strip_changes(world, varnish, committed):
    """Every page carries `breaking`: an update of the story's body re-renders its own pages,
    not the whole site; a new headline (what the strip shows) does purge it."""
    story = world.article
    story.is_breaking = True
    with committed():
        story.save()
    assert "breaking" in varnish_keys(varnish)[-1]  # it entered the strip
    story.body = "<p>تفاصيل جديدة عن الحسكة.</p>"
    with committed():
        story.save()
    assert {f"a{story.pk}", "home"} <= varnish_keys(varnish)[-1]
    assert "breaking" not in varnish_keys(varnish)[-1]
    story.headline = "عاجل: عنوان محدّث"
    with committed():
        story.save()
    assert "breaking" in varnish_keys(varnish)[-1]
    story.is_breaking = False
    with committed():
        story.save()
    assert "breaking" in varnish_keys(varnish)[-1]  # it left the strip


def test_bodies_rewritten_in_bulk_purge_the_public_pages_among_them(
    world, varnish, committed, make_article
):
    """The WordPress import's link pass rewrites bodies with bulk_update (no save signal)."""
    draft = make_article(status=Article.Status.DRAFT)
    with committed():
        articles_rewritten.send(sender=Article, pks=[world.article.pk, draft.pk])
    assert varnish_keys(varnish) == [{f"a{world.article.pk}"}]


def test_every_varnish_server_is_purged(world, settings, fake_edge, committed):
    second = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    second.requests, second.answer = [], (200, b"")
    threading.Thread(target=second.serve_forever, daemon=True).start()
    try:
        settings.EDGE_PURGER = "varnish"
        settings.EDGE_VARNISH_URLS = [fake_edge.url, f"http://127.0.0.1:{second.server_port}"]
        with committed():
            world.other.save()
        assert varnish_keys(fake_edge) == [{"nav", f"s{world.other.pk}"}]
        assert [r["headers"]["xkey-purge"] for r in second.requests] == [f"nav s{world.other.pk}"]
    finally:
        second.shutdown()
        second.server_close()


def test_cloudflare_purges_by_tag_in_batches_of_thirty(db, settings, fake_edge, committed):
    settings.EDGE_PURGER = "cloudflare"
    settings.EDGE_CLOUDFLARE_API = fake_edge.url + "/client/v4"
    settings.EDGE_CLOUDFLARE_ZONE = "zone123"
    settings.EDGE_CLOUDFLARE_TOKEN = "secret-token"
    keys = {f"a{n}" for n in range(45)}
    with committed():
        purge_after_commit(keys)
    assert [r["path"] for r in fake_edge.requests] == ["/client/v4/zones/zone123/purge_cache"] * 2
    assert all(r["headers"]["authorization"] == "Bearer secret-token" for r in fake_edge.requests)
    sent = [json.loads(r["body"])["tags"] for r in fake_edge.requests]
    assert [len(batch) for batch in sent] == [30, 15]
    assert set().union(*sent) == keys


def test_fastly_purges_by_surrogate_key(world, settings, fake_edge, committed):
    settings.EDGE_PURGER = "fastly"
    settings.EDGE_FASTLY_API = fake_edge.url
    settings.EDGE_FASTLY_SERVICE = "svc9"
    settings.EDGE_FASTLY_KEY = "fastly-key"
    with committed():
        world.other.save()
    (request,) = fake_edge.requests
    assert request["method"] == "POST" and request["path"] == "/service/svc9/purge"
    assert request["headers"]["fastly-key"] == "fastly-key"
    assert set(json.loads(request["body"])["surrogate_keys"]) == {"nav", f"s{world.other.pk}"}


def test_none_purges_nothing(world, settings, fake_edge, committed):
    settings.EDGE_PURGER = "none"
    with committed():
        world.other.save()
    assert fake_edge.requests == []


def test_a_failed_purge_is_logged_and_retried_in_the_background_never_a_500(
    world, varnish, committed, caplog, settings
):
    settings.JOBS_RETRY_SECONDS = 0
    varnish.answer = (503, b"down")
    # Jobs run at once in tests (conftest): the retries fail too, and the job stops with its
    # error in «مهام متوقفة».
    with caplog.at_level(logging.WARNING, logger="edge"), committed():
        world.other.name = "اقتصاد"
        world.other.save()
    assert "edge purge failed" in caplog.text
    job = Job.objects.get(function="edge.purge.purge_keys")
    assert job.args == [sorted({"nav", f"s{world.other.pk}"})]
    assert job.status == Job.Status.STOPPED and "HTTP 503" in job.error
    assert len(varnish.requests) == 1 + job.attempts
    # The edge is back: the job's retry purges, and its row is gone.
    varnish.answer = (200, b"")
    varnish.requests.clear()
    with committed():
        retry(Job.objects.filter(pk=job.pk))
    assert varnish_keys(varnish) == [{"nav", f"s{world.other.pk}"}]
    assert not Job.objects.filter(pk=job.pk).exists()


def test_an_unreachable_edge_never_fails_the_editors_save(world, settings, editor, committed):
    settings.EDGE_PURGER = "varnish"
    settings.EDGE_VARNISH_URLS = ["http://127.0.0.1:9"]  # nothing listens there
    settings.EDGE_PURGE_TIMEOUT = 0.5
    with committed():
        article = workflow.perform(world.article.pk, editor, "unpublish")
    assert article.status == Status.UNPUBLISHED
    assert Job.objects.filter(function="edge.purge.purge_keys").exists()


# The in-app page cache by key (PAGE_CACHE_BY_KEY) -----------------------------------------


@pytest.fixture(params=["locmem", "redis"])
def cache_by_key(request, settings):
    """Pages by key in local memory, and in Redis as in production (db 9, a prefix of its own,
    removed afterwards)."""
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_BY_KEY = True
    settings.EDGE_PURGER = "none"
    prefix = f"by-key-{uuid.uuid4().hex}"
    location = "redis://127.0.0.1:6379/9"
    backend = {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix},
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        },
    }[request.param]
    settings.CACHES = {"default": backend}
    yield
    if request.param == "redis":
        raw = redis.Redis.from_url(location)
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)


def test_a_publication_makes_stale_only_the_pages_showing_its_keys(
    client, world, cache_by_key, committed, editor, django_assert_num_queries, make_article
):
    other_article = make_article(section=world.other, headline="خبر رياضي آخر")
    pages = {
        "home": reverse("home"),
        "politics": reverse("section", args=[world.section.slug]),
        "sport": reverse("section", args=[world.other.slug]),
        "sport article": other_article.get_absolute_url(),
    }
    for path in pages.values():
        assert client.get(path).status_code == 200
        with django_assert_num_queries(0):  # stored
            assert client.get(path).status_code == 200
    draft = Article.objects.create(headline="خبر جديد في السياسة", section=world.section)
    with committed():
        workflow.perform(draft.pk, editor, "publish")
    for name in ("home", "politics"):
        assert "خبر جديد في السياسة" in client.get(pages[name]).content.decode(), name
    for name in ("sport", "sport article"):
        with django_assert_num_queries(0):  # still the stored page
            assert client.get(pages[name]).status_code == 200, name


def test_a_page_rendered_across_a_bump_of_its_keys_is_served_but_not_stored(rf, db, cache_by_key):
    from pagecache.generation import bump_keys
    from pagecache.middleware import PageCacheMiddleware
    from pagecache.surrogate import SurrogateKeyMiddleware, add

    renders = []

    def view(request):
        request.resolver_match = resolve(request.path_info)
        renders.append(1)
        add("home")
        if len(renders) == 1:
            bump_keys(["home"])  # a change to what it shows commits while it renders
        return HttpResponse("<p>" + "الصفحة " * 50 + "</p>")

    stack = PageCacheMiddleware(SurrogateKeyMiddleware(view))
    assert stack(rf.get("/")).status_code == 200
    stack(rf.get("/"))
    assert len(renders) == 2  # the first was not stored
    stack(rf.get("/"))
    assert len(renders) == 2  # the second was
    bump_keys(["a1"])  # a key the page does not show
    stack(rf.get("/"))
    assert len(renders) == 2
    bump_keys(["home"])
    stack(rf.get("/"))
    assert len(renders) == 3
