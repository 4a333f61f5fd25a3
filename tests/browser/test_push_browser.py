"""Web Push in Chromium: the reader's control, the service worker at scope /, and a push
delivered to it (through the DevTools protocol) shown as an Arabic notification.

What this cannot cover: pushManager.subscribe() is refused by Chromium here (Playwright's
browser contexts are incognito-like, where Chromium has no Push API: its console says so;
and it would ask Google's push service, FCM, unreachable offline), so the test checks the
control says so in Arabic. The server side of a
subscription (the JSON POST) and the encrypted delivery are covered in tests/test_push.py
against a fake push service."""

import json

import pytest

from ..test_push import PRIVATE, PUBLIC
from .conftest import wait_for_js

# Counts the permission prompts a page asks for: none on load, one on the click.
COUNT_PROMPTS = """
window.__prompts = 0;
if (window.Notification) {
  const ask = Notification.requestPermission.bind(Notification);
  Notification.requestPermission = function () { window.__prompts += 1; return ask(); };
}
"""


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = PUBLIC, PRIVATE


@pytest.mark.parametrize("width", [1280, 390])
def test_the_worker_registers_and_shows_a_pushed_arabic_notification(
    page_at, live_server, screenshot, vapid, make_article, width
):
    article = make_article(headline="زلزال بقوة خمس درجات يضرب ريف اللاذقية")
    page = page_at(width)
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(COUNT_PROMPTS)
    page.goto(live_server.url + article.get_absolute_url())

    button = page.get_by_role("button", name="تنبيهات الأخبار العاجلة")
    button.wait_for(state="visible")
    assert page.evaluate("window.__prompts") == 0  # nothing asked on page load
    assert button.get_attribute("aria-pressed") == "false"
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == live_server.url + "/"

    button.click()
    status = page.locator("[data-push-status]")
    # Headless Chromium cannot reach FCM: the browser refuses the subscription, and the
    # reader is told so in Arabic (never a silent failure).
    wait_for_js(page, "document.querySelector('[data-push-status]').textContent !== ''")
    assert page.evaluate("window.__prompts") == 1
    assert status.inner_text() in (
        "تعذّر الاشتراك في خدمة الإشعارات في هذا المتصفح.",
        "ستصلك تنبيهات الأخبار العاجلة.",
    )
    screenshot(page, f"push-control-{width}")

    # A push, as the push service would hand it to the browser.
    page.evaluate(
        """() => {
        window.__shown = [];
        navigator.serviceWorker.addEventListener("message", (e) => window.__shown.push(e.data));
        navigator.serviceWorker.startMessages();
    }"""
    )
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if r["scopeURL"] == live_server.url + "/"][:1]
    payload = {
        "title": article.headline,
        "body": "شعر السكان بالهزة في مدن الساحل.",
        "url": live_server.url + article.get_absolute_url(),
        "image": "",
        "tag": f"article-{article.pk}",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload, ensure_ascii=False),
        },
    )
    wait_for_js(page, "window.__shown.length > 0", timeout=10)
    [shown] = page.evaluate("window.__shown")
    assert shown == {"type": "push-shown", "title": article.headline, "body": payload["body"]}
    notifications = page.evaluate(
        """() => navigator.serviceWorker.ready
            .then((r) => r.getNotifications())
            .then((list) => list.map((n) => ({title: n.title, dir: n.dir, lang: n.lang,
                                               tag: n.tag, url: n.data && n.data.url})))"""
    )
    assert notifications == [
        {
            "title": article.headline,
            "dir": "rtl",
            "lang": "ar",
            "tag": f"article-{article.pk}",
            "url": payload["url"],
        }
    ]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Chromium's own words for the refused subscription (Playwright's contexts are
    # incognito-like, where Chromium has no Push API); nothing else went wrong.
    assert all("does not support the Push API" in e for e in page.console_errors)
    assert page.foreign_requests == []


def test_the_control_stays_hidden_without_vapid_keys(page_at, live_server, settings, make_article):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    article = make_article()
    page = page_at()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("[data-push-key]").count() == 0
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0


@pytest.mark.parametrize("width", [1280, 390])
def test_a_live_page_offers_its_own_control_beside_breaking_news(
    page_at, live_server, screenshot, vapid, make_article, width
):
    from live.models import LiveCoverage, LiveEntry

    article = make_article(headline="تغطية مباشرة: الانتخابات البلدية")
    coverage = LiveCoverage.objects.create(article=article, push_key_entries=True)
    LiveEntry.objects.create(coverage=coverage, title="فتح الصناديق", body="<p>بدأ الاقتراع.</p>")
    page = page_at(width)
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.add_init_script(COUNT_PROMPTS)
    page.goto(live_server.url + article.get_absolute_url())

    live_button = page.get_by_role("button", name="تنبيهات هذه التغطية")
    live_button.wait_for(state="visible")
    assert page.get_by_role("button", name="تنبيهات الأخبار العاجلة").is_visible()
    assert live_button.get_attribute("data-push-topic") == f"live:{coverage.pk}"
    assert live_button.get_attribute("aria-pressed") == "false"
    assert page.evaluate("window.__prompts") == 0  # nothing asked on page load
    # The control sits in the live block's header, under the story's title.
    assert page.locator(".live-header .push-control-live").count() == 1
    live_button.click()
    wait_for_js(page, "document.getElementById('push-status-live').textContent !== ''")
    assert page.evaluate("window.__prompts") == 1
    assert page.locator("#push-status-live").inner_text() in (
        "تعذّر الاشتراك في خدمة الإشعارات في هذا المتصفح.",
        "ستصلك تنبيهات الأحداث المهمة في هذه التغطية.",
    )
    assert page.locator("#push-status").inner_text() == ""  # the other control's line
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"push-control-live-{width}")
    assert page.foreign_requests == []
