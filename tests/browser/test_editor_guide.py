"""The editors' guide (docs/editors.md), walked in Chromium: a journalist writes and
submits; an editor sends it back with a note, schedules, publishes, corrects and retracts;
history, compare and restore; recovering a deleted article; preview and share links; a
stale save refused. Every screenshot step also asserts what the guide tells people to look
for (a label, a button, a message), so when the admin changes this test fails instead of
the guide going quietly out of date.

Screenshots are written to docs/images/ only when UPDATE_DOCS_SCREENSHOTS=1 is set:

    UPDATE_DOCS_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_editor_guide.py

Otherwise (every ordinary run, CI's included) they go to test-artifacts/editor-guide/,
which git ignores, so running the tests never changes the tree. They are viewport
screenshots (1280 px wide for a desktop, 390 px for a phone) or one element's, to keep the
committed PNGs small; commit them after checking them by eye.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles.models import Article

from ..adminform import form_data
from .conftest import ARTIFACTS, pass_second_step

PASSWORD = "correct horse battery staple"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
DESKTOP = 1280
PHONE = 390
Status = Article.Status
MARKET = {
    "headline": "سوق الحسكة يستعيد حركته قبل العيد",
    "summary": "الباعة يعرضون بضائع العيد وسط إقبال أكبر من العام الماضي.",
    "body": "<p>امتلأ سوق الحسكة المركزي صباح اليوم بالمتسوقين قبل أيام من العيد.</p>"
    "<p>وقال باعة إن الأسعار استقرت بعد عودة الكهرباء إلى المدينة.</p>",
}
BODY = (
    "<p>عادت الكهرباء مساء اليوم إلى أحياء المدينة بعد انقطاع دام ثلاثة أيام.</p>"
    "<p>وقال سكان إن التيار عاد قرابة السادسة مساءً.</p>"
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every test logs in one to three times; the production hasher costs 0.6 s a login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def shot():
    """shot(page_or_locator, name): a PNG for the guide (see the module docstring)."""
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        folder = DOCS_IMAGES
    else:
        folder = ARTIFACTS / "editor-guide"
    folder.mkdir(parents=True, exist_ok=True)

    def take(target, name):
        path = folder / f"{name}.png"
        target.screenshot(path=str(path), animations="disabled")
        return path

    return take


@pytest.fixture
def open_as(page_at, live_server):
    """open_as(user, width) -> a page of that width, logged in, on the admin's home."""

    def open_page(user, width=DESKTOP):
        page = page_at(width, 844 if width == PHONE else 800)
        # Playwright's own 30 s: a save now also writes the audit row and queues jobs, and
        # 10 s was the flakiest wait of the suite on a loaded machine.
        page.set_default_timeout(30_000)
        page.goto(f"{live_server.url}/admin/login/?next=/admin/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        second_step = pass_second_step(page, user)
        page.click("input[type=submit]")
        second_step()
        page.wait_for_url("**/admin/")
        return page

    return open_page


def change_url(live_server, article):
    return f"{live_server.url}/admin/articles/article/{article.pk}/change/"


def pick(page, field, text):
    """Choose in an admin autocomplete (select2) the way a person does."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def buttons(page):
    return page.locator("button[name=_workflow]").all_inner_texts()


def messages(page):
    # The presence banner (presence.js) borrows the class for its look: skip it.
    return page.locator(".messagelist:not(.presence-banner)").inner_text()


def row_of(page, headline):
    return page.locator("#result_list tbody tr", has_text=headline)


def fieldset(page, title):
    return page.locator("fieldset", has=page.locator("h2", has_text=title))


def draft(make_article, user, **fields):
    defaults = {
        "status": Status.DRAFT,
        "published_at": None,
        "created_by": user,
        "summary": "",
        "body": BODY,
    }
    article = make_article(**(defaults | fields))
    article.authors.add(user)
    return article


def admin_save(user, article, button=None, **changes):
    """Save through the admin's change form (without a browser), as `user`: the same
    checks, revision and comment as a save in the browser."""
    client = Client()
    client.force_login(user)
    url = f"/admin/articles/article/{article.pk}/change/"
    data = form_data(client.get(url)) | changes | ({"_workflow": button} if button else {})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


# The journalist ---------------------------------------------------------------------------


def test_journalist_writes_and_submits(open_as, live_server, journalist, make_section, shot):
    make_section(name="الشأن السوري")
    headline = "الحسكة: عودة الكهرباء إلى أحياء المدينة"
    page = open_as(journalist)
    # The admin's home is the desk (desk/); the full app list is one link away.
    assert page.inner_text("h1") == "مكتب التحرير"
    assert "مسوداتي" in page.inner_text("#content")
    page.click(".desk-links a:has-text('كل أقسام الإدارة')")
    assert "إدارة المحتوى" in page.inner_text("#content")
    articles = page.locator("tr.model-article")
    assert articles.locator("th a", has_text="المقالات").count() == 1
    assert articles.locator("a.addlink", has_text="إضافة").count() == 1
    assert "أهلاً، عمر" in page.inner_text("#user-tools")
    shot(page, "journalist-home")

    articles.locator("th a").click()
    page.click(".object-tools a.addlink:has-text('إضافة مقال')")
    page.wait_for_url("**/article/add/")
    page.fill("#id_kicker", "خدمات")
    page.fill("#id_headline", headline)
    page.fill("#id_summary", "عادت الكهرباء إلى معظم أحياء الحسكة بعد انقطاع دام ثلاثة أيام.")
    page.click(".prose-editor .ProseMirror[contenteditable=true]")
    page.keyboard.type("عادت الكهرباء مساء اليوم إلى معظم أحياء المدينة، بحسب مصادر محلية.")
    pick(page, "section", "الشأن السوري")
    for label in ("العنوان التمهيدي:", "العنوان:", "المعرّف في الرابط:", "الملخص:", "نص المقال:"):
        assert page.locator("label", has_text=re.compile(f"^{label}$")).count() == 1, label
    assert page.locator(".prose-menubar button[title='عريض']").count() == 1
    assert page.locator(".prose-menubar button", has_text="اقرأ أيضاً").count() == 1
    shot(page, "article-form-top")

    # Editor-only fields are folded away; opened, they are read-only. One workflow button.
    publishing = fieldset(page, "النشر")
    assert publishing.locator("details").evaluate("d => !d.open")
    publishing.locator("summary").click()
    assert publishing.locator("input, select, textarea").count() == 0
    assert "مسودة" in publishing.inner_text()
    submit_row = page.locator(".submit-row")
    submit_row.scroll_into_view_if_needed()
    assert buttons(page) == ["حفظ وإرسال للمراجعة"]
    assert submit_row.locator("input[name=_save][value='حفظ']").count() == 1
    shot(submit_row, "journalist-buttons")

    page.click("button[name=_workflow][value=submit]")
    page.wait_for_url("**/admin/articles/article/")
    assert "أُرسل المقال إلى المراجعة." in messages(page)
    assert "قيد المراجعة" in row_of(page, headline).inner_text()
    assert page.locator(".recoverlink").count() == 0  # editors only
    shot(page, "journalist-list-after-submit")
    article = Article.objects.get(headline=headline)
    assert (article.status, article.created_by) == (Status.REVIEW, journalist)
    assert list(article.authors.all()) == [journalist]


def test_journalist_embeds_a_video_with_its_date(
    open_as, live_server, journalist, make_article, shot
):
    article = draft(make_article, journalist, headline="مشاهد من حي الشعار بعد القصف")
    page = open_as(journalist)
    page.goto(change_url(live_server, article))
    page.click(".prose-editor .ProseMirror[contenteditable=true] p >> nth=-1")
    page.keyboard.press("End")
    menubar = page.locator(".prose-menubar")
    embed = menubar.locator("button", has_text="تضمين")
    assert embed.get_attribute("title") == "تضمين فيديو أو منشور (يوتيوب، إكس، تيليغرام، فيسبوك)"
    shot(menubar, "embed-button")

    embed.click()
    dialog = page.locator("dialog.newsroom-embed")
    for label in ("رابط المنشور أو الفيديو", "العنوان (اختياري)", "تاريخ نشر الفيديو (اختياري)"):
        assert dialog.locator("label", has_text=label).count() == 1, label
    dialog.locator("input[name=url]").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    dialog.locator("input[name=title]").fill("مشاهد من حي الشعار بعد القصف")
    dialog.locator("input[name=upload_date]").fill("2024-03-05")
    dialog.locator("input[name=upload_date]").blur()
    shot(dialog, "embed-dialog")
    dialog.locator("button[type=submit]").click()
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert 'data-upload-date="2024-03-05"' in article.body

    Article.objects.filter(pk=article.pk).update(
        status=Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=5)
    )
    page.goto(live_server.url + article.get_absolute_url())
    card = page.locator(".article-body figure.embed-youtube")
    assert card.locator(".embed-action").inner_text() == "شاهد الفيديو"
    shot(card, "embed-card")


def test_journalist_on_a_phone(open_as, live_server, journalist, make_article, shot):
    article = draft(make_article, journalist, **MARKET)
    draft(make_article, journalist, headline="مدارس القامشلي تفتح أبوابها", status=Status.REVIEW)
    page = open_as(journalist, PHONE)
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "مسودة" in row_of(page, article.headline).inner_text()
    assert "قيد المراجعة" in row_of(page, "مدارس القامشلي").inner_text()
    shot(page, "phone-article-list")

    page.goto(change_url(live_server, article))
    assert page.input_value("#id_headline") == article.headline
    editor = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    assert "امتلأ سوق الحسكة المركزي" in editor.inner_text()
    page.locator(".form-row.field-headline").evaluate("row => row.scrollIntoView()")
    shot(page, "phone-article-form")
    page.locator(".submit-row").scroll_into_view_if_needed()
    assert buttons(page) == ["حفظ وإرسال للمراجعة"]
    shot(page, "phone-article-buttons")


# The editor -------------------------------------------------------------------------------


def test_editor_sends_back_with_a_note_and_the_journalist_sees_it(
    open_as, live_server, journalist, editor, make_article, shot
):
    article = draft(
        make_article,
        journalist,
        headline="الحسكة: عودة الكهرباء إلى أحياء المدينة",
        status=Status.REVIEW,
    )
    make_article(headline="ارتفاع أسعار الخبز في دير الزور")
    page = open_as(editor)
    assert article.headline in page.inner_text(".desk-review")
    shot(page, "editor-home")
    page.click(".desk-links a:has-text('كل أقسام الإدارة')")
    assert page.locator("tr.model-section a.addlink", has_text="إضافة").count() == 1
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.click("#changelist-filter a:has-text('قيد المراجعة')")
    page.wait_for_url("**/?status__exact=review")
    assert "قيد المراجعة" in row_of(page, article.headline).inner_text()
    assert row_of(page, "ارتفاع أسعار الخبز").count() == 0
    assert page.locator(".recoverlink", has_text="استعادة المقالات المحذوفة").count() == 1
    shot(page, "editor-list-in-review")

    page.click(f"#result_list a:has-text('{article.headline}')")
    page.wait_for_url(f"**/{article.pk}/change/**")
    assert buttons(page) == [
        "حفظ ونشر الآن",
        "حفظ وجدولة في الوقت المحدد",
        "حفظ وإعادة إلى المسودة",
    ]
    note = "أضف اسم المصدر في مؤسسة الكهرباء وعدد الأحياء التي عادت إليها."
    page.fill("#id_review_note", note)
    assert fieldset(page, "المراجعة").locator("label", has_text="ملاحظة المحرر").count() == 1
    page.locator(".submit-row").scroll_into_view_if_needed()
    shot(page, "editor-note-and-buttons")
    page.once("dialog", lambda dialog: dialog.accept())  # it asks first
    page.click("button[name=_workflow][value=send_back]")
    page.wait_for_url("**/admin/articles/article/**")
    assert "أُعيد المقال إلى المسودة." in messages(page)

    # The journalist finds the note, read-only, in «المراجعة» at the end of the form.
    page = open_as(journalist)
    page.goto(change_url(live_server, article))
    review = fieldset(page, "المراجعة")
    assert note in review.inner_text()
    assert review.locator("textarea").count() == 0
    review.scroll_into_view_if_needed()
    shot(review, "journalist-sees-note")


def test_editor_schedules_publishes_corrects_and_retracts(
    open_as, page_at, live_server, journalist, editor, make_article, shot
):
    article = draft(
        make_article,
        journalist,
        headline="الحسكة: عودة الكهرباء إلى أحياء المدينة",
        status=Status.REVIEW,
    )
    page = open_as(editor)
    page.goto(change_url(live_server, article))
    publishing = fieldset(page, "النشر")
    zone = publishing.locator(".field-published_at .timezone")
    assert re.fullmatch(r"بتوقيت دمشق، UTC\+0[23]:00", zone.inner_text())
    due = timezone.localtime(timezone.now() + timedelta(hours=3)).replace(second=0, microsecond=0)
    page.fill("#id_published_at_0", due.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", due.strftime("%H:%M:%S"))
    row = publishing.locator(".form-row.field-published_at")
    row.scroll_into_view_if_needed()
    shot(row, "schedule-field")
    page.click("button[name=_workflow][value=schedule]")
    page.wait_for_url("**/admin/articles/article/")
    assert "جُدول المقال: يظهر للقراء" in messages(page)
    assert "مجدول: بعد" in row_of(page, article.headline).inner_text()
    shot(page, "editor-list-scheduled")
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Status.PUBLISHED, due)
    reader = page_at(DESKTOP, 800)  # a reader, without an account
    assert reader.goto(live_server.url + article.get_absolute_url()).status == 404

    # Scheduled: publish now instead.
    page.goto(change_url(live_server, article))
    assert buttons(page) == [
        "حفظ ونشر الآن",
        "حفظ وجدولة في الوقت المحدد",
        "حفظ وإعادة إلى المسودة",
        "حفظ وسحب من النشر",
    ]
    page.click("button[name=_workflow][value=publish]")
    page.wait_for_url("**/admin/articles/article/")
    assert "نُشر المقال." in messages(page)
    assert "منشور" in row_of(page, article.headline).inner_text()
    assert reader.goto(live_server.url + article.get_absolute_url()).status == 200

    # A correction, and a substantive update.
    page.goto(change_url(live_server, article))
    corrections = page.locator(".inline-group", has_text="التصحيحات")
    corrections.locator(".add-row a", has_text="أضِف تصحيح آخر").click()
    corrections.locator("textarea").first.fill(
        "ذكرت نسخة سابقة أن الكهرباء عادت إلى كل الأحياء، والصحيح أنها عادت إلى معظمها."
    )
    assert "تاريخ التصحيح" in corrections.inner_text()
    shot(corrections, "editor-correction")
    substantive = page.locator(".form-row.field-substantive_update")
    page.check("#id_substantive_update")
    assert substantive.locator("label").inner_text() == "تحديث جوهري"
    assert "يظهر للقراء «تم التحديث»" in substantive.inner_text()
    shot(substantive, "substantive-update")
    page.click("input[name=_continue]")
    page.wait_for_url(f"**/{article.pk}/change/")
    article.refresh_from_db()
    assert article.public_corrections.count() == 1
    assert article.content_updated_at is not None

    reader.goto(live_server.url + article.get_absolute_url())
    assert "تم التحديث في" in reader.inner_text(".dates")
    end = reader.locator(".corrections")
    assert "والصحيح أنها عادت إلى معظمها" in end.inner_text()
    shot(reader.locator(".article-header"), "reader-updated")
    end.scroll_into_view_if_needed()
    shot(end, "reader-corrections")

    # Retract.
    submit_row = page.locator(".submit-row")
    submit_row.scroll_into_view_if_needed()
    assert buttons(page) == ["حفظ وسحب من النشر"]
    shot(submit_row, "editor-buttons-published")
    page.once("dialog", lambda dialog: dialog.accept())  # it asks first
    page.click("button[name=_workflow][value=unpublish]")
    page.wait_for_url("**/admin/articles/article/")
    assert "سُحب المقال من النشر." in messages(page)
    row = row_of(page, article.headline)
    assert "سُحب من النشر" in row.inner_text()
    assert reader.goto(live_server.url + article.get_absolute_url()).status == 404


def test_editor_list_on_a_phone(open_as, live_server, editor, journalist, make_article, shot):
    draft(make_article, journalist, headline="مدارس القامشلي تفتح أبوابها", status=Status.REVIEW)
    make_article(
        headline="افتتاح جسر الرقة الجديد", published_at=timezone.now() + timedelta(hours=5)
    )
    make_article(headline="ارتفاع أسعار الخبز في دير الزور")
    page = open_as(editor, PHONE)
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert "مجدول: بعد" in row_of(page, "افتتاح جسر الرقة الجديد").inner_text()
    assert "منشور" in row_of(page, "ارتفاع أسعار الخبز").inner_text()
    actions = page.locator("select[name=action] option").all_inner_texts()
    assert "نشر المقالات المحددة الآن" in actions
    assert "سحب المقالات المحددة من النشر" in actions
    shot(page, "phone-editor-list")


# History, restore, recover -----------------------------------------------------------------


def test_history_compare_and_restore(open_as, live_server, journalist, editor, make_article, shot):
    article = draft(make_article, journalist, headline="الحسكة: عودة الكهرباء")
    admin_save(journalist, article, summary="عودة الكهرباء بعد انقطاع.")
    admin_save(
        journalist,
        article,
        "submit",
        headline="الحسكة: عودة الكهرباء إلى أحياء المدينة",
        body=BODY.replace("أحياء المدينة", "معظم أحياء المدينة"),
    )
    admin_save(editor, article, "send_back", review_note="أضف اسم المصدر.")
    versions = list(Version.objects.get_for_object(article).select_related("revision"))
    for minutes, version in zip((5, 40, 95), versions, strict=True):
        version.revision.date_created = timezone.now() - timedelta(minutes=minutes)
        version.revision.save()

    page = open_as(editor)
    page.goto(change_url(live_server, article))
    page.click(".object-tools a.historylink:has-text('السجل')")
    page.wait_for_url("**/history/")
    history = page.locator("#change-history tbody tr")
    assert history.count() == 3
    assert "أُعيد إلى المسودة" in history.nth(0).inner_text()
    assert "سارة الأحمد" in history.nth(0).inner_text()
    assert "أُرسل للمراجعة" in history.nth(1).inner_text()
    assert page.locator("input[type=submit][value='مقارنة النسختين المحددتين']").count() == 1
    shot(page, "history")

    history.nth(2).locator("input[name=from]").check()
    history.nth(1).locator("input[name=to]").check()
    page.click("input[value='مقارنة النسختين المحددتين']")
    page.wait_for_url("**/history/compare/**")
    assert page.inner_text("h1") == "مقارنة نسختين"
    diff = page.locator("table.revision-diff")
    assert diff.locator("ins", has_text="إلى").count() >= 1
    assert diff.locator("tr", has_text="العنوان").count() == 1
    shot(page, "compare")

    page.go_back()
    page.locator("#change-history tbody tr").nth(2).locator("th a").click()
    assert page.inner_text("h1") == "استعادة نسخة سابقة"
    assert page.locator("input[type=submit][value='استعادة هذه النسخة']").count() == 1
    shot(page, "restore")
    page.click("input[value='استعادة هذه النسخة']")
    page.wait_for_url(f"**/{article.pk}/change/")
    assert "استُعيدت النسخة وحُفظت نسخةً جديدة في السجل" in messages(page)
    article.refresh_from_db()
    assert article.headline == "الحسكة: عودة الكهرباء"
    assert Version.objects.get_for_object(article).count() == 4


def test_editor_recovers_a_deleted_article(open_as, live_server, editor, make_article, shot):
    article = make_article(headline="تعرفة النقل الجديدة في الحسكة")
    admin_save(editor, article, summary="حُذف خطأً، ويعود من السجل.")
    page = open_as(editor)
    page.goto(change_url(live_server, article))
    page.click("a.deletelink")
    page.click("#content input[type=submit]")
    page.wait_for_url("**/admin/articles/article/")
    assert not Article.objects.filter(pk=article.pk).exists()

    page.click(".recoverlink:has-text('استعادة المقالات المحذوفة')")
    page.wait_for_url("**/recover/")
    row = page.locator("#change-history tbody tr", has_text=article.headline)
    assert row.count() == 1
    shot(page, "recover-list")
    row.locator("th a").click()
    assert page.input_value("#id_headline") == article.headline
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/**")
    assert Article.objects.get(pk=article.pk).summary == "حُذف خطأً، ويعود من السجل."


# Preview and share links -------------------------------------------------------------------


def test_preview_and_share_link(open_as, page_at, live_server, journalist, make_article, shot):
    article = draft(make_article, journalist, **MARKET)
    page = open_as(journalist)
    page.goto(change_url(live_server, article))
    field = page.locator(".form-row.field-preview_links")
    assert field.locator("a.button", has_text="معاينة").count() == 1
    assert field.locator("a", has_text="إلغاء كل الروابط المشتركة").count() == 1
    hours = settings.PREVIEW_LINK_MAX_AGE // 3600
    assert f"مدة {hours} ساعة" in field.inner_text()
    shot(fieldset(page, "المعاينة"), "preview-links")
    shared = field.locator("input.preview-link").input_value()
    assert shared.startswith(settings.SITE_URL + "/preview/")
    shared = live_server.url + shared.removeprefix(settings.SITE_URL)

    with page.expect_popup() as popup:
        page.click(".object-tools a.previewlink:has-text('معاينة')")
    preview = popup.value
    preview.wait_for_load_state()
    assert "معاينة (مسودة)" in preview.inner_text(".preview-banner")
    assert preview.inner_text("h1") == article.headline
    shot(preview, "preview")

    # Someone without an account opens the shared link; then every link is revoked.
    outsider = page_at(PHONE, 844)
    outsider.goto(shared)
    assert outsider.inner_text("h1") == article.headline
    assert outsider.is_visible(".preview-banner")
    shot(outsider, "preview-phone")
    field.locator("a", has_text="إلغاء كل الروابط المشتركة").click()
    confirm = page.locator("input[type=submit][value='إلغاء كل روابط المعاينة']")
    assert confirm.count() == 1
    shot(page.locator("#content"), "revoke-links")
    confirm.click()
    assert "أُلغيت كل روابط المعاينة المشتركة لهذا المقال." in messages(page)
    assert outsider.goto(shared).status == 404
    new_link = page.locator("input.preview-link").input_value()
    assert (
        new_link != shared
        and outsider.goto(new_link.replace(settings.SITE_URL, live_server.url)).ok
    )


# No lost edits -------------------------------------------------------------------------


def test_a_stale_save_is_refused_and_the_text_stays(
    open_as, live_server, journalist, editor, make_article, shot
):
    article = draft(
        make_article, journalist, headline="الحسكة: عودة الكهرباء", status=Status.REVIEW
    )
    mine = open_as(journalist)
    mine.goto(change_url(live_server, article))
    theirs = open_as(editor)
    theirs.goto(change_url(live_server, article))
    theirs.fill("#id_headline", "الحسكة: عودة الكهرباء إلى معظم الأحياء")
    theirs.click("input[name=_continue]")
    theirs.wait_for_url(f"**/{article.pk}/change/")

    mine.fill("#id_headline", "الحسكة: عودة الكهرباء بعد ثلاثة أيام")
    mine.click("input[name=_continue]")
    mine.wait_for_load_state()
    errors = mine.locator(".errornote + .errorlist.nonfield, .errorlist.nonfield").first
    assert "لم يُحفظ تعديلك: حفظ «سارة الأحمد» هذا المقال" in errors.inner_text()
    assert mine.input_value("#id_headline") == "الحسكة: عودة الكهرباء بعد ثلاثة أيام"
    shot(mine, "stale-save")
    article.refresh_from_db()
    assert article.headline == "الحسكة: عودة الكهرباء إلى معظم الأحياء"
