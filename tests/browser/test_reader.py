"""What a reader sees in Chromium: the demo's home and seed article at phone and desktop
widths. Screenshots land in test-artifacts/."""

import pytest
from django.core.management import call_command

from articles.models import Article

from ..test_demo import SEED_HEADLINE
from .conftest import wait_for_js

WIDTHS = [390, 1280]


@pytest.fixture
def demo(transactional_db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Article.objects.get(headline=SEED_HEADLINE)


def load_lazy_images(page):
    """Scroll through the page so lazy images load before a full-page screenshot."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    wait_for_js(page, "[...document.images].every(i => i.complete)")


TAP_TARGETS = ".site-nav a, .tags a, .share-link, .back-to-top, .site-footer ul a"


def assert_tap_targets(page):
    heights = page.locator(TAP_TARGETS).evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44, heights


def assert_clean(page):
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.console_errors == []
    assert page.foreign_requests == []


@pytest.mark.parametrize("width", WIDTHS)
def test_article_page_reads_right_to_left_and_back_to_top_works(
    page_at, live_server, demo, width, screenshot
):
    page = page_at(width)
    page.goto(live_server.url + demo.get_absolute_url())
    assert page.locator("h1").inner_text() == SEED_HEADLINE
    back = page.locator("a.back-to-top")
    assert back.get_attribute("href") == "#top"
    back.wait_for(state="hidden", timeout=2000)  # hidden at the top of the page
    page.mouse.wheel(0, 2500)
    back.wait_for(state="visible")
    box = back.bounding_box()
    assert box["height"] >= 44  # a tap target
    # inline-end in a right-to-left page is the left side
    assert box["x"] < width / 2
    assert_tap_targets(page)
    back.click()
    wait_for_js(page, "window.scrollY === 0")
    back.wait_for(state="hidden")
    assert_clean(page)
    load_lazy_images(page)
    screenshot(page, f"article-{width}")
    assert_clean(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_home_page_reads_right_to_left(page_at, live_server, demo, width, screenshot):
    page = page_at(width)
    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    assert page.locator(".lead-story h2").inner_text() == SEED_HEADLINE
    assert page.locator(".section-block").count() >= 6
    load_lazy_images(page)
    screenshot(page, f"home-{width}")
    assert_clean(page)


def test_back_to_top_jumps_without_animation_when_reduced_motion_is_asked(
    page_at, live_server, demo
):
    page = page_at(390)
    page.emulate_media(reduced_motion="reduce")
    page.goto(live_server.url + demo.get_absolute_url())
    page.mouse.wheel(0, 3000)
    page.locator("a.back-to-top").wait_for(state="visible")
    page.locator("a.back-to-top").click()
    assert page.evaluate("window.scrollY") == 0  # at once, no smooth scroll
    assert_clean(page)


def test_pages_work_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server.url + demo.get_absolute_url())
        back = page.locator("a.back-to-top")
        assert back.is_visible()  # no script to reveal it: always shown
        assert not page.locator("button.copy-link").is_visible()
        page.evaluate("window.scrollTo({top: 3000, behavior: 'instant'})")
        assert page.evaluate("window.scrollY") > 0
        back.click()
        for _ in range(50):  # the browser scrolls by itself (smoothly): poll, no script runs
            if page.evaluate("window.scrollY") == 0:
                break
            page.wait_for_timeout(100)
        assert page.evaluate("window.scrollY") == 0
        assert page.locator(".share a").count() == 4
    finally:
        context.close()
