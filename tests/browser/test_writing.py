"""The article form puts writing first, measured in Chromium at 1280 and 390 px, and the
autosave gives back what a journalist typed when the page was closed without saving."""

import time

import pytest
from django.db import OperationalError

from articles.models import Article
from autosave.models import Autosave

from .conftest import pass_second_step, wait_for_js

PASSWORD = "correct horse battery staple"
Status = Article.Status
EDITOR = ".field-body .ProseMirror[contenteditable=true]"
TYPED = "جملة كتبها الصحفي ثم أغلق الصفحة قبل الحفظ"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    after_password = pass_second_step(page, user)
    page.click("input[type=submit]")
    after_password()
    page.wait_for_url("**/admin/")


def open_form(page, live_server, article=None):
    path = f"{article.pk}/change/" if article else "add/"
    page.goto(f"{live_server.url}/admin/articles/article/{path}")
    page.wait_for_selector(EDITOR)
    wait_for_js(page, "document.querySelector('.body-words') !== null")


def box(page, selector):
    return page.locator(selector).first.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left,"
        " right: r.right, width: r.width, height: r.height} }"
    )


def wait_for_row(**lookup):
    """The autosave sent as the page closed. Polled gently: on SQLite the live server and
    this thread share one in-memory database, where a read can make a write fail."""
    for _ in range(20):
        time.sleep(0.5)
        try:
            found = Autosave.objects.filter(**lookup).first()
        except OperationalError:
            continue
        if found:
            return found
    raise AssertionError(f"no autosave {lookup}")


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_body_editor_is_tall_and_as_wide_as_the_main_column(
    page_at, live_server, journalist, make_article, screenshot, width, height
):
    article = make_article(status=Status.DRAFT, published_at=None, created_by=journalist)
    page = page_at(width, height)
    log_in(page, live_server, journalist)
    open_form(page, live_server, article)

    editor = box(page, EDITOR)
    wrapper = box(page, ".field-body .prose-editor")
    main = box(page, ".writing-main")
    headline = box(page, "#id_headline")
    side = box(page, ".writing-side")
    print(
        f"{width}px: editor {editor['width']:.0f}x{editor['height']:.0f}, main column "
        f"{main['width']:.0f}, headline {headline['width']:.0f}, viewport {height}"
    )
    assert editor["height"] >= 0.6 * height
    # The editor fills the main column (its fieldset's padding aside) and so does the headline.
    assert wrapper["width"] >= main["width"] - 40
    assert headline["width"] >= main["width"] - 40
    if width >= 1100:
        # Side by side: the side column starts level with the headline, on its left (RTL).
        assert side["top"] < editor["bottom"] and side["right"] <= main["left"]
    else:
        assert side["top"] >= editor["bottom"]
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # The journalist's form has no spread-out editors' fields: the publishing group is folded.
    assert page.locator(".field-is_featured, .field-is_breaking").count() == 0
    assert not page.locator("fieldset.collapse details").first.evaluate("d => d.open")
    # Counters: words and reading time beside the body, characters under the headline.
    assert "وقت القراءة" in page.inner_text(".body-stats")
    assert "/ 60 حرفاً" in page.inner_text(".field-headline .char-count")
    page.fill("#id_headline", "ع" * 70)
    assert "أطول مما تعرضه محركات البحث" in page.inner_text(".field-headline .char-count")
    screenshot(page, f"writing-form-{width}")
    # Advice only: the long headline saves, and the save leaves no autosave behind.
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.headline == "ع" * 70
    assert not Autosave.objects.filter(article=article).exists()


def test_typed_text_is_offered_back_after_the_page_is_closed_without_saving(
    page_at, live_server, journalist, make_article, screenshot
):
    article = make_article(status=Status.DRAFT, published_at=None, created_by=journalist)
    page = page_at(1280, 900)
    log_in(page, live_server, journalist)
    open_form(page, live_server, article)
    before = int(page.get_attribute(".body-words", "data-words"))
    page.locator(EDITOR).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" " + TYPED)
    wait_for_js(page, f"Number(document.querySelector('.body-words').dataset.words) > {before}")
    page.close()  # no save: pagehide sends what was typed

    saved = wait_for_row(user=journalist, article=article)
    assert TYPED in saved.data["body"] and saved.based_on_version == article.version
    article.refresh_from_db()
    assert TYPED not in article.body

    page = page_at(1280, 900)
    log_in(page, live_server, journalist)
    open_form(page, live_server, article)
    offer = page.locator("#autosave-offer")
    offer.wait_for(state="visible")
    assert "لديك نص غير محفوظ من هذا المقال، حُفظ تلقائياً في" in offer.inner_text()
    assert offer.locator("button", has_text="استعادة النص غير المحفوظ").is_visible()
    assert offer.locator("button", has_text="تجاهل").is_visible()
    assert TYPED not in page.inner_text(EDITOR)
    screenshot(page, "autosave-offer-1280")
    offer.locator("button", has_text="استعادة النص غير المحفوظ").click()
    wait_for_js(page, f"document.querySelector('{EDITOR}').innerText.includes('{TYPED}')")
    screenshot(page, "autosave-restored-1280")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert TYPED in article.body
    assert not Autosave.objects.filter(user=journalist).exists()
    assert page.console_errors == []


def test_a_new_article_never_saved_is_offered_on_the_add_form_at_390(
    page_at, live_server, journalist, screenshot
):
    page = page_at(390, 844)
    log_in(page, live_server, journalist)
    open_form(page, live_server)
    page.fill("#id_headline", "مقال جديد لم يُحفظ قط")
    page.locator(EDITOR).click()
    page.keyboard.type(TYPED)
    page.close()

    saved = wait_for_row(user=journalist, article=None)
    assert saved.data["headline"] == "مقال جديد لم يُحفظ قط"

    page = page_at(390, 844)
    log_in(page, live_server, journalist)
    open_form(page, live_server)
    offer = page.locator("#autosave-offer")
    offer.wait_for(state="visible")
    assert "«مقال جديد لم يُحفظ قط»" in offer.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "autosave-offer-new-390")
    offer.locator("button", has_text="استعادة النص غير المحفوظ").click()
    assert page.input_value("#id_headline") == "مقال جديد لم يُحفظ قط"
    wait_for_js(page, f"document.querySelector('{EDITOR}').innerText.includes('{TYPED}')")
    assert page.input_value("#id_autosave_draft_key") == saved.draft_key
    page.close()  # the restored draft is autosaved again as the page goes: wait for it
    wait_for_row(user=journalist, article=None, saved_at__gt=saved.saved_at)


def test_retracting_asks_first(page_at, live_server, editor, make_article, screenshot):
    article = make_article()
    page = page_at(1280, 900)
    log_in(page, live_server, editor)
    open_form(page, live_server, article)
    row = page.locator(".submit-row")
    row.scroll_into_view_if_needed()
    screenshot(page, "writing-buttons-editor-1280")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button[name=_workflow][value=unpublish]")
    page.wait_for_timeout(300)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED  # declined: nothing was sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=_workflow][value=unpublish]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.status == Status.UNPUBLISHED


def test_journalist_proposes_on_a_phone_and_the_editor_approves(
    page_at, live_server, journalist, editor, make_article, screenshot
):
    from proposals.models import Proposal

    article = make_article(created_by=journalist, headline="عنوان نُشر بخطأ إملائي")
    page = page_at(390, 844)
    log_in(page, live_server, journalist)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    banner = page.locator(".proposals-banner")
    assert "اقترح تعديلاً" in banner.inner_text()
    banner.locator("a", has_text="اقترح تعديلاً").click()
    page.wait_for_selector(EDITOR)
    page.fill("#id_headline", "عنوان نُشر بلا خطأ إملائي")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "proposal-form-390")
    page.click("input[type=submit]")
    page.wait_for_url(f"**/{article.pk}/change/")
    assert "بانتظار قرار المحرر" in page.inner_text(".proposals-banner")
    screenshot(page, "proposal-pending-390")

    desk = page_at(1280, 900)
    log_in(desk, live_server, editor)
    desk.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    desk.locator(".proposals-banner a", has_text="قارن واعتمد أو ارفض").click()
    assert "بلا" in desk.inner_text(".revision-diff tbody ins")
    screenshot(desk, "proposal-compare-1280")
    desk.click("button[name=decision][value=approve]")
    desk.wait_for_url(f"**/{article.pk}/change/")
    assert "اعتُمد التعديل المقترح" in desk.inner_text(".messagelist:not(.presence-banner)")
    article.refresh_from_db()
    assert article.headline == "عنوان نُشر بلا خطأ إملائي"
    assert Proposal.objects.get().state == Proposal.State.APPROVED
