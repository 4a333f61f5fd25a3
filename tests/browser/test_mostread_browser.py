"""«الأكثر قراءة» in Chromium: an article page sends one beacon to its own host and nothing
anywhere else; the block reads right to left on home and article pages (screenshots in
test-artifacts/)."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from articles.models import Article
from mostread import ranking
from mostread.counting import current_hour
from mostread.models import HourlyReads

from ..test_demo import SEED_HEADLINE
from .conftest import wait_for_js
from .test_reader import assert_clean, load_lazy_images

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
DESKTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def demo(transactional_db, monkeypatch):
    """The demo site, with the day's readings of six of its articles."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    seed = Article.objects.get(headline=SEED_HEADLINE)
    others = list(Article.objects.published().exclude(pk=seed.pk)[:6])
    for n, article in enumerate(others):
        HourlyReads.objects.create(article=article, hour=current_hour(), count=100 - 10 * n)
    cache.delete(ranking.STATE)  # ranked by the first page (tests/conftest.py kept an empty one)
    return seed


def beacons(page, server):
    sent = []
    page.on(
        "request",
        lambda r: r.url.startswith(f"{server.url}/r/") and sent.append((r.method, r.url)),
    )
    return sent


def wait_for_beacon(page, sent):
    for _ in range(100):
        if sent:
            break
        page.wait_for_timeout(20)
    page.wait_for_timeout(300)  # a second one would have left by now


def test_an_article_page_sends_one_beacon_to_its_own_host_and_nothing_elsewhere(
    page_at, live_server, demo
):
    page = page_at(390, user_agent=PHONE)
    sent = beacons(page, live_server)
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    wait_for_beacon(page, sent)
    assert sent == [("POST", f"{live_server.url}/r/{demo.pk}/")]
    assert page.foreign_requests == []
    assert page.console_errors == []
    assert HourlyReads.objects.get(article=demo, hour=current_hour()).count == 1
    assert page.context.cookies() == []


def test_headless_chromium_is_a_bot_and_is_not_counted(page_at, live_server, demo):
    page = page_at(390)  # Chromium's own user agent: HeadlessChrome
    sent = beacons(page, live_server)
    page.goto(f"{live_server.url}{demo.get_absolute_url()}")
    wait_for_beacon(page, sent)
    assert len(sent) == 1
    assert not HourlyReads.objects.filter(article=demo).exists()


def test_home_shows_no_beacon(page_at, live_server, demo):
    page = page_at(390, user_agent=PHONE)
    sent = beacons(page, live_server)
    page.goto(f"{live_server.url}/")
    page.wait_for_timeout(300)
    assert sent == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_block_reads_right_to_left_on_home_and_article_pages(
    page_at, live_server, demo, width, screenshot
):
    page = page_at(width, user_agent=PHONE if width == 390 else DESKTOP)
    for name, url in [("home", "/"), ("article", demo.get_absolute_url())]:
        page.goto(f"{live_server.url}{url}")
        block = page.locator("section.most-read")
        assert block.locator("h2").inner_text() == "الأكثر قراءة"
        items = block.locator("ol li")
        assert items.count() == 5
        assert block.evaluate("e => getComputedStyle(e).direction") == "rtl"
        # The number sits at the right of its line (the start, in Arabic), the headline to
        # its left.
        line = items.first.bounding_box()
        link = items.first.locator("a").bounding_box()
        assert link["x"] + link["width"] <= line["x"] + line["width"] - 30
        number = page.evaluate(
            "getComputedStyle(document.querySelector('.most-read-list li'), '::before').content"
        )
        assert number == "counter(most-read)"
        block.scroll_into_view_if_needed()
        wait_for_js(page, "document.readyState === 'complete'")
        load_lazy_images(page)
        assert_clean(page)
        screenshot(page, f"mostread-{name}-{width}")
