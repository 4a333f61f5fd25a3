"""A journalist uses the real editor: an image from the library with a caption, and a
"read also" link found by headline search; the public page shows both."""

import json
from datetime import timedelta
from html import unescape

from django.utils import timezone

from articles.models import Article

from ..dom import parse_html
from .conftest import ARTIFACTS

PASSWORD = "correct horse battery staple"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def element_screenshot(locator, name):
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def start_article(page, headline, section, first_paragraph):
    page.fill("#id_headline", headline)
    # The section field is a select2 autocomplete; choosing through its <select> is enough.
    page.evaluate(
        "([pk, name]) => document.querySelector('#id_section')"
        ".add(new Option(name, pk, true, true))",
        [section.pk, section.name],
    )
    page.locator(".ProseMirror[contenteditable=true]").click()
    page.keyboard.type(first_paragraph)


def media_misses(page):
    """The live server serves static files but not media: missing thumbnails are expected."""
    return [e for e in page.console_errors if "Failed to load resource" not in e]


def test_journalist_inserts_a_library_image_with_caption_and_a_read_also_link(
    page_at, live_server, journalist, make_article, make_image, make_section, screenshot
):
    section = make_section(name="الشأن السوري")
    image = make_image(title="سوق الحسكة المركزي", alt_text="باعة في سوق الحسكة")
    target = make_article(headline="افتتاح سوق الحسكة بعد الترميم", section=section)
    page = page_at(1280)
    log_in(page, live_server, journalist.username)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.wait_for_selector(".prose-menubar")
    toolbar = page.locator(".prose-menubar")
    assert toolbar.locator("button[title='عريض']").count() == 1
    assert toolbar.locator("button[title='إدراج صورة من المكتبة']").count() == 1
    element_screenshot(page.locator(".prose-editor").first, "editor-toolbar")

    start_article(page, "مقال فيه صورة ورابط", section, "فقرة أولى من المقال.")

    toolbar.locator("button[title='إدراج صورة من المكتبة']").click()
    page.fill(".newsroom-picker input[type=search]", "سوق")
    page.locator(".newsroom-picker-item", has_text="سوق الحسكة المركزي").click()
    screenshot(page, "editor-image-picker")
    page.fill(".newsroom-picker-chosen input[name=caption]", "السوق صباح الافتتاح")
    page.locator(".newsroom-picker-chosen button", has_text="إدراج").click()

    toolbar.locator("button", has_text="اقرأ أيضاً").click()
    page.fill(".newsroom-read-also input[type=search]", "افتتاح")
    result = page.locator(".newsroom-read-also-results button", has_text=target.headline)
    assert "منشور" in result.inner_text()
    screenshot(page, "editor-read-also")
    result.click()
    element_screenshot(page.locator(".prose-editor").first, "editor-with-figure-and-read-also")

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(headline="مقال فيه صورة ورابط")
    body = unescape(article.body)
    assert "<figcaption>السوق صباح الافتتاح</figcaption>" in body
    assert f'alt="{image.alt_text}"' in body
    assert f'<strong>اقرأ أيضاً:</strong> <a href="/articles/{target.pk}/">' in body

    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=target.published_at
    )
    page.goto(live_server.url + article.get_absolute_url())
    figure = page.locator(".article-body figure")
    assert figure.locator("img").get_attribute("alt") == image.alt_text
    assert figure.locator("img").get_attribute("src").startswith("/media/")
    assert figure.locator("figcaption").inner_text() == "السوق صباح الافتتاح"
    link = page.locator(".article-body a", has_text=target.headline)
    link.click()
    page.wait_for_url(f"**{target.get_absolute_url()}")
    assert page.locator("h1").inner_text() == target.headline
    assert media_misses(page) == []
    assert page.foreign_requests == []


WORD_HTML = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal'
    "{font-family:Arial}</style></head><body>"
    '<h2 dir="RTL" style="color:red"><span lang="AR-SY">عنوان من وورد</span></h2>'
    '<p class="MsoNormal" style="font-size:14pt"><b>عريض</b> و<i>مائل</i>'
    '<span style="mso-bidi-font-family:Arial"> نص</span><o:p></o:p></p>'
    '<table class="MsoTableGrid" style="border:1px"><tr><td style="width:10px">خلية</td></tr>'
    '</table><script>window.pasted = 1</script><img src="https://evil.example/x.png"></body></html>'
)


def test_pasting_from_word_into_the_editor_keeps_structure_and_drops_styles(
    page_at, live_server, journalist
):
    page = page_at(1280)
    log_in(page, live_server, journalist.username)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.evaluate(
        """(html) => {
            const data = new DataTransfer()
            data.setData("text/html", html)
            data.setData("text/plain", "fallback")
            const target = document.querySelector(".ProseMirror[contenteditable=true]")
            target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true}))
        }""",
        WORD_HTML,
    )
    stored = page.locator("textarea[name=body]").input_value()
    assert "<h2>عنوان من وورد</h2>" in stored
    assert "<strong>عريض</strong>" in stored and "<em>مائل</em>" in stored
    assert "<table" in stored and "خلية" in stored
    for dropped in ["style", "class=", "mso", "<script", "evil.example", "o:p", "lang="]:
        assert dropped not in stored, dropped
    assert page.evaluate("window.pasted") is None


def test_journalist_embeds_a_video_with_the_embed_button(
    page_at, live_server, journalist, make_section, screenshot
):
    section = make_section(name="الشأن السوري")
    page = page_at(390)
    log_in(page, live_server, journalist.username)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.wait_for_selector(".prose-menubar")
    start_article(page, "مقال فيه فيديو", section, "فقرة قبل الفيديو.")
    toolbar = page.locator(".prose-menubar")
    toolbar.locator("button", has_text="تضمين").click()
    dialog = page.locator(".newsroom-embed")
    # An address from another site is refused with a message, and nothing is inserted.
    dialog.locator("input[name=url]").fill("https://example.com/video/1")
    dialog.locator("button[type=submit]").click()
    assert "يمكن تضمين روابط يوتيوب" in dialog.locator("[role=alert]").inner_text()
    # A date is for videos, and only with a title.
    dialog.locator("input[name=url]").fill("https://x.com/SANA_English/status/1790000000000000000")
    dialog.locator("input[name=upload_date]").fill("2024-03-05")
    dialog.locator("button[type=submit]").click()
    assert "التاريخ للفيديو فقط" in dialog.locator("[role=alert]").inner_text()
    dialog.locator("input[name=url]").fill("https://youtu.be/dQw4w9WgXcQ")
    dialog.locator("button[type=submit]").click()
    assert "اكتب عنواناً للفيديو" in dialog.locator("[role=alert]").inner_text()
    dialog.locator("input[name=title]").fill("مشاهد من حي الشعار")
    screenshot(page, "editor-embed-390")
    dialog.locator("button[type=submit]").click()
    assert page.locator(".newsroom-embed").count() == 0

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(headline="مقال فيه فيديو")
    expected = {
        "href": "https://youtu.be/dQw4w9WgXcQ",
        "data-upload-date": "2024-03-05",
        "rel": "noopener noreferrer",
    }
    link = parse_html(article.body).find_all("p")[1].one("a")
    assert (link.attrs, link.text) == (expected, "مشاهد من حي الشعار")
    # Opened and saved again, the editor keeps the date it did not show.
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.wait_for_selector(".prose-menubar")
    page.locator(".ProseMirror[contenteditable=true] p").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" تعديل.")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert "تعديل." in article.body
    link = parse_html(article.body).find_all("p")[1].one("a")
    assert (link.attrs, link.text) == (expected, "مشاهد من حي الشعار")

    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=1)
    )
    page.goto(live_server.url + article.get_absolute_url())
    card = page.locator(".article-body figure.embed-youtube")
    assert card.locator(".embed-title").inner_text() == "مشاهد من حي الشعار"
    json_ld = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert [item["name"] for item in json_ld if item["@type"] == "VideoObject"] == [
        "مشاهد من حي الشعار"
    ]
    assert page.foreign_requests == []
