"""The admin's own Arabic, corrected in the project's catalog (locale/ar/LC_MESSAGES/
django.po): messages that say what happened, one name for the history («السجل»), buttons that
name their action like ours, django-reversion's recover pages in plain Arabic."""

import re

from django.contrib.auth import get_user_model

from articles.models import Article
from articles.presentation import MONTHS

from .adminform import form_data
from .dom import parse_html

ARABIC_DATETIME = re.compile(rf"\d{{1,2}} ({'|'.join(MONTHS)}) \d{{4}}، \d{{2}}:\d{{2}}")


def messages(response):
    doc = parse_html(response.content)
    return [
        li.clean_text for ul in doc.find_all("ul", cls="messagelist") for li in ul.find_all("li")
    ]


def test_an_edit_says_changed_and_history_is_called_the_log(client, editor, make_article):
    article = make_article(headline="خبر للتعديل")
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    form = client.get(url)
    doc = parse_html(form.content)
    assert doc.find("input", name="_save").attrs["value"] == "حفظ"
    assert doc.find("input", name="_continue").attrs["value"] == "حفظ ومتابعة التعديل"
    assert doc.find("a", cls="historylink").clean_text == "السجل"
    assert doc.find("a", cls="deletelink").clean_text == "حذف"

    data = form_data(form) | {"summary": "ملخص معدّل"}
    saved = client.post(url, data, follow=True)
    assert messages(saved) == ["تم تعديل مقال «خبر للتعديل» بنجاح."]
    assert all("نجحت" not in text for text in messages(saved))

    history = parse_html(client.get(f"{url[:-7]}history/").content)
    assert history.find("h1").clean_text == "السجل: خبر للتعديل"


def test_adding_and_deleting_say_so_in_the_same_voice(client, editor, make_section):
    section = make_section()
    client.force_login(editor)
    form = client.get("/admin/articles/article/add/")
    data = form_data(form) | {"headline": "خبر جديد", "section": str(section.pk)}
    added = client.post("/admin/articles/article/add/", data, follow=True)
    assert messages(added) == ["تمت إضافة مقال «خبر جديد» بنجاح."]

    article = Article.objects.get(headline="خبر جديد")
    confirm = parse_html(client.get(f"/admin/articles/article/{article.pk}/delete/").content)
    assert confirm.find("input", type="submit").attrs["value"] == "نعم، احذف"
    deleted = client.post(
        f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert messages(deleted) == ["تم حذف مقال «خبر جديد» بنجاح."]


def test_the_recover_list_links_the_headline_and_reads_as_plain_arabic(
    client, editor, make_article
):
    article = make_article(headline="خبر حُذف خطأً")
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    client.post(url, form_data(client.get(url)))  # a revision to recover from
    client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})

    page = parse_html(client.get("/admin/articles/article/recover/").content)
    text = page.find("div", id="content").clean_text
    assert "استعادة المقالات المحذوفة" in text
    for wrong in ("أستعيد", "كيان", "القائمه", "أختر"):
        assert wrong not in text
    row = page.find("table", id="change-history").find("tbody").find("tr")
    assert row.find("th").find("a").clean_text == "خبر حُذف خطأً"
    assert ARABIC_DATETIME.fullmatch(row.find("td").clean_text)

    recover = client.get(row.find("th").find("a").attrs["href"])
    assert "اضغط زر الحفظ أدناه لاستعادة هذه النسخة." in recover.content.decode()


def test_the_list_buttons_are_verbal_nouns(client, make_article):
    admin = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw-123456")
    make_article()
    client.force_login(admin)
    doc = parse_html(client.get("/admin/articles/article/").content)
    assert doc.find("input", type="submit", value="بحث")
    assert doc.find("button", name="index").clean_text == "تنفيذ"
    assert doc.find("h1").clean_text == "اختيار مقال للتعديل"
