"""Embeds in Chromium: nothing from YouTube or X before the reader clicks, then the player's
frame from youtube-nocookie.com. There is no internet here: other hosts are aborted, so the
frame only has to exist with the right address."""

from urllib.parse import urlsplit

import pytest

from .conftest import wait_for_js

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
TWEET = "https://x.com/SANA_English/status/1790000000000000000"
FAKE_PLAYER = "<!doctype html><title>player</title><p id=player>مشغّل تجريبي</p>"


@pytest.fixture
def article(transactional_db, make_article):
    return make_article(
        body=(
            "<p>فقرة قبل الفيديو تشرح ما جرى في حي الشعار بحلب صباح اليوم.</p>"
            f'<p><a href="{YOUTUBE}">مشاهد من حي الشعار بعد القصف</a></p>'
            "<p>فقرة بين الفيديو والمنشور.</p>"
            f"<p>{TWEET}</p><p>فقرة أخيرة.</p>"
        )
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_no_request_leaves_the_site_until_the_click_then_the_nocookie_player(
    page_at, live_server, article, width, screenshot
):
    page = page_at(width)
    foreign = []
    page.on("request", lambda r: not r.url.startswith(live_server.url) and foreign.append(r.url))
    # No internet here: the player's host answers with a stand-in page (so the frame really
    # loads, which the CSP's frame-src must allow); every other host is refused.
    page.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: (
            route.fulfill(body=FAKE_PLAYER, content_type="text/html; charset=utf-8")
            if route.request.url.startswith("https://www.youtube-nocookie.com/")
            else route.abort()
        ),
    )
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    cards = page.locator("figure.embed")
    assert cards.count() == 2
    assert page.locator("iframe").count() == 0
    assert foreign == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"embeds-before-{width}")

    page.locator(".embed-youtube .embed-link").click()
    frame = page.locator(".embed-youtube iframe")
    frame.wait_for(state="attached")
    src = frame.get_attribute("src")
    assert src.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    wait_for_js(page, "document.querySelector('.embed-youtube iframe') !== null")
    # The only host asked is the player's; X still has heard nothing.
    page.wait_for_timeout(300)
    assert foreign and all(u.startswith("https://www.youtube-nocookie.com/") for u in foreign)
    assert page.locator(".embed-x iframe").count() == 0
    assert page.locator(".embed-x a.embed-link").get_attribute("href") == TWEET
    # The card still offers the post as a link, and the page still fits the screen.
    assert page.locator(".embed-youtube .embed-note a").get_attribute("href") == YOUTUBE
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The frame loaded (the CSP let it), and nothing was refused.
    player = page.frame_locator(".embed-youtube iframe").locator("#player")
    assert player.inner_text() == "مشغّل تجريبي"
    assert page.console_errors == []
    screenshot(page, f"embeds-after-{width}")


def test_without_javascript_the_card_is_a_plain_link(browser, live_server, article):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        foreign = []
        page.on(
            "request", lambda r: not r.url.startswith(live_server.url) and foreign.append(r.url)
        )
        page.goto(live_server.url + article.get_absolute_url())
        link = page.locator(".embed-youtube a.embed-link")
        assert link.get_attribute("href") == YOUTUBE
        assert page.locator("iframe").count() == 0
        assert foreign == []
    finally:
        context.close()


# Stand-ins for the platforms' embed pages: each tells its parent the height its post needs,
# in the platform's own message format (X an object, Telegram a JSON string).
FAKE_TWEET = (
    "<!doctype html><body style='margin:0'><p>منشور تجريبي</p><script>"
    "parent.postMessage({'twttr.embed': {method: 'twttr.private.resize',"
    " params: [{width: 550, height: 412}]}}, '*')</script>"
)
FAKE_TELEGRAM = (
    "<!doctype html><body style='margin:0'><p>منشور تجريبي</p><script>"
    "parent.postMessage(JSON.stringify({event: 'resize', height: 233}), '*')</script>"
)
TELEGRAM = "https://t.me/syria_news/4521"


@pytest.mark.parametrize("width", [390, 1280])
def test_post_frames_take_the_height_their_post_reports_and_nothing_else(
    page_at, live_server, make_article, transactional_db, width, screenshot
):
    article = make_article(body=f"<p>مقدمة.</p><p>{TWEET}</p><p>{TELEGRAM}</p><p>خاتمة.</p>")
    page = page_at(width)
    foreign = []
    page.on("request", lambda r: not r.url.startswith(live_server.url) and foreign.append(r.url))
    pages = {"https://platform.twitter.com/": FAKE_TWEET, "https://t.me/": FAKE_TELEGRAM}

    def answer(route):
        for prefix, body in pages.items():
            if route.request.url.startswith(prefix):
                return route.fulfill(body=body, content_type="text/html; charset=utf-8")
        return route.abort()

    page.route(lambda url: not url.startswith(live_server.url), answer)
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert foreign == []
    for platform, height in (("x", 412), ("telegram", 233)):
        page.locator(f".embed-{platform} .embed-link").click()
        wait_for_js(
            page,
            f"document.querySelector('.embed-{platform} iframe')?.getBoundingClientRect()"
            f".height === {height}",
        )
    assert {urlsplit(u).netloc for u in foreign} == {"platform.twitter.com", "t.me"}
    # A message from anyone but the frame changes nothing (here: the page itself).
    page.evaluate("window.postMessage(JSON.stringify({event: 'resize', height: 3000}), '*')")
    page.wait_for_timeout(300)
    assert page.locator(".embed-telegram iframe").bounding_box()["height"] == 233
    screenshot(page, f"embeds-posts-{width}")
    frame = page.locator(".embed-x iframe").bounding_box()
    assert frame["width"] <= min(width, 34 * 16)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.console_errors == []


def test_a_height_from_a_window_other_than_the_posts_frame_is_ignored(
    page_at, live_server, make_article, transactional_db
):
    """A frame inside the post's frame (same origin, another window) cannot resize it."""
    article = make_article(body=f"<p>{TELEGRAM}</p>")
    page = page_at(390)
    nested = (
        '<!doctype html><iframe srcdoc="<script>top.postMessage(JSON.stringify('
        "{event: 'resize', height: 3000}), '*')</script>\"></iframe>"
    )
    page.route(
        lambda url: not url.startswith(live_server.url),
        lambda route: route.fulfill(body=nested, content_type="text/html; charset=utf-8"),
    )
    page.goto(live_server.url + article.get_absolute_url())
    page.locator(".embed-telegram .embed-link").click()
    page.frame_locator(".embed-telegram iframe").locator("iframe").wait_for(state="attached")
    page.wait_for_timeout(1000)
    height = page.evaluate(
        "document.querySelector('.embed-telegram iframe').getBoundingClientRect().height"
    )
    assert height == 30 * 16
