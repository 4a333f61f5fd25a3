"""The article list in the admin (articles/admin_list.py): the headline, a thumbnail from an
existing rendition, the state as a worded label, «مجدول: بعد …» in Arabic that reads right,
the authors; filters by role; a fixed number of queries whatever the page holds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from core.dates import count_text, duration_text

from .dom import parse_html

Status = Article.Status
LIST = "/admin/articles/article/"


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def rows(response):
    doc = parse_html(response.content)
    return {
        row.find("th", cls="field-headline").clean_text: row
        for row in doc.find("table", id="result_list").find("tbody").find_all("tr")
    }


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "أقل من دقيقة"),
        (1, "دقيقة"),
        (2, "دقيقتين"),
        (3, "3 دقائق"),
        (59, "59 دقيقة"),
        (60, "ساعة"),
        (61, "ساعة ودقيقة"),
        (179, "ساعتين و59 دقيقة"),
        (299, "4 ساعات و59 دقيقة"),
        (11 * 60 + 2, "11 ساعة ودقيقتين"),
        (24 * 60 + 30, "يوم"),
        (2 * 24 * 60 + 60, "يومين وساعة"),
        (3 * 24 * 60 + 5 * 60, "3 أيام و5 ساعات"),
        (11 * 24 * 60, "11 يوماً"),
        (101 * 24 * 60, "101 يوم"),
    ],
)
def test_durations_read_as_arabic_not_a_number_before_a_dual(minutes, text):
    # Django's timeuntil said «2 ساعتين، 59 دقيقة»: a number before the dual, a comma.
    assert duration_text(timedelta(minutes=minutes, seconds=30)) == text


def test_counted_nouns_follow_arabic_number_agreement():
    assert [count_text(n, "hour") for n in (1, 2, 3, 10, 11, 99, 100, 103, 111)] == [
        "ساعة",
        "ساعتين",
        "3 ساعات",
        "10 ساعات",
        "11 ساعة",
        "99 ساعة",
        "100 ساعة",
        "103 ساعات",
        "111 ساعة",
    ]


def test_the_list_shows_headline_thumbnail_section_worded_state_and_authors(
    editor_client, make_article, make_image, committed, journalist, editor
):
    with committed():
        image = make_image()
    image.refresh_from_db()
    now = timezone.now()
    live = make_article(headline="خبر منشور بصورة", lead_image=image, authors=[journalist, editor])
    scheduled = make_article(
        headline="خبر مجدول", published_at=now + timedelta(hours=3, seconds=-30)
    )
    make_article(headline="مسودة", status=Status.DRAFT, published_at=None)
    make_article(headline="بانتظار المراجعة", status=Status.REVIEW, published_at=None)
    make_article(headline="مسحوب", status=Status.UNPUBLISHED)
    make_article(headline="انتهى ظهوره", expire_at=now - timedelta(minutes=1))

    found = rows(editor_client.get(LIST))

    row = found[live.headline]
    thumbnail = row.find("td", cls="field-thumbnail").find("img")
    # The smallest card rendition, not the uploaded original.
    assert thumbnail.attrs["src"] == image.thumbnail_url
    assert "/renditions/" in thumbnail.attrs["src"]
    assert row.find("td", cls="field-section").clean_text == live.section.name
    assert row.find("td", cls="field-author_names").clean_text in {
        "عمر الخطيب، سارة الأحمد",
        "سارة الأحمد، عمر الخطيب",
    }
    states = {
        headline: (
            found[headline].find("span", cls="state-label").clean_text,
            found[headline].find("span", cls="state-label").classes[1],
        )
        for headline in found
    }
    assert states == {
        "خبر منشور بصورة": ("منشور", "state-live"),
        "خبر مجدول": ("مجدول: بعد ساعتين و59 دقيقة", "state-scheduled"),
        "مسودة": ("مسودة", "state-draft"),
        "بانتظار المراجعة": ("قيد المراجعة", "state-review"),
        "مسحوب": ("سُحب من النشر", "state-unpublished"),
        "انتهى ظهوره": ("منشور، غير ظاهر", "state-hidden"),
    }
    # No lead image: an empty frame, not a broken <img> nor Django's «-».
    cell = found[scheduled.headline].find("td", cls="field-thumbnail")
    assert cell.find_all("img") == [] and cell.clean_text == ""
    assert cell.find("span", cls="list-thumbnail-none")


def filter_titles(response):
    doc = parse_html(response.content)
    # The filter panel is <nav> on Django 5.2 and <search> from 6.0: found by its id.
    return [h3.clean_text for h3 in doc.find(id="changelist-filter").find_all("summary")]


def test_journalists_get_no_featured_or_breaking_filters(
    client, journalist, editor, make_article, make_section
):
    make_article(created_by=journalist)
    make_article(created_by=journalist, section=make_section())
    client.force_login(journalist)
    assert filter_titles(client.get(LIST)) == ["حسب الحالة", "حسب القسم"]
    client.force_login(editor)
    assert filter_titles(client.get(LIST)) == [
        "حسب الحالة",
        "حسب القسم",
        "حسب مميّز",
        "حسب خبر عاجل",
    ]


def test_the_list_costs_the_same_queries_for_one_article_or_a_hundred_with_images(
    editor_client, make_article, make_image, make_section, journalist, editor,
    django_assert_max_num_queries,
):  # fmt: skip
    images = [make_image() for _ in range(3)]
    sections = [make_section() for _ in range(3)]
    make_article(lead_image=images[0], authors=[journalist])
    with django_assert_max_num_queries(12) as one:
        assert editor_client.get(LIST).status_code == 200
    for n in range(99):
        make_article(
            lead_image=images[n % 3],
            section=sections[n % 3],
            authors=[journalist, editor][: 1 + n % 2],
            published_at=timezone.now() + timedelta(hours=n % 5 - 2),
        )
    with django_assert_max_num_queries(12) as hundred:
        response = editor_client.get(LIST)
    assert len(rows(response)) == 100
    assert len(hundred.captured_queries) == len(one.captured_queries)
