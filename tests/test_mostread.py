"""«الأكثر قراءة» (mostread/): readings counted from the article page's beacon without
cookies, addresses or bots, per hour; the block of the last 24 hours on home and article
pages, read through the visibility rule, without an editor's excluded articles; the pages
stay cacheable and name the block's key."""

from datetime import timedelta

import pytest
import redis
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from mostread import counting, ranking
from mostread.counting import current_hour
from mostread.models import HourlyReads
from pagecache.middleware import STAFF_COOKIE, STAFF_SALT
from tests.dom import parse_html

Status = Article.Status
CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
BOTS = {
    "googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl": "curl/8.5.0",
    "python-requests": "python-requests/2.32.3",
    "headless-chrome": CHROME.replace("Chrome/", "HeadlessChrome/"),
    "empty": "",
    "blank": "   ",
}


def beacon(client, article_or_pk, agent=CHROME, **headers):
    pk = getattr(article_or_pk, "pk", article_or_pk)
    return client.post(reverse("most_read_beacon", args=[pk]), HTTP_USER_AGENT=agent, **headers)


def reads(article):
    return sum(HourlyReads.objects.filter(article=article).values_list("count", flat=True))


def read(article, times, hours_ago=0):
    """Readings put straight into an hour's row (the beacon is tested on its own)."""
    HourlyReads.objects.create(
        article=article, hour=current_hour() - timedelta(hours=hours_ago), count=times
    )


def block_headlines(response):
    """The headlines of the «الأكثر قراءة» block, in order (an empty list when absent)."""
    blocks = parse_html(response.content).find_all("section", cls="most-read")
    assert len(blocks) <= 1
    if not blocks:
        return []
    assert blocks[0].one("h2").clean_text == "الأكثر قراءة"
    return [a.clean_text for a in blocks[0].find("ol").find_all("a")]


@pytest.fixture(autouse=True)
def _no_ranking_yet():
    """Nothing remembered: the first page or refresh ranks (tests/conftest.py remembers an
    empty ranking for every other test)."""
    ranking.cache.delete(ranking.STATE)


@pytest.fixture
def purges(monkeypatch):
    """Keys the ranking asked to purge (the purge itself is tested in tests/test_edge.py)."""
    sent = []
    monkeypatch.setattr(ranking, "purge_after_commit", lambda keys: sent.append(set(keys)))
    return sent


# The beacon ---------------------------------------------------------------------------------


@pytest.mark.parametrize("agent", [CHROME, SAFARI], ids=["chrome", "safari"])
def test_a_browser_reading_is_counted_once_per_beacon_in_this_hour(client, make_article, agent):
    article = make_article()
    assert beacon(client, article, agent).status_code == 204
    assert beacon(client, article, agent).status_code == 204
    row = HourlyReads.objects.get(article=article)
    assert row.count == 2
    assert row.hour == current_hour()


@pytest.mark.parametrize("agent", BOTS.values(), ids=BOTS.keys())
def test_bots_are_answered_but_not_counted(client, make_article, agent):
    article = make_article()
    response = beacon(client, article, agent)
    assert response.status_code == 204  # nothing tells a bot it was recognised
    assert not HourlyReads.objects.exists()


def test_a_request_without_any_user_agent_is_not_counted(client, make_article):
    article = make_article()
    assert client.post(reverse("most_read_beacon", args=[article.pk])).status_code == 204
    assert not HourlyReads.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_X_MOZ": "prefetch"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
    ],
    ids=["sec-purpose", "prerender", "purpose", "x-moz", "cross-site", "same-site"],
)
def test_prefetches_and_other_sites_pages_are_not_counted(client, make_article, headers):
    article = make_article()
    assert beacon(client, article, **headers).status_code == 204
    assert not HourlyReads.objects.exists()


def test_our_own_pages_beacon_is_counted(client, make_article):
    article = make_article()
    beacon(client, article, HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN="http://testserver")
    assert reads(article) == 1


def test_staff_reading_with_their_marker_is_not_counted(client, make_article, editor):
    article = make_article()
    marker = HttpResponse()
    marker.set_signed_cookie(STAFF_COOKIE, str(editor.pk), salt=STAFF_SALT)  # as at login
    client.cookies[STAFF_COOKIE] = marker.cookies[STAFF_COOKIE].value
    assert beacon(client, article).status_code == 204
    assert not HourlyReads.objects.exists()


def test_the_beacon_sets_no_cookie_and_is_never_cached(client, make_article):
    response = beacon(client, make_article())
    assert response.status_code == 204
    assert not response.cookies
    assert "Set-Cookie" not in response
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert not response.has_header("Surrogate-Key") and not response.has_header("Cache-Tag")


def test_nothing_about_the_reader_is_stored(client, make_article):
    article = make_article()
    beacon(
        client,
        article,
        REMOTE_ADDR="203.0.113.77",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
        HTTP_COOKIE="tracking=abc123",
    )
    fields = {field.name for field in HourlyReads._meta.get_fields()}
    assert fields == {"id", "article", "hour", "count"}
    rows = list(HourlyReads.objects.values())
    assert rows == [
        {"id": rows[0]["id"], "article_id": article.pk, "hour": current_hour(), "count": 1}
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Status.DRAFT, "published_at": None},
        {"status": Status.REVIEW},
        {"published_at": timezone.now() + timedelta(hours=2)},  # scheduled
        {"expire_at": timezone.now() - timedelta(minutes=1)},  # expired
        {"status": Status.UNPUBLISHED},
    ],
    ids=["draft", "review", "scheduled", "expired", "retracted"],
)
def test_articles_readers_cannot_see_are_not_counted(client, make_article, overrides):
    article = make_article(**overrides)
    response = beacon(client, article)
    assert response.status_code == 404
    assert response.content.decode() == "لا يوجد مقال منشور بهذا الرقم."
    assert not HourlyReads.objects.exists()


@pytest.mark.parametrize("pk", ["0", "999999", "9223372036854775808", "9" * 40])
def test_a_bad_id_is_an_arabic_404_never_a_500(client, db, pk):
    response = client.post(f"/r/{pk}/", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 404
    assert "مقال" in response.content.decode()
    assert not HourlyReads.objects.exists()


def test_other_methods_and_hostile_bodies_get_an_answer_not_a_500(client, make_article):
    article = make_article()
    url = reverse("most_read_beacon", args=[article.pk])
    got = client.get(url, HTTP_USER_AGENT=CHROME)
    assert got.status_code == 405 and got["Allow"] == "POST"
    assert "POST" in got.content.decode() and "فقط" in got.content.decode()
    junk = client.post(
        url, data=b"\x00\xff{" * 50_000, content_type="application/json", HTTP_USER_AGENT=CHROME
    )
    form = client.post(url, data="a=" + "%" * 10_000, content_type="multipart/form-data; x")
    assert junk.status_code == 204 and form.status_code == 204
    assert reads(article) == 1  # the junk body counted once; the form had no User-Agent


def test_the_beacon_needs_no_csrf_token(make_article):
    from django.test import Client

    article = make_article()
    response = beacon(Client(enforce_csrf_checks=True), article)
    assert response.status_code == 204
    assert reads(article) == 1


def test_two_first_readings_of_the_hour_make_one_row(make_article):
    article = make_article()
    assert counting.add(article.pk, current_hour(), 1, check=True)
    assert counting.add(article.pk, current_hour(), 1, check=True)
    assert list(HourlyReads.objects.values_list("count", flat=True)) == [2]


# The block ----------------------------------------------------------------------------------


def test_home_and_article_pages_show_the_most_read_first(client, make_article):
    first, second, third = make_article(), make_article(), make_article()
    read(first, 3)
    read(second, 10)
    read(third, 5, hours_ago=5)
    read(first, 1, hours_ago=1)
    home = client.get(reverse("home"))
    assert block_headlines(home) == [second.headline, third.headline, first.headline]
    page = client.get(first.get_absolute_url())
    assert block_headlines(page) == [second.headline, third.headline, first.headline]
    assert "الأكثر قراءة" in page.content.decode()


def test_no_block_without_readings(client, make_article):
    article = make_article()
    assert block_headlines(client.get(reverse("home"))) == []
    assert "most-read" not in client.get(article.get_absolute_url()).content.decode()


def test_an_excluded_article_is_absent_however_much_it_is_read(client, make_article):
    popular = make_article(exclude_from_most_read=True)
    other = make_article()
    read(popular, 1000)
    read(other, 1)
    headlines = block_headlines(client.get(reverse("home")))
    assert headlines == [other.headline]


def test_excluding_an_article_takes_it_out_of_a_remembered_ranking_at_once(client, make_article):
    popular, other = make_article(), make_article()
    read(popular, 50)
    read(other, 5)
    assert block_headlines(client.get(reverse("home"))) == [popular.headline, other.headline]
    Article.objects.filter(pk=popular.pk).update(exclude_from_most_read=True)
    # The ranking remembered in the cache still names it; the block reads through the rule.
    assert ranking.stale(ranking.cache.get(ranking.STATE)) is False
    assert block_headlines(client.get(reverse("home"))) == [other.headline]


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.UNPUBLISHED},
        {"expire_at": timezone.now() - timedelta(seconds=1)},
        {"status": Status.DRAFT},
    ],
    ids=["retracted", "expired", "back-to-draft"],
)
def test_an_article_readers_can_no_longer_see_leaves_the_block_at_once(
    client, make_article, change
):
    gone, stays = make_article(), make_article()
    read(gone, 50)
    read(stays, 5)
    assert block_headlines(client.get(reverse("home"))) == [gone.headline, stays.headline]
    Article.objects.filter(pk=gone.pk).update(**change)
    assert block_headlines(client.get(reverse("home"))) == [stays.headline]
    assert block_headlines(client.get(stays.get_absolute_url())) == [stays.headline]


def test_readings_of_non_public_articles_are_never_shown(client, make_article):
    draft = make_article(status=Status.DRAFT, published_at=None)
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    public = make_article()
    for article in (draft, scheduled):
        read(article, 100)
    read(public, 1)
    assert block_headlines(client.get(reverse("home"))) == [public.headline]


def test_only_the_last_24_hours_count(client, make_article):
    old_favourite, today = make_article(), make_article()
    read(old_favourite, 500, hours_ago=24)  # this hour and the 23 before it are the window
    read(today, 2, hours_ago=23)
    read(today, 1)
    assert block_headlines(client.get(reverse("home"))) == [today.headline]
    assert list(ranking.ranked()) == [today]
    assert ranking.ranked()[0].reads == 3


def test_at_most_five_are_shown_and_a_spare_fills_a_retracted_place(client, make_article):
    articles = [make_article() for _ in range(8)]
    for n, article in enumerate(articles):
        read(article, 100 - n)
    assert block_headlines(client.get(reverse("home"))) == [a.headline for a in articles[:5]]
    Article.objects.filter(pk=articles[1].pk).update(status=Status.UNPUBLISHED)
    expected = [articles[0], *articles[2:6]]
    assert block_headlines(client.get(reverse("home"))) == [a.headline for a in expected]


def test_the_ranking_is_remembered_and_recomputed_only_when_old_or_the_hour_turned(
    make_article, settings, purges
):
    first, second = make_article(), make_article()
    read(first, 5)
    ranking.block()
    assert ranking.cache.get(ranking.STATE)["ids"] == [first.pk]
    read(second, 50)
    assert [row.pk for row in ranking.block()] == [first.pk]  # remembered
    settings.MOSTREAD_REFRESH_SECONDS = 0
    assert [row.pk for row in ranking.block()] == [second.pk, first.pk]


def test_a_changed_ranking_purges_the_block_key_and_an_unchanged_one_does_not(make_article, purges):
    first, second = make_article(), make_article()
    read(first, 5)
    ranking.refresh()
    assert purges == [{"mostread"}]  # nothing remembered before: purge
    ranking.refresh()
    assert purges == [{"mostread"}]
    read(second, 50)
    ranking.refresh()
    assert purges == [{"mostread"}, {"mostread"}]


def test_the_workers_clock_refreshes_only_a_stale_ranking(make_article, settings, purges):
    article = make_article()
    read(article, 5)
    ranking.refresh_if_stale()
    assert ranking.cache.get(ranking.STATE)["ids"] == [article.pk]
    ranking.cache.delete(ranking.LOCK)
    read(make_article(), 50)
    ranking.refresh_if_stale()  # fresh: left alone
    assert ranking.cache.get(ranking.STATE)["ids"] == [article.pk]
    settings.MOSTREAD_REFRESH_SECONDS = 0
    ranking.refresh_if_stale()
    assert len(ranking.cache.get(ranking.STATE)["ids"]) == 2


# Pages stay cacheable -----------------------------------------------------------------------


def test_pages_with_the_block_stay_public_and_name_its_key(client, make_article, settings):
    settings.EDGE_PURGER = "varnish"
    settings.EDGE_VARNISH_URLS = ["http://127.0.0.1:9"]
    article, other = make_article(), make_article()
    read(other, 5)
    ranking.refresh()  # remembered before the pages render: they purge nothing
    for url in (reverse("home"), article.get_absolute_url()):
        response = client.get(url)
        assert block_headlines(response) == [other.headline]
        assert "public" in response["Cache-Control"]
        assert "s-maxage" in response["Cache-Control"]
        keys = set(response["Surrogate-Key"].split())
        assert {"mostread", f"a{other.pk}"} <= keys
        assert "mostread" in response["Cache-Tag"].split(",")
        assert not response.cookies
        assert not response.has_header("Vary") or "cookie" not in response["Vary"].lower()


def test_the_article_page_loads_the_beacon_script_for_its_own_id_and_the_preview_does_not(
    client, make_article
):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-beacon="/r/{article.pk}/"' in html
    assert "/static/js/mostread.js" in html
    preview = client.get(article.get_preview_url()).content.decode()
    assert "data-beacon" not in preview


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["home", "article"])
def test_the_block_adds_one_query_to_a_page_warm_or_cold(client, make_article, settings, page):
    articles = [make_article() for _ in range(8)]
    for n, article in enumerate(articles):
        read(article, 10 + n)
    url = reverse("home") if page == "home" else articles[0].get_absolute_url()
    queries(client, url)  # settles per-process setup
    without = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    settings.TEMPLATES = [
        settings.TEMPLATES[0]
        | {
            "OPTIONS": settings.TEMPLATES[0]["OPTIONS"]
            | {"context_processors": [p for p in without if not p.startswith("mostread")]}
        },
        *settings.TEMPLATES[1:],
    ]
    baseline = queries(client, url)
    settings.TEMPLATES = [
        settings.TEMPLATES[0]
        | {"OPTIONS": settings.TEMPLATES[0]["OPTIONS"] | {"context_processors": without}},
        *settings.TEMPLATES[1:],
    ]
    ranking.cache.delete(ranking.STATE)
    assert queries(client, url) == baseline + 1  # cold: the ranking itself
    assert queries(client, url) == baseline + 1  # warm: the remembered ids read back


@pytest.mark.parametrize("page", ["home", "article"])
def test_query_budget_of_pages_with_the_block(
    client, make_article, django_assert_max_num_queries, page
):
    articles = [make_article() for _ in range(8)]
    for n, article in enumerate(articles):
        read(article, 10 + n)
    url = reverse("home") if page == "home" else articles[0].get_absolute_url()
    client.get(url)
    # tests/test_query_budgets.py's budgets (home 12, article 8) hold with the block.
    with django_assert_max_num_queries({"home": 12, "article": 8}[page]):
        assert len(block_headlines(client.get(url))) == 5


def test_with_the_page_cache_the_block_costs_no_query(client, make_article, settings):
    settings.PAGE_CACHE_ENABLED = True
    articles = [make_article() for _ in range(3)]
    for n, article in enumerate(articles):
        read(article, 10 + n)
    ranking.refresh()
    ranking.block()  # reads the rows, remembered under the generation
    with CaptureQueriesContext(connection) as again:
        rows = ranking.block()
    assert len(again) == 0
    assert [row.pk for row in rows] == [a.pk for a in reversed(articles)]


# Redis at scale, and forgetting old hours ------------------------------------------------------


@pytest.fixture
def redis_counts(settings):
    settings.MOSTREAD_REDIS_URL = "redis://127.0.0.1:6379/5"
    counting.redis_client.cache_clear()
    client = redis.Redis.from_url(settings.MOSTREAD_REDIS_URL)
    for key in client.scan_iter("mostread:*"):
        client.delete(key)
    yield client
    for key in client.scan_iter("mostread:*"):
        client.delete(key)
    counting.redis_client.cache_clear()


def test_with_redis_a_reading_is_a_hash_increment_flushed_into_the_hour_rows(
    client, make_article, redis_counts, django_assert_num_queries
):
    article = make_article()
    draft = make_article(status=Status.DRAFT, published_at=None)
    with django_assert_num_queries(0):
        for _ in range(3):
            assert beacon(client, article).status_code == 204
    beacon(client, draft)
    beacon(client, article, BOTS["googlebot"])
    hour = f"mostread:h:{current_hour():%Y%m%d%H}"
    assert redis_counts.hgetall(hour) == {
        str(article.pk).encode(): b"3",
        str(draft.pk).encode(): b"1",
    }
    assert 0 < redis_counts.ttl(hour) <= 48 * 3600
    assert not HourlyReads.objects.exists()
    counting.flush()
    assert reads(article) == 3 and reads(draft) == 0  # a draft's id is dropped
    assert not list(redis_counts.scan_iter("mostread:*"))
    beacon(client, article)
    counting.flush()
    assert reads(article) == 4
    assert HourlyReads.objects.count() == 1


def test_with_redis_a_failed_flush_is_written_by_the_next_one(
    make_article, redis_counts, monkeypatch
):
    article = make_article()
    counting.record_in_redis(article.pk)

    def broken(hour, counts):
        raise RuntimeError("database gone")

    monkeypatch.setattr(counting, "write", broken)
    with pytest.raises(RuntimeError):
        counting.flush()
    monkeypatch.undo()
    counting.record_in_redis(article.pk)  # a new reading meanwhile, in a new hash
    counting.flush()
    counting.flush()
    assert reads(article) == 2


def test_old_hours_are_pruned(make_article, settings):
    article = make_article()
    read(article, 1, hours_ago=49)
    read(article, 2, hours_ago=47)
    assert counting.prune() == 1
    assert reads(article) == 2
