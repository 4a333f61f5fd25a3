"""RSS 2.0 and Atom feeds, checked by parsing them with feedparser."""

import calendar
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

SITE = "https://news.example"

FEEDS = ["feed_latest", "feed_latest_atom"]


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def parse(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, path
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def instant(struct):
    return calendar.timegm(struct)


@pytest.mark.parametrize("name", FEEDS)
def test_latest_feed_lists_published_articles_newest_first(client, make_article, name):
    older = make_article(headline="الخبر الأقدم", published_at=timezone.now() - timedelta(days=1))
    newer = make_article(headline="الخبر الأحدث", published_at=timezone.now())
    make_article(headline="مسودة", status=Article.Status.DRAFT)
    make_article(headline="مجدول", published_at=timezone.now() + timedelta(hours=1))
    _, feed = parse(client, reverse(name))
    assert [entry.title for entry in feed.entries] == [newer.headline, older.headline]
    assert feed.feed.language == "ar"


@pytest.mark.parametrize("name", FEEDS)
def test_links_are_absolute_percent_encoded_and_from_site_url(client, make_article, name):
    article = make_article(headline="مقال عن سوريا")
    _, feed = parse(client, reverse(name), HTTP_HOST="127.0.0.1")
    link = feed.entries[0].link
    assert link.isascii()
    assert link == SITE + article.get_absolute_url()
    assert unquote(urlsplit(link).path) == f"/articles/{article.pk}/{article.slug}/"
    assert feed.feed.link == SITE + "/"
    assert "127.0.0.1" not in str(feed)


@pytest.mark.parametrize("name", FEEDS)
def test_dates_are_the_database_instants(client, make_article, name):
    published = timezone.now().replace(microsecond=0) - timedelta(hours=5)
    article = make_article(published_at=published)
    _, feed = parse(client, reverse(name))
    entry = feed.entries[0]
    assert instant(entry.published_parsed) == int(article.published_at.timestamp())
    if name.endswith("_atom"):  # RSS 2.0 has no update date
        article.refresh_from_db()
        assert instant(entry.updated_parsed) == int(article.updated_at.timestamp())


def test_rss_dates_carry_an_offset(client, make_article):
    make_article()
    response, _ = parse(client, reverse("feed_latest"))
    assert b"+0000</pubDate>" in response.content


@pytest.mark.parametrize("name", FEEDS)
def test_lead_image_is_an_enclosure_and_media_content(client, make_article, make_image, name):
    image = make_image()
    make_article(lead_image=image)
    _, feed = parse(client, reverse(name))
    entry = feed.entries[0]
    url = SITE + image.file.url
    assert [e.href for e in entry.enclosures] == [url]
    assert entry.enclosures[0].type == "image/jpeg"
    assert entry.media_content[0]["url"] == url
    assert entry.media_content[0]["width"] == str(image.width)


@pytest.mark.parametrize("name", FEEDS)
def test_summary_only_unless_full_content_is_on(client, make_article, settings, name):
    make_article(summary="الملخص القصير", body='<p>النص الكامل <a href="/sections/x/">رابط</a></p>')
    _, feed = parse(client, reverse(name))
    assert feed.entries[0].summary == "الملخص القصير"
    assert "content" not in feed.entries[0]
    settings.NEWSROOM_FEED_FULL_CONTENT = True
    _, feed = parse(client, reverse(name))
    content = feed.entries[0].content[0].value
    assert "النص الكامل" in content
    assert f'href="{SITE}/sections/x/"' in content


def test_authors_are_names_never_addresses(client, make_article, editor):
    editor.email = "sara@newsroom.example"
    editor.save()
    make_article(authors=[editor])
    response, feed = parse(client, reverse("feed_latest"))
    assert feed.entries[0].author == "سارة الأحمد"
    assert b"newsroom.example" not in response.content


@pytest.mark.parametrize("suffix", ["", "_atom"])
def test_section_feed_lists_only_that_section(client, make_article, make_section, suffix):
    section = make_section(name="اقتصاد")
    inside = make_article(section=section)
    make_article()
    _, feed = parse(client, reverse(f"feed_section{suffix}", args=[section.slug]))
    assert [e.title for e in feed.entries] == [inside.headline]
    assert "اقتصاد" in feed.feed.title
    assert feed.feed.link == SITE + "/sections/%D8%A7%D9%82%D8%AA%D8%B5%D8%A7%D8%AF/"


@pytest.mark.parametrize("suffix", ["", "_atom"])
def test_tag_feed_lists_only_that_tag(client, make_article, suffix):
    tagged = make_article(tags=["الحسكة"])
    make_article(tags=["دمشق"])
    slug = tagged.tags.get().slug
    _, feed = parse(client, reverse(f"feed_tag{suffix}", args=[slug]))
    assert [e.title for e in feed.entries] == [tagged.headline]


def test_a_tag_used_only_by_drafts_has_no_feed(client, make_article):
    draft = make_article(tags=["سر"], status=Article.Status.DRAFT)
    response = client.get(reverse("feed_tag", args=[draft.tags.get().slug]))
    assert response.status_code == 404


def test_unknown_section_feed_is_404(client, db):
    assert client.get(reverse("feed_section", args=["لا-يوجد"])).status_code == 404


@pytest.mark.parametrize("count", [10, 100])
@pytest.mark.parametrize("name", ["feed_latest", "feed_section", "feed_tag_atom"])
def test_feed_query_count_is_constant(
    client, make_article, make_image, editor, django_assert_max_num_queries, count, name
):
    image = make_image()
    articles = [make_article(tags=["الحسكة", "قسد"], lead_image=image) for _ in range(count)]
    for article in articles[:5]:
        article.authors.add(editor)
    args = {
        "feed_section": [articles[0].section.slug],
        "feed_tag_atom": [articles[0].tags.first().slug],
    }.get(name, [])
    with django_assert_max_num_queries(5):
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200
