"""Render-time pieces of the reader's pages: Arabic dates, inline read-also links, and
non-public articles on every page of every listing."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse

from articles import views
from articles.body.read_also import insert_read_also
from articles.presentation import arabic_date

from .dom import parse_html
from .test_leaks import non_public_states


def test_dates_are_in_the_newsroom_time_zone_with_arabic_months_and_western_digits(settings):
    moment = datetime.datetime(2026, 1, 31, 22, 30, tzinfo=datetime.UTC)
    assert arabic_date(moment) == "1 شباط 2026، 01:30"  # Damascus is UTC+3
    assert arabic_date(moment, "date") == "1 شباط 2026"
    assert arabic_date(moment, "day") == "الأحد 1 شباط 2026"
    assert arabic_date(None) == ""


class Stub(SimpleNamespace):
    def get_absolute_url(self):
        return f"/articles/{self.pk}/s/"


def paragraphs(n):
    return "".join(f"<p>فقرة {i} &amp; <em>نص</em></p>" for i in range(1, n + 1))


def test_read_also_links_go_after_the_third_and_seventh_paragraphs():
    pool = [
        Stub(pk=1, headline="أول <خبر>"),
        Stub(pk=2, headline="ثان"),
        Stub(pk=3, headline="ثالث"),
    ]
    doc = parse_html(insert_read_also("<h2>عنوان</h2>" + paragraphs(9), pool))
    blocks = [(n.tag, n.clean_text) for n in doc.children]
    inserted = [i for i, n in enumerate(doc.children) if "read-also" in n.classes]
    assert [blocks[i - 1][1] for i in inserted] == ["فقرة 3 & نص", "فقرة 7 & نص"]
    links = [doc.children[i].one("a") for i in inserted]
    assert [a.attrs["href"] for a in links] == ["/articles/1/s/", "/articles/2/s/"]
    assert links[0].text == "أول <خبر>"  # escaped in the HTML, read back as text
    assert doc.children[inserted[0]].children[0].text == "اقرأ أيضاً:"


def test_short_bodies_get_no_read_also_and_the_stored_markup_is_unchanged():
    body = paragraphs(2) + "<ul><li>بند</li></ul><hr><p>x<br>y</p>"
    assert insert_read_also(body, [Stub(pk=1, headline="خبر")]) == body
    assert insert_read_also("", [Stub(pk=1, headline="خبر")]) == ""


def test_articles_already_linked_from_the_body_are_not_offered_again():
    body = paragraphs(2) + '<p>راجع <a href="/articles/1/">هذا</a></p>' + paragraphs(5)
    out = parse_html(insert_read_also(body, [Stub(pk=1, headline="أ"), Stub(pk=2, headline="ب")]))
    assert [p.one("a").attrs["href"] for p in out.find_all("p", cls="read-also")] == [
        "/articles/2/s/"
    ]


def test_stored_read_also_paragraphs_are_styled_and_keep_links_from_crowding():
    stored = '<p><strong>اقرأ أيضاً:</strong> <a href="/articles/9/">خبر</a></p>'
    body = paragraphs(4) + stored + paragraphs(6)
    doc = parse_html(insert_read_also(body, [Stub(pk=1, headline="أ"), Stub(pk=2, headline="ب")]))
    read_also = doc.find_all("p", cls="read-also")
    # The stored one is styled; the 3rd paragraph's slot sits next to it and stays empty.
    assert [p.one("a").attrs["href"] for p in read_also] == ["/articles/9/", "/articles/1/s/"]
    plain = [p for p in doc.find_all("p") if not p.classes]
    assert len(plain) == 10


def test_stored_read_also_paragraphs_inside_quotes_or_lists_are_styled_too():
    stored = '<p><strong>اقرأ أيضاً:</strong> <a href="/articles/9/">خبر</a></p>'
    body = f"<blockquote>{stored}</blockquote><ul><li>{stored}</li></ul>"
    doc = parse_html(insert_read_also(body, []))
    assert len(doc.find_all("p", cls="read-also")) == 2


@pytest.mark.parametrize("name", ["section", "tag", "author"])
def test_no_page_of_any_listing_shows_a_non_public_article(
    client, make_article, editor, monkeypatch, name
):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    public = [make_article(tags=["الحسكة"], authors=[editor]) for _ in range(3)]
    for state, fields in non_public_states().items():
        make_article(headline=f"عنوان CANARY-{state}", tags=["الحسكة"], authors=[editor], **fields)
    path = {
        "section": public[0].section.get_absolute_url(),
        "tag": reverse("tag", args=["الحسكة"]),
        "author": reverse("author", args=["editor"]),
    }[name]
    for number in (1, 2, 3):
        response = client.get(path, {"page": number})
        assert response.status_code == 200
        assert "CANARY" not in response.content.decode()
    assert client.get(path, {"page": 4}).status_code == 404  # hidden ones add no page
