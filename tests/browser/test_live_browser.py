"""Live coverage in Chromium: a reader has the live page open; a journalist posts an entry at
the desk in a second browser; the reader's page offers «تحديثات جديدة» within one poll,
shows the entry on a click, keeps the pinned entry on top; an entry's anchor opens at it;
no horizontal scroll at 390 px, no console error, no request to another host."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.roles import JOURNALISTS
from live.models import LiveCoverage, LiveEntry

from .conftest import pass_second_step, wait_for_js

PASSWORD = "correct horse battery staple"


@pytest.fixture
def story(transactional_db, make_article, make_user, settings):
    settings.NEWSROOM_LIVE_POLL_SECONDS = 3
    article = make_article(
        headline="تغطية مباشرة: اشتباكات في محيط سجن الصناعة",
        summary="تواصلت الاشتباكات لليوم الرابع على التوالي.",
    )
    coverage = LiveCoverage.objects.create(article=article)
    now = timezone.now()
    LiveEntry.objects.create(
        coverage=coverage,
        title="ما نعرفه حتى الآن",
        body="<p>ملخص مثبّت لأهم ما جرى منذ بداية الهجوم.</p>",
        is_pinned=True,
        published_at=now - timedelta(hours=2),
    )
    for n in range(12):
        LiveEntry.objects.create(
            coverage=coverage,
            body=f"<p>تحديث رقم {n}: " + "تفاصيل ميدانية من محيط السجن. " * 6 + "</p>",
            is_key=n % 5 == 0,
            published_at=now - timedelta(minutes=10 * (n + 1)),
        )
    journalist = make_user("reporter", JOURNALISTS, first_name="عمر", last_name="الخطيب")
    return coverage, journalist


def log_in(page, live_server, user, next_url):
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    after_password = pass_second_step(page, user)
    page.click("input[type=submit]")
    after_password()
    page.wait_for_url(f"**{next_url}")


def assert_clean(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.console_errors == []
    assert page.foreign_requests == []


@pytest.mark.parametrize("width", [390, 1280])
def test_reader_sees_a_new_entry_posted_at_the_desk_without_reloading(
    page_at, live_server, story, width, screenshot
):
    coverage, journalist = story
    reader = page_at(width)
    reader.goto(live_server.url + "/")
    card = reader.locator(".card-live").first
    assert card.locator(".live-label").inner_text() == "مباشر"
    screenshot(reader, f"live-home-{width}")
    assert_clean(reader)
    reader.goto(live_server.url + coverage.article.get_absolute_url())
    assert reader.locator(".live-title .live-label").inner_text() == "مباشر"
    first = reader.locator(".live-stream .live-entry").first
    assert "is-pinned" in first.get_attribute("class")
    wait_for_js(reader, "document.querySelector('.live-entry time').textContent.includes('منذ')")
    screenshot(reader, f"live-reader-{width}")
    assert_clean(reader)

    desk = page_at(width)
    desk_path = f"/admin/live/livecoverage/{coverage.pk}/desk/"
    log_in(desk, live_server, journalist, desk_path)
    desk.wait_for_selector(".ProseMirror[contenteditable=true]")
    screenshot(desk, f"live-desk-{width}")
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    desk.locator(".ProseMirror[contenteditable=true]").click()
    desk.keyboard.type("عاجل من الميدان: انفجار قرب البوابة الشمالية")
    desk.click("button.live-publish")
    desk.wait_for_selector(".messagelist .success")
    entry = LiveEntry.objects.get(body__contains="البوابة الشمالية")
    assert entry.status == LiveEntry.Status.PUBLISHED

    button = reader.locator("[data-live-new-button]")
    button.wait_for(state="visible", timeout=30_000)
    assert "تحديث جديد" in button.inner_text()
    scroll_before = reader.evaluate("window.scrollY")
    assert reader.locator(f"#{entry.anchor}").count() == 0
    assert reader.evaluate("window.scrollY") == scroll_before  # nothing jumped meanwhile
    button.click()
    reader.locator(f"#{entry.anchor}").wait_for()
    ids = reader.locator(".live-stream .live-entry").evaluate_all("els => els.map(e => e.id)")
    assert ids[0].startswith("entry-") and "is-pinned" in reader.locator(
        ".live-stream .live-entry"
    ).first.get_attribute("class")
    assert ids[1] == entry.anchor  # the new entry right under the pinned one
    assert reader.locator("[data-live-new]").is_hidden()
    screenshot(reader, f"live-reader-after-{width}")
    assert_clean(reader)
    assert desk.console_errors == []
    assert desk.foreign_requests == []


def test_an_entry_anchor_opens_the_page_at_that_entry(page_at, live_server, story):
    target = LiveEntry.objects.filter(is_pinned=False).order_by("published_at").first()
    page = page_at(390, 800)
    page.goto(live_server.url + target.get_absolute_url())
    wait_for_js(page, f"document.getElementById('{target.anchor}') !== null")
    # The page may scroll smoothly: wait until the entry reaches the top of the viewport.
    where = f"document.getElementById('{target.anchor}').getBoundingClientRect().top"
    wait_for_js(page, f"{where} >= 0 && {where} < 200", timeout=5)
    assert page.evaluate("window.scrollY") > 1000
    assert_clean(page)


def test_an_open_page_takes_edits_and_drops_deleted_entries(page_at, live_server, story):
    coverage, _ = story
    newest = list(LiveEntry.objects.filter(is_pinned=False).order_by("-published_at")[:2])
    page = page_at(390)
    page.goto(live_server.url + coverage.article.get_absolute_url())
    page.locator(f"#{newest[1].anchor}").wait_for()
    newest[0].delete()
    newest[1].body = "<p>نص مصحح بعد التحقق</p>"
    newest[1].correction = "ذكرت نسخة سابقة رقماً خاطئاً."
    newest[1].save()
    page.locator(f"#{newest[0].anchor}").wait_for(state="detached", timeout=15_000)
    corrected = page.locator(f"#{newest[1].anchor}")
    wait_for_js(
        page,
        f"document.getElementById('{newest[1].anchor}').textContent.includes('مصحح')",
        timeout=15,
    )
    assert "تصحيح" in corrected.inner_text()
    assert page.locator("[data-live-new]").is_hidden()
    assert_clean(page)
