"""Arabic display choices of a deployment (settings, not per reader): the month-name set,
the digits (NEWSROOM_DIGITS) and the optional Umm al-Qura Hijri date (NEWSROOM_HIJRI_DATE),
as the reader pages show them."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from core.dates import hijri_date
from core.digits import display_digits

from .dom import parse_html
from .test_dates import DECEMBER

# 2 December 2026 at 11:56 UTC: 14:56 in Damascus; 22 Jumada al-Akhirah 1448 (Umm al-Qura).
MOMENT = datetime(2026, 12, 2, 11, 56, tzinfo=UTC)
WESTERN = "0123456789"
EASTERN = "٠١٢٣٤٥٦٧٨٩"


def article_page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return parse_html(response.content)


@pytest.mark.parametrize("name", sorted(DECEMBER))
@pytest.mark.parametrize("digits", ["western", "eastern"])
def test_every_month_name_set_in_both_digit_sets(
    client,
    make_article,
    month_names,
    settings,
    name,
    digits,
):
    month_names(name)
    settings.NEWSROOM_DIGITS = digits
    article = make_article(published_at=MOMENT)
    published = article_page(client, article).find("time", cls="published")
    expected = f"2 {DECEMBER[name]} 2026، 14:56"
    if digits == "eastern":
        expected = expected.translate(str.maketrans(WESTERN, EASTERN))
    assert published.clean_text == expected
    # What machines read keeps ASCII digits.
    assert published.attrs["datetime"] == "2026-12-02T14:56+03:00"


def test_eastern_digits_in_dates_and_counts_not_in_what_editors_wrote(
    client, make_article, settings
):
    settings.NEWSROOM_DIGITS = "eastern"
    article = make_article(
        headline="مقتل 12 شخصاً في الحسكة",
        published_at=MOMENT,
        body="<p>" + "كلمة " * 1260 + "</p>",
    )
    doc = article_page(client, article)
    assert doc.find("p", cls="reading-time").clean_text == "وقت القراءة: نحو ٧ دقائق"
    assert doc.find("h1").clean_text == "مقتل 12 شخصاً في الحسكة"
    html = doc.find("html")
    assert html.attrs["data-digits"] == "eastern"  # live.js writes its counts the same way
    # The masthead's date, the cards' dates and the page numbers of a listing.
    for _ in range(25):
        make_article(section=article.section)
    listing = parse_html(client.get(article.section.get_absolute_url()).content)
    today = listing.find("p", cls="today").clean_text
    assert not set(today) & set(WESTERN) and set(today) & set(EASTERN)
    card_time = listing.find("time", cls="card-time").clean_text
    assert not set(card_time) & set(WESTERN)
    # A listing has no total (articles/paginators.py: ListingPage).
    assert listing.find("nav", cls="pagination").find("span").clean_text == "صفحة ١"
    assert "?page=2" in listing.find("a", rel="next").attrs["href"]  # URLs stay ASCII


def test_western_digits_are_the_default(client, make_article):
    assert django_settings.NEWSROOM_DIGITS == "western"
    assert display_digits(2026) == "2026"
    doc = article_page(client, make_article(published_at=MOMENT))
    assert "data-digits" not in doc.find("html").attrs
    assert doc.find("time", cls="published").clean_text == "2 كانون الأول 2026، 14:56"


def test_search_result_count_uses_the_site_digits(client, make_article, settings):
    settings.NEWSROOM_DIGITS = "eastern"
    for _ in range(12):
        make_article(headline="اشتباكات في الحسكة")
    doc = parse_html(client.get(reverse("search"), {"q": "الحسكة"}).content)
    assert doc.find("p", cls="search-count").clean_text.endswith("١٢")


def test_the_admin_keeps_western_digits(client, editor, make_article, settings):
    settings.NEWSROOM_DIGITS = "eastern"
    make_article(published_at=MOMENT)
    client.force_login(editor)
    doc = parse_html(client.get("/admin/articles/article/").content)
    cell = doc.find("table", id="result_list").find("td", cls="field-published_at")
    assert cell.clean_text == "2 كانون الأول 2026، 14:56"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 18), "1 رمضان 1447 هـ"),  # Umm al-Qura's first of Ramadan 1447
        (date(2025, 3, 1), "1 رمضان 1446 هـ"),
        (MOMENT, "22 جمادى الآخرة 1448 هـ"),
        # 23:30 UTC on 2 December is already 3 December in Damascus.
        (datetime(2026, 12, 2, 23, 30, tzinfo=UTC), "23 جمادى الآخرة 1448 هـ"),
        (date(1910, 1, 1), ""),  # before the Umm al-Qura tables: nothing, never an error
        (date(2099, 1, 1), ""),
        (None, ""),
    ],
)
def test_hijri_date_is_umm_al_qura_in_the_newsroom_time_zone(day, expected):
    assert hijri_date(day) == expected


def test_hijri_date_is_off_by_default(client, make_article):
    assert django_settings.NEWSROOM_HIJRI_DATE is False
    doc = article_page(client, make_article(published_at=MOMENT))
    assert doc.find_all(cls="hijri") == []


@pytest.mark.parametrize("digits", ["western", "eastern"])
def test_hijri_date_beside_the_gregorian_one_marked_approximate(
    client, make_article, settings, digits
):
    settings.NEWSROOM_HIJRI_DATE = True
    settings.NEWSROOM_DIGITS = digits
    doc = article_page(client, make_article(published_at=MOMENT))
    hijri = doc.find("p", cls="dates").one("span", cls="hijri").clean_text
    expected = "الموافق 22 جمادى الآخرة 1448 هـ (تقريباً)"
    if digits == "eastern":
        expected = expected.translate(str.maketrans(WESTERN, EASTERN))
    assert hijri == expected
    assert doc.find("p", cls="today").find_all("span", cls="hijri")


def test_an_article_dated_outside_the_hijri_tables_still_renders(client, make_article, settings):
    settings.NEWSROOM_HIJRI_DATE = True
    doc = article_page(client, make_article(published_at=datetime(1915, 5, 1, tzinfo=UTC)))
    assert doc.find("p", cls="dates").find_all("span", cls="hijri") == []


def test_unknown_digits_stop_start_up_with_a_clear_error():
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=django_settings.BASE_DIR,
        env=os.environ | {"NEWSROOM_DIGITS": "roman"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "NEWSROOM_DIGITS must be one of western, eastern" in result.stderr
