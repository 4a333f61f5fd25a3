"""Control characters (U+000B arrives with every paste from Word) are removed from stored
text on save, and feeds and sitemaps never break on text stored some other way."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from sections.models import Section
from tags.models import Tag
from tags.parsing import parse_tags

# Word's manual line break, NUL, SOH, ESC, DEL, a C1 control and a lone surrogate.
DIRT = "\x0b\x00\x01\x1b\x7f\x85\ud800"
# What a database can hold (PostgreSQL refuses NUL, and no database takes a lone surrogate).
STORABLE_DIRT = "\x0b\x01\x1b\x7f\x85"


def test_control_characters_are_removed_from_article_text_on_save(make_article):
    article = make_article(
        headline="خبر\x0bعاجل\x01",
        kicker="تحقيق\x07",
        summary="سطر أول\x0bسطر ثانٍ\tبعد جدولة\x00",
        body="<p>فقرة\x01 أولى\x0bمن وورد</p>",
        lead_image_caption="تعليق\x1b[31m",
        byline="مراسل\x08",
        source="وكالة\x7f",
        review_note="ملاحظة\x0c" + DIRT,
    )
    article.refresh_from_db()
    # One-line fields: the break that separated two words becomes a space.
    assert article.headline == "خبر عاجل"
    assert (article.kicker, article.byline, article.source) == ("تحقيق", "مراسل", "وكالة")
    assert article.lead_image_caption == "تعليق[31m"
    # Multi-line fields keep tabs and newlines; Word's line break becomes a newline.
    assert article.summary == "سطر أول\nسطر ثانٍ\tبعد جدولة"
    assert article.review_note == "ملاحظة\n\n"
    assert article.body == "<p>فقرة أولى\nمن وورد</p>"
    assert "\x01" not in article.search_title + article.search_body


def test_control_characters_are_removed_from_sections_tags_images_and_corrections(
    make_section, make_image, make_article
):
    section = make_section(name="اقتصاد\x0bوأعمال\x01", description="وصف\x0bالقسم" + DIRT)
    image = make_image(
        title="صورة\x01", alt_text="نص\x0bبديل", caption="تعليق\x00", credit="ستيب\x1f"
    )
    article = make_article(tags=["سوريا\x01", "دير\x0bالزور"])
    correction = Correction.objects.create(article=article, text="تصحيح\x01\nسطر" + DIRT)
    section.refresh_from_db(), image.refresh_from_db(), correction.refresh_from_db()
    assert (section.name, section.description) == ("اقتصاد وأعمال", "وصف\nالقسم\n")
    assert (image.title, image.alt_text, image.caption, image.credit) == (
        "صورة",
        "نص بديل",
        "تعليق",
        "ستيب",
    )
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["دير الزور", "سوريا"]
    assert correction.text == "تصحيح\nسطر\n"


def test_a_tag_typed_with_a_control_character_is_the_existing_tag(make_article):
    make_article(tags=["سوريا"])
    typed = parse_tags("سوريا\x01، دير\x0bالزور")
    assert typed == ["دير الزور", "سوريا"]
    article = make_article(tags=typed)
    assert sorted(article.tags.names()) == ["دير الزور", "سوريا"]
    assert Tag.objects.count() == 2


@pytest.fixture
def dirty_world(make_article, make_user):
    """Stored text with control characters, as a bulk import or an old row would hold it:
    QuerySet.update() never calls save()."""
    author = make_user("reporter", first_name="عمر\x0b", last_name="الخطيب\x01")
    # Inside the news sitemap's 48 hours, whatever number of articles came before.
    recent = timezone.now() - timedelta(minutes=5)
    article = make_article(tags=["الحسكة"], authors=[author], published_at=recent)
    Article.objects.filter(pk=article.pk).update(
        headline="خبر\x0bعاجل\x01" + STORABLE_DIRT,
        summary="ملخص\x0c\x02",
        body="<p>نص\x01 المقال\x0b</p>",
    )
    Section.objects.filter(pk=article.section_id).update(name="قسم\x0b", description="وصف\x01")
    Tag.objects.update(name="الحسكة\x01")
    get_user_model().objects.filter(pk=author.pk).update(first_name="عمر\x0b")
    return article


FEEDS = ["feed_latest", "feed_latest_atom", "feed_section", "feed_section_atom"]


@pytest.mark.parametrize("name", FEEDS)
@pytest.mark.parametrize("full_content", [False, True])
def test_feeds_parse_whatever_control_characters_are_stored(
    client, dirty_world, settings, name, full_content
):
    settings.NEWSROOM_FEED_FULL_CONTENT = full_content
    args = [dirty_world.section.slug] if name.startswith("feed_section") else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    # feedparser trims the ends; the line break from Word is whitespace between the words.
    assert feed.entries[0].title.split() == ["خبر", "عاجل"]
    assert feed.entries[0].summary.startswith("ملخص")
    if full_content:
        assert "نص المقال" in feed.entries[0].content[0].value
    for value in (feed.feed.title, feed.entries[0].title, feed.entries[0].author):
        assert not any(ord(c) < 32 and c not in "\t\n\r" for c in value), value


@pytest.mark.parametrize("suffix", ["", "_atom"])
def test_tag_feed_parses_with_a_control_character_in_the_tag_name(client, dirty_world, suffix):
    slug = Tag.objects.get().slug
    response = client.get(reverse(f"feed_tag{suffix}", args=[slug]))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert "الحسكة" in feed.feed.title


def test_news_sitemap_is_well_formed_whatever_control_characters_are_stored(client, dirty_world):
    response = client.get(reverse("sitemap_news"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 -- our own output
    ns = {"news": "http://www.google.com/schemas/sitemap-news/0.9"}
    assert [t.text for t in root.iterfind(".//news:title", ns)] == ["خبر\nعاجل\n"]


@pytest.mark.parametrize(
    "path", ["sitemap", "sitemap_articles", "sitemap_tags", "sitemap_sections"]
)
def test_other_sitemaps_are_well_formed_whatever_is_stored(client, dirty_world, path):
    url = (
        reverse("sitemap")
        if path == "sitemap"
        else reverse("sitemap_section", args=[path.split("_")[1]])
    )
    response = client.get(url)
    assert response.status_code == 200
    ET.fromstring(response.content)  # noqa: S314 -- our own output
