"""The page cache serves readers from memory and never shows them a stale page
(DESIGN.md, "The page cache"; the pagecache app)."""

import gzip
import threading
import urllib.request
import uuid
from datetime import timedelta

import pytest
import redis
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from pagecache import generation as pagecache
from pagecache.generation import (
    GENERATION_KEY,
    bump_generation,
    current_generation,
    page_cache,
    remember,
)
from pagecache.middleware import STAFF_COOKIE
from pagecache.policy import policy

from .public_urls import PUBLIC_URLS

Status = Article.Status


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TIMEOUT = 600
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"page-cache-test-{uuid.uuid4()}",
        }
    }


def served_from_cache(client, url, django_assert_num_queries, **headers):
    with django_assert_num_queries(0):
        return client.get(url, headers=headers)


def test_an_anonymous_page_is_served_from_the_cache_without_queries(
    client, make_article, page_cache_on, django_assert_num_queries
):
    article = make_article()
    first = client.get(article.get_absolute_url())
    again = served_from_cache(client, article.get_absolute_url(), django_assert_num_queries)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert article.headline in again.content.decode()


def test_a_cached_page_is_public_for_a_cdn_and_not_varied_by_cookie(
    client, make_article, page_cache_on
):
    make_article()
    client.get("/")
    response = client.get("/")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=0" in cache_control
    assert "s-maxage=30" in cache_control
    assert "Cookie" not in response.get("Vary", "")
    # One language: nothing varies by Accept-Language, so a CDN keeps one copy per page.
    assert "Accept-Language" not in response.get("Vary", "")
    assert not response.cookies


def test_a_hit_keeps_the_security_headers_and_its_length(
    client, make_article, page_cache_on, django_assert_num_queries
):
    """Hits are answered before sessions and the view: the headers added outside the cache
    still apply, and the frame-options header is stored with the page."""
    url = make_article().get_absolute_url()
    first = client.get(url)
    again = served_from_cache(client, url, django_assert_num_queries)
    assert again["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"):
        assert again[header] == first[header]
    assert int(again["Content-Length"]) == len(again.content) == len(first.content)


def test_publishing_an_article_shows_it_at_once(client, make_article, page_cache_on, committed):
    make_article(headline="خبر قديم")
    assert "خبر قديم" in client.get("/").content.decode()
    with committed():
        make_article(headline="خبر عاجل جديد")
    assert "خبر عاجل جديد" in client.get("/").content.decode()


def test_editing_an_article_changes_every_cached_page_that_shows_it(
    client, make_article, page_cache_on, committed
):
    article = make_article(headline="عنوان أول")
    url = article.get_absolute_url()
    client.get("/"), client.get(url)
    with committed():
        article.headline = "عنوان مصحح"
        article.save()
    assert "عنوان مصحح" in client.get("/").content.decode()
    assert "عنوان مصحح" in client.get(url).content.decode()


def test_a_retraction_vanishes_at_once(client, make_article, page_cache_on, committed):
    article = make_article(headline="خبر سيُسحب")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    assert "خبر سيُسحب" in client.get("/").content.decode()
    with committed():
        article.status = Status.UNPUBLISHED
        article.save()
    assert client.get(url).status_code == 404
    assert "خبر سيُسحب" not in client.get("/").content.decode()


def test_a_bump_by_another_process_ends_every_cached_page_at_once(
    client, make_article, page_cache_on, django_assert_num_queries, django_assert_max_num_queries
):
    """A hit reads the generation with the page: another process's bump (here, the counter
    moved in the shared cache) means a fresh render on the very next request."""
    article = make_article(headline="خبر ساخن")
    url = article.get_absolute_url()
    client.get(url)
    served_from_cache(client, url, django_assert_num_queries)
    page_cache().incr(GENERATION_KEY)  # as another process's commit would
    with django_assert_max_num_queries(20) as queries:
        fresh = client.get(url)
    assert len(queries) > 0
    assert "خبر ساخن" in fresh.content.decode()
    served_from_cache(client, url, django_assert_num_queries)


def test_a_hot_page_is_served_from_process_memory_but_never_past_a_bump(
    client, make_article, page_cache_on, committed, django_assert_num_queries
):
    """Each process keeps the pages it served last; a hit on one reads only the generation
    from the shared cache, and a bump (made by any process) still ends it at once."""
    article = make_article(headline="خبر ساخن")
    url = article.get_absolute_url()
    client.get(url)
    cache = page_cache()
    generation = current_generation(cache)
    cache.clear()  # the shared copy is gone; only the generation is put back
    cache.set(GENERATION_KEY, generation, None)
    assert "خبر ساخن" in served_from_cache(client, url, django_assert_num_queries).content.decode()
    with committed():
        article.headline = "خبر بعد التعديل"
        article.save()
    assert "خبر بعد التعديل" in client.get(url).content.decode()


def test_a_remembered_value_is_kept_in_process_memory_but_never_past_a_bump_or_its_end(
    make_article, page_cache_on, db_clock
):
    """The navigation, breaking strip, counts and tag weights are read once per generation
    from the shared cache, then from this process; a bump by any process, or the next
    scheduled change, ends the process's copy as it ends the shared one."""
    now = timezone.now().replace(microsecond=0)
    db_clock(now)
    make_article(published_at=now + timedelta(minutes=5))  # the next scheduled change
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert remember("test-value", compute) == 1
    cache = page_cache()
    generation = current_generation(cache)
    cache.clear()  # the shared copy is gone; only the generation is put back
    cache.set(GENERATION_KEY, generation, None)
    assert remember("test-value", compute) == 1
    cache.incr(GENERATION_KEY)  # as another process's commit would
    assert remember("test-value", compute) == 2
    db_clock(now + timedelta(minutes=4, seconds=50))
    assert remember("test-value", compute) == 2
    db_clock(now + timedelta(minutes=5, seconds=1))
    assert remember("test-value", compute) == 3


def test_a_page_reads_the_generation_once_however_many_values_it_remembers(
    client, make_article, make_section, page_cache_on, monkeypatch
):
    """The navigation and the breaking strip are both remembered under the generation; a
    render reads the generation once, and a miss none at all (its lookup has just read it)."""
    article = make_article(is_breaking=True, section=make_section(in_navigation=True))
    reads = []
    read = pagecache.current_generation
    monkeypatch.setattr(pagecache, "current_generation", lambda c: reads.append(1) or read(c))
    fresh = client.get(article.get_absolute_url() + "?nocache=1")
    assert fresh.status_code == 200 and "أخبار عاجلة" in fresh.content.decode()
    assert len(reads) == 1
    reads.clear()
    assert client.get(article.get_absolute_url()).status_code == 200  # a miss, then stored
    assert reads == []


def test_a_deleted_article_vanishes_at_once(client, make_article, page_cache_on, committed):
    article = make_article(headline="خبر سيُحذف")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    client.get("/")
    with committed():
        article.delete()
    assert client.get(url).status_code == 404
    assert "خبر سيُحذف" not in client.get("/").content.decode()


def test_renaming_a_section_changes_the_cached_article_page(
    client, make_article, page_cache_on, committed
):
    article = make_article()
    url = article.get_absolute_url()
    client.get(url)
    with committed():
        article.section.name = "قسم بعد التغيير"
        article.section.save()
    assert "قسم بعد التغيير" in client.get(url).content.decode()


def test_changing_the_lead_image_text_changes_the_cached_article_page(
    client, make_article, make_image, page_cache_on, committed
):
    image = make_image(alt_text="وصف قديم")
    article = make_article(lead_image=image)
    url = article.get_absolute_url()
    assert "وصف قديم" in client.get(url).content.decode()
    with committed():
        image.alt_text = "وصف جديد للصورة"
        image.save()
    assert "وصف جديد للصورة" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda a, tag: a.tags.add("وسم جديد"), id="tag-added"),
        pytest.param(lambda a, tag: a.tags.remove(tag), id="tag-removed"),
        pytest.param(lambda a, tag: tag.__class__.objects.filter(pk=tag.pk).get().save(), id="tag"),
        pytest.param(lambda a, tag: a.authors.clear(), id="authors"),
        pytest.param(lambda a, tag: a.related.add(a), id="related"),
        pytest.param(lambda a, tag: a.authors.first().save(), id="author-renamed"),
    ],
)
def test_every_change_a_page_can_show_bumps_the_generation(
    make_article, editor, page_cache_on, committed, change
):
    article = make_article(tags=["الحسكة"], authors=[editor])
    tag = article.tags.get()
    before = current_generation(page_cache())
    with committed():
        change(article, tag)
    assert current_generation(page_cache()) != before


def test_a_staff_login_does_not_empty_the_cache(editor, page_cache_on, committed):
    before = current_generation(page_cache())
    with committed():
        editor.last_login = timezone.now()
        editor.save(update_fields=["last_login"])
    assert current_generation(page_cache()) == before


def test_a_lost_generation_comes_back_newer_than_any_used_before(page_cache_on):
    cache = page_cache()
    first = current_generation(cache)
    cache.clear()
    assert current_generation(cache) > first


def test_a_scheduled_article_appears_on_time_although_the_page_was_cached(
    client, make_article, page_cache_on, db_clock, django_assert_num_queries
):
    now = timezone.now().replace(microsecond=0)
    db_clock(now)
    make_article(headline="خبر قائم", published_at=now - timedelta(hours=1))
    make_article(headline="خبر مجدول", published_at=now + timedelta(minutes=5))
    first = client.get("/")
    assert "خبر مجدول" not in first.content.decode()
    assert "s-maxage=30" in first["Cache-Control"]
    db_clock(now + timedelta(minutes=4, seconds=50))
    cached = served_from_cache(client, "/", django_assert_num_queries)
    assert "خبر مجدول" not in cached.content.decode()
    assert "s-maxage=10" in cached["Cache-Control"]  # a CDN may not keep it past go-live
    db_clock(now + timedelta(minutes=5, seconds=1))
    assert "خبر مجدول" in client.get("/").content.decode()


def test_an_expiring_article_leaves_the_cached_page_on_time(
    client, make_article, page_cache_on, db_clock
):
    now = timezone.now().replace(microsecond=0)
    db_clock(now)
    make_article(headline="خبر مؤقت", expire_at=now + timedelta(minutes=3))
    assert "خبر مؤقت" in client.get("/").content.decode()
    db_clock(now + timedelta(minutes=3, seconds=1))
    assert "خبر مؤقت" not in client.get("/").content.decode()


def test_the_breaking_strip_leaves_the_cached_page_on_time(
    client, make_article, page_cache_on, db_clock
):
    now = timezone.now().replace(microsecond=0)
    db_clock(now)
    make_article(is_breaking=True, kicker="عاجل", breaking_until=now + timedelta(minutes=2))
    strip = client.get("/").content.decode()
    db_clock(now + timedelta(minutes=2, seconds=1))
    assert client.get("/").content.decode() != strip


def log_in(client, user):
    """Through the admin's login form, as staff sign in (force_login skips what it sets)."""
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302


def test_staff_pages_are_never_cached(client, make_article, editor, page_cache_on):
    article = make_article(headline="خبر للمحرر")
    log_in(client, editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    client.post(reverse("admin:logout"))
    anonymous = client.get(article.get_absolute_url())
    assert "public" in anonymous["Cache-Control"]


def test_staff_never_receive_the_readers_cached_page(
    client, make_article, editor, page_cache_on, django_assert_max_num_queries
):
    article = make_article()
    client.get(article.get_absolute_url())
    log_in(client, editor)
    with django_assert_max_num_queries(20) as queries:
        response = client.get(article.get_absolute_url())
    assert len(queries) > 0
    assert "no-store" in response["Cache-Control"]


def test_a_made_up_session_or_staff_cookie_gets_the_cached_page(
    client, make_article, settings, page_cache_on, django_assert_num_queries
):
    """Only a signed-in staff member's browser skips the cache (it carries a marker signed at
    login); with any session cookie skipping it, anyone could make every request a render."""
    url = make_article().get_absolute_url()
    first = client.get(url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "made-up-session-key"
    client.cookies[STAFF_COOKIE] = "made-up-marker"
    again = served_from_cache(client, url, django_assert_num_queries)
    assert again.status_code == 200
    assert again.content == first.content
    assert "public" in again["Cache-Control"]


def test_previews_are_never_cached(
    client, make_article, page_cache_on, django_assert_max_num_queries
):
    """The real preview URL, for a reader holding the link: rendered every time, private."""
    article = make_article(status=Status.DRAFT, headline="مسودة للمعاينة")
    url = reverse("article_preview", args=[article.preview_token()])
    for _ in range(2):
        with django_assert_max_num_queries(20) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert "مسودة للمعاينة" in response.content.decode()
        assert len(queries) > 0
        assert response["Cache-Control"] == "private, no-store"


def test_the_cached_url_names_are_the_public_url_registry():
    """The page cache stores exactly the pages the leak test walks: a public page missing
    from the cache's list would be slow, a name in the list that is not public a leak risk."""
    assert policy.url_names == PUBLIC_URLS.keys()


def test_admin_pages_are_never_cached(client, page_cache_on):
    response = client.get(reverse("admin:login"))
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "query",
    ["?ref=x", "?page=1&page=2", "?q=" + "ا" * 101, "?q=a&q=b", "?nocache=1"],
)
def test_odd_parameters_are_rendered_fresh_and_not_stored(
    client, make_article, page_cache_on, django_assert_max_num_queries, query
):
    make_article()
    client.get("/" + query)
    with django_assert_max_num_queries(20) as queries:
        client.get("/" + query)
    assert len(queries) > 0


def rendered_again(client, url, django_assert_max_num_queries):
    """Whether a second request for `url` renders the page (it was not stored)."""
    client.get(url)
    with django_assert_max_num_queries(40) as queries:
        client.get(url)
    return len(queries) > 0


@pytest.mark.parametrize(
    "path",
    [
        "/?q=junk1",
        "/?page=2",
        "{article}?q=x",
        "{article}?page=2",
        "{section}?q=x",
        "/feeds/latest/?page=2",
        "{section}?page=01",
        "{section}?page=999",
    ],
)
def test_a_parameter_the_page_does_not_read_or_an_odd_value_is_rendered_and_not_stored(
    client, make_article, page_cache_on, django_assert_max_num_queries, path
):
    """Only the parameters a page reads are part of its key (home reads none, listings
    `page`, search `q` and `page`), in their canonical form: anything else would store a
    copy of the same page per value. Pages past the end are 404s, never stored."""
    article = make_article()
    url = path.format(
        article=article.get_absolute_url(), section=article.section.get_absolute_url()
    )
    assert rendered_again(client, url, django_assert_max_num_queries)


@pytest.mark.parametrize("query", ["?page=2", "?page=1"])
def test_listing_pages_are_stored_per_page_number(
    client, make_article, page_cache_on, django_assert_num_queries, query
):
    articles = [make_article() for _ in range(25)]
    url = articles[0].section.get_absolute_url() + query
    assert client.get(url).status_code == 200
    assert served_from_cache(client, url, django_assert_num_queries).status_code == 200


def test_search_pages_are_stored_per_query_and_page_up_to_a_bound(
    client,
    make_article,
    page_cache_on,
    monkeypatch,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    """Each query is its own page, so a crawler of random words would fill the cache: only
    the first pages of a generation stored are kept, later ones are rendered each time."""
    monkeypatch.setitem(policy.max_variants, "search", 2)
    make_article(headline="الحسكة اليوم")
    for word in ("الحسكة", "اليوم"):
        client.get(f"/search/?q={word}")
        served_from_cache(client, f"/search/?q={word}", django_assert_num_queries)
    assert rendered_again(client, "/search/?q=سوق", django_assert_max_num_queries)
    assert policy.max_variants["search"] == 2 and policy.url_names >= {"search"}


def test_shared_links_tracking_parameters_get_the_cached_page(
    client, make_article, page_cache_on, django_assert_num_queries
):
    """A spike from social networks arrives as ?fbclid=<unique>&utm_source=...: each would
    be a full render if those parameters made a new key."""
    url = make_article(headline="خبر متداول").get_absolute_url()
    first = client.get(url)
    for query in ("?fbclid=IwAR0abc", "?utm_source=facebook&utm_medium=social", "?gclid=x1"):
        shared = served_from_cache(client, url + query, django_assert_num_queries)
        assert shared.status_code == 200
        assert shared.content == first.content


def test_a_post_is_never_cached(client, make_article, page_cache_on):
    make_article()
    response = client.post("/")
    assert "no-store" in response["Cache-Control"]


def test_a_matching_etag_or_date_gets_a_304(client, make_article, page_cache_on):
    make_article()
    first = client.get("/")
    assert first["ETag"] and first["Last-Modified"]
    by_etag = client.get("/", headers={"if-none-match": first["ETag"]})
    by_date = client.get("/", headers={"if-modified-since": first["Last-Modified"]})
    assert by_etag.status_code == by_date.status_code == 304
    assert not by_etag.content


def test_html_is_gzipped_for_clients_that_accept_it(
    client, make_article, page_cache_on, monkeypatch
):
    make_article(body="<p>" + "فقرة طويلة من الخبر. " * 200 + "</p>")
    plain = client.get("/")
    # A hit replays the body compressed when the page was stored: nothing compresses now.
    monkeypatch.setattr("django.middleware.gzip.compress_string", None)
    zipped = client.get("/", headers={"accept-encoding": "gzip, deflate, br"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content)
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert zipped["ETag"] == "W/" + plain["ETag"]
    assert client.get("/", headers={"if-none-match": zipped["ETag"]}).status_code == 304


def test_the_site_keeps_serving_when_redis_is_down(
    client, settings, make_article, page_cache_on, committed
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    article = make_article()
    assert client.get("/").status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200
    with committed():
        article.headline = "تعديل أثناء تعطل Redis"
        article.save()
    assert "تعديل أثناء تعطل Redis" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_cold_requests_render_the_page_at_most_twice(
    live_server, make_article, page_cache_on
):
    article = make_article()
    url = live_server.url + article.get_absolute_url()
    renders = []

    def count(sender, template, **kwargs):
        if template.name == "articles/article_detail.html":
            renders.append(1)

    template_rendered.connect(count)
    start = threading.Barrier(50)
    results = []

    def fetch():
        start.wait()
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own server)
            results.append((response.status, response.read()))

    try:
        threads = [threading.Thread(target=fetch) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        template_rendered.disconnect(count)
    assert len(results) == 50
    assert {status for status, _ in results} == {200}
    assert len({body for _, body in results}) == 1
    assert len(renders) <= 2


@pytest.fixture
def redis_page_cache(settings):
    """The production arrangement: pages in Django's Redis cache, the generation read through
    the page cache's own client (pagecache.generation.RedisCounter)."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TIMEOUT = 600
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": prefix,
        }
    }
    raw = redis.Redis.from_url("redis://127.0.0.1:6379/9")
    yield raw, f"{prefix}:{GENERATION_KEY}"
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def test_with_redis_another_process_bump_ends_every_cached_page_at_once(
    client,
    make_article,
    redis_page_cache,
    committed,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    raw, key = redis_page_cache
    article = make_article(headline="خبر على Redis")
    url = article.get_absolute_url()
    client.get(url)
    served_from_cache(client, url, django_assert_num_queries)
    raw.incr(key)  # as another process's commit would, with nothing of Django's
    with django_assert_max_num_queries(20) as queries:
        client.get(url)
    assert len(queries) > 0
    served_from_cache(client, url, django_assert_num_queries)
    with committed():
        article.headline = "خبر على Redis بعد التعديل"
        article.save()
    assert "بعد التعديل" in client.get(url).content.decode()
    assert int(raw.get(key)) > 0


def test_with_redis_a_lost_generation_comes_back_newer(redis_page_cache):
    raw, key = redis_page_cache
    first = current_generation(page_cache())
    raw.delete(key)
    assert current_generation(page_cache()) > first
    raw.delete(key)
    bump_generation()  # a bump of a missing generation starts from the clock, not from 1
    assert int(raw.get(key)) > first
