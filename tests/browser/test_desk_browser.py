"""The desk and presence in a real browser (Chromium), at 1280 and 390 px."""

import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.roles import EDITORS, JOURNALISTS

from .conftest import pass_second_step

PASSWORD = "correct horse battery staple"
DAMASCUS = zoneinfo.ZoneInfo("Asia/Damascus")


@pytest.fixture
def people(make_user):
    return (
        make_user("journalist", JOURNALISTS, first_name="عمر", last_name="الخطيب"),
        make_user("editor", EDITORS, first_name="سارة", last_name="الأحمد"),
    )


def log_in(page, live_server, user):
    """Log in from the admin's front door; the desk is where it lands."""
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    after_password = pass_second_step(page, user)
    page.click("input[type=submit]")
    after_password()
    page.wait_for_url(f"{live_server.url}/admin/")


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 390])
def test_editor_desk_lists_the_article_a_journalist_just_submitted(
    page_at, live_server, people, make_section, screenshot, width
):
    journalist, editor = people
    make_section(name="الشأن السوري")
    headline = "الحسكة: عودة المياه إلى أحياء المدينة بعد انقطاع أسبوع"

    page = page_at(width)
    log_in(page, live_server, journalist)
    assert page.inner_text("h1") == "مكتب التحرير"
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", headline)
    page.click("#id_section + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "الشأن")
    page.click(".select2-results__option:has-text('الشأن السوري')")
    page.click(".prose-editor .ProseMirror[contenteditable=true]")
    page.keyboard.type("عادت المياه صباح اليوم.")
    page.click("button[name=_workflow][value=submit]")
    page.wait_for_url("**/admin/articles/article/")
    assert Article.objects.get(headline=headline).status == Article.Status.REVIEW
    page.goto(f"{live_server.url}/admin/")
    assert headline in page.inner_text(".desk-in-review")
    assert fits(page)
    screenshot(page, f"desk-journalist-{width}")

    page = page_at(width)
    log_in(page, live_server, editor)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    review = page.inner_text(".desk-review")
    assert headline in review and "عمر الخطيب" in review and "الشأن السوري" in review
    assert page.inner_text(".desk-count-number") == "1"
    assert fits(page)
    screenshot(page, f"desk-editor-{width}")
    page.click(f".desk-review a:has-text('{headline}')")
    page.wait_for_url("**/change/")
    assert page.input_value("#id_headline") == headline
    assert page.console_errors == [] and page.foreign_requests == []


@pytest.mark.parametrize("width", [1280, 390])
def test_scheduled_article_shows_in_the_timeline_with_its_time(
    page_at, live_server, people, make_article, screenshot, width
):
    _, editor = people
    due = (timezone.now() + timedelta(hours=5)).replace(second=0, microsecond=0)
    article = make_article(headline="مؤتمر صحفي لمحافظ الحسكة عن خطة الكهرباء", published_at=due)
    make_article(headline="خبر عاجل: إغلاق الطريق الدولي", is_breaking=True)
    make_article(headline="تحقيق: أين تذهب مياه الخابور؟", is_featured=True)

    page = page_at(width)
    log_in(page, live_server, editor)
    item = page.locator(".desk-schedule .desk-timeline li", has_text=article.headline)
    assert item.locator("time").inner_text() == f"{due.astimezone(DAMASCUS):%H:%M}"
    assert "بتوقيت دمشق، UTC+03:00" in page.inner_text(".desk-schedule h2")
    assert fits(page)
    screenshot(page, f"desk-schedule-{width}")
    reschedule = item.locator("a:has-text('تغيير الموعد')").get_attribute("href")
    assert reschedule == f"/admin/articles/article/{article.pk}/change/#id_published_at_0"
    page.goto(live_server.url + reschedule)
    assert page.is_visible("#id_published_at_0")

    # The week that holds it (which may start after today's when it is Friday evening).
    day = due.astimezone(DAMASCUS).date().isoformat()
    page.goto(f"{live_server.url}/admin/calendar/?view=week&date={day}")
    assert "الأوقات بتوقيت دمشق، UTC+03:00." in page.inner_text("#content-main")
    entry = page.locator(".desk-calendar-day li", has_text=article.headline)
    assert entry.locator("time").inner_text() == f"{due.astimezone(DAMASCUS):%H:%M}"
    assert "مجدول" in entry.inner_text()
    assert fits(page)
    screenshot(page, f"desk-calendar-{width}")
    assert page.console_errors == [] and page.foreign_requests == []


def banner(page):
    return page.inner_text(".presence-banner") if page.is_visible(".presence-banner") else ""


def wait_until(page, predicate, seconds):
    for _ in range(int(seconds * 5)):
        if predicate():
            return True
        page.wait_for_timeout(200)
    return False


def test_two_people_on_the_same_article_see_each_other_and_the_editor_takes_over(
    page_at, live_server, people, make_article, screenshot, settings
):
    settings.PRESENCE_HEARTBEAT_SECONDS = 1
    journalist, editor = people
    draft = make_article(
        headline="مسودة: حصاد القمح في ريف الحسكة",
        status=Article.Status.DRAFT,
        created_by=journalist,
    )
    url = f"{live_server.url}/admin/articles/article/{draft.pk}/change/"

    writer = page_at(390)
    log_in(writer, live_server, journalist)
    writer.goto(url)
    desk = page_at(1280)
    log_in(desk, live_server, editor)
    desk.goto(url)

    # Within 30 s each sees the other, without reloading.
    assert wait_until(desk, lambda: "تحرره الآن: عمر الخطيب منذ" in banner(desk), 30)
    assert wait_until(writer, lambda: "تحرره الآن: سارة الأحمد منذ" in banner(writer), 30)
    assert not writer.is_visible(".presence-take-over")
    screenshot(desk, "presence-editor-1280")
    screenshot(writer, "presence-journalist-390")
    assert writer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The desk lists who has which article open.
    # A second tab of the same editor (a second login would replace the editor's
    # authenticator in this test, and with it the first tab's verified session).
    board = desk.context.new_page()
    board.goto(f"{live_server.url}/admin/")
    assert "عمر الخطيب يحرر مسودة: حصاد القمح" in " ".join(
        board.inner_text(".desk-editing").split()
    )

    desk.click(".presence-take-over")
    assert wait_until(writer, lambda: "تولّى سارة الأحمد تحرير هذا المقال" in banner(writer), 30)
    screenshot(writer, "presence-taken-over-390")

    # The editor closes the tab: gone from the journalist's banner at the next heartbeat.
    desk.close()
    assert wait_until(writer, lambda: "تحرره الآن" not in banner(writer), 30)
    assert writer.console_errors == [] and writer.foreign_requests == []
