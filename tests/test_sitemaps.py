"""Sitemaps and robots.txt, checked by parsing the XML."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import sitemaps
from articles.models import Article

# Pages are blocks of ids: in a full run PostgreSQL's id sequence is far past the first block.
from .public_urls import article_sitemap_page

SITE = "https://news.example"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def fetch(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 -- our own output


def locs(root):
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


def child(client, index_loc, **headers):
    """Fetch a sitemap that the index points at, through the test client."""
    parts = urlsplit(index_loc)
    assert f"{parts.scheme}://{parts.netloc}" == SITE
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return fetch(client, path, **headers)


def test_index_lists_each_sitemap_with_site_url_locations(client, make_article):
    make_article(tags=["الحسكة"])
    index = fetch(client, reverse("sitemap"), HTTP_HOST="127.0.0.1")
    assert index.tag == f"{{{NS['sm']}}}sitemapindex"
    assert locs(index)[0].startswith(f"{SITE}/sitemap-articles.xml")  # ?p= past 50,000 ids
    assert locs(index)[1:] == [
        f"{SITE}/sitemap-sections.xml",
        f"{SITE}/sitemap-tags.xml",
        f"{SITE}/sitemap-news.xml",
    ]
    for loc in locs(index):
        assert child(client, loc, HTTP_HOST="127.0.0.1") is not None


def test_article_sitemap_lists_public_articles_with_encoded_urls_and_lastmod(client, make_article):
    article = make_article(headline="مقال عن سوريا")
    make_article(headline="مسودة", status=Article.Status.DRAFT)
    make_article(published_at=timezone.now() + timedelta(hours=1))
    root = fetch(client, article_sitemap_page(article))
    urls = root.findall("sm:url", NS)
    assert len(urls) == 1
    loc = urls[0].find("sm:loc", NS).text
    assert loc.isascii()
    assert unquote(loc) == f"{SITE}/articles/{article.pk}/{article.slug}/"
    lastmod = datetime.fromisoformat(urls[0].find("sm:lastmod", NS).text)
    article.refresh_from_db()
    assert lastmod == article.updated_at.replace(microsecond=lastmod.microsecond)
    assert lastmod.utcoffset() is not None


def test_article_sitemap_pages_are_blocks_of_ids_listed_by_the_index(
    client, make_article, monkeypatch
):
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 2)
    articles = [make_article() for _ in range(5)]
    index = fetch(client, reverse("sitemap"))
    pages = [loc for loc in locs(index) if "sitemap-articles" in loc]
    first, last = sitemaps.block_of(articles[0].pk), sitemaps.block_of(articles[-1].pk)
    assert len(pages) == last - first + 1 >= 3
    seen = [unquote(loc) for page in pages for loc in locs(child(client, page))]
    assert sorted(seen) == sorted(f"{SITE}{unquote(a.get_absolute_url())}" for a in articles)


def test_article_sitemap_page_size_is_fifty_thousand():
    assert sitemaps.ARTICLES_PER_PAGE == 50_000


@pytest.mark.parametrize("number", ["0", "abc", "1.5", "٢", "9999999", "-1", ""])
def test_article_sitemap_page_that_the_index_does_not_list_is_404(client, make_article, number):
    make_article()
    response = client.get(reverse("sitemap_articles"), {"p": number})
    assert response.status_code == 404


def test_article_sitemap_page_past_the_newest_block_is_404(client, make_article):
    article = make_article()
    page = sitemaps.block_of(article.pk) + 1
    assert client.get(reverse("sitemap_articles"), {"p": page}).status_code == 404


def test_empty_archive_has_an_empty_first_page(client, db):
    root = fetch(client, reverse("sitemap_articles"))
    assert root.findall("sm:url", NS) == []


def sitemap_page_of(client, article):
    return {unquote(loc) for loc in locs(fetch(client, article_sitemap_page(article)))}


def test_a_publication_renders_only_the_newest_page_again(client, make_article, monkeypatch):
    monkeypatch.setattr(sitemaps, "ARTICLES_PER_PAGE", 2)
    articles = [make_article() for _ in range(4)]
    rendered = []
    original = sitemaps.render_article_page
    monkeypatch.setattr(
        sitemaps, "render_article_page", lambda page: rendered.append(page) or original(page)
    )
    for article in articles:
        sitemap_page_of(client, article)
    before = len(rendered)
    newest = make_article()
    for article in [*articles, newest]:
        sitemap_page_of(client, article)
    assert rendered[before:] == [sitemaps.block_of(newest.pk)]


def test_an_edit_or_retraction_changes_that_page_at_once(client, make_article):
    make_article()  # keeps the page in the index when the other one is retracted
    article = make_article()
    assert f"{SITE}{unquote(article.get_absolute_url())}" in sitemap_page_of(client, article)
    article.slug = "عنوان-جديد"
    article.save()
    assert f"{SITE}{unquote(article.get_absolute_url())}" in sitemap_page_of(client, article)
    article.status = Article.Status.UNPUBLISHED
    article.save()
    assert f"{SITE}{unquote(article.get_absolute_url())}" not in sitemap_page_of(client, article)


def test_a_scheduled_article_joins_its_page_when_its_time_comes(client, make_article, db_clock):
    # SQLite keeps statements prepared before strftime() is redefined: redefine it first.
    db_clock(timezone.now())
    article = make_article(published_at=timezone.now() + timedelta(minutes=5))
    make_article()  # keeps the page in the index
    assert f"{SITE}{unquote(article.get_absolute_url())}" not in sitemap_page_of(client, article)
    db_clock(timezone.now() + timedelta(minutes=6))
    assert f"{SITE}{unquote(article.get_absolute_url())}" in sitemap_page_of(client, article)


def test_article_sitemap_page_answers_304_to_its_etag(client, make_article):
    path = article_sitemap_page(make_article())
    first = client.get(path)
    assert first["ETag"]
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_sections_and_only_public_tags_are_listed(client, make_article, make_section):
    empty = make_section(name="قسم فارغ")
    article = make_article(tags=["الحسكة"])
    make_article(tags=["سر المسودة"], status=Article.Status.DRAFT)
    sections = locs(fetch(client, reverse("sitemap_section", args=["sections"])))
    assert sorted(sections) == sorted(
        [SITE + article.section.get_absolute_url(), SITE + empty.get_absolute_url()]
    )
    tags = locs(fetch(client, reverse("sitemap_section", args=["tags"])))
    assert [unquote(loc) for loc in tags] == [f"{SITE}/tags/الحسكة/"]


def test_news_sitemap_has_the_last_48_hours_in_arabic(client, make_article):
    recent = make_article(headline="خبر & «عاجل»", published_at=timezone.now() - timedelta(hours=3))
    make_article(published_at=timezone.now() - timedelta(hours=49))
    make_article(status=Article.Status.REVIEW, published_at=timezone.now() - timedelta(hours=1))
    root = fetch(client, reverse("sitemap_news"))
    urls = root.findall("sm:url", NS)
    assert len(urls) == 1
    news = urls[0].find("news:news", NS)
    assert news.find("news:publication/news:language", NS).text == "ar"
    assert news.find("news:title", NS).text == "خبر & «عاجل»"
    published = datetime.fromisoformat(news.find("news:publication_date", NS).text)
    assert published == recent.published_at.replace(microsecond=0) + timedelta(
        microseconds=published.microsecond
    )


def test_news_window_follows_the_database_clock(client, make_article, db_clock):
    now = timezone.now()
    make_article(published_at=now)
    db_clock(now + timedelta(hours=47))
    assert len(locs(fetch(client, reverse("sitemap_news")))) == 1
    db_clock(now + timedelta(hours=49))
    assert len(locs(fetch(client, reverse("sitemap_news")))) == 0


def test_news_sitemap_holds_the_newest_thousand_only(client, make_article, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 2)
    monkeypatch.setattr(sitemaps.NewsSitemap, "limit", 2)
    newest = [make_article(published_at=timezone.now() - timedelta(minutes=n)) for n in range(3)]
    found = [unquote(loc) for loc in locs(fetch(client, reverse("sitemap_news")))]
    assert found == [SITE + unquote(a.get_absolute_url()) for a in newest[:2]]
    assert client.get(reverse("sitemap_news") + "?p=2").status_code == 404


def test_unknown_sitemap_is_404(client, db):
    assert client.get("/sitemap-drafts.xml").status_code == 404


def test_robots_txt_points_at_the_sitemaps(client, db):
    response = client.get(reverse("robots"), HTTP_HOST="127.0.0.1")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert f"Sitemap: {SITE}/sitemap-news.xml" in lines
    assert "Disallow: /admin/" in lines


@pytest.mark.parametrize("count", [10, 100])
@pytest.mark.parametrize("name", ["articles", "sections", "tags", "news", None])
def test_sitemap_query_count_is_constant(
    client, make_article, make_section, django_assert_max_num_queries, count, name
):
    sections = [make_section() for _ in range(3)]
    for n in range(count):
        article = make_article(section=sections[n % 3], tags=[f"وسم {n % 7}"])
    path = reverse("sitemap_section", args=[name]) if name else reverse("sitemap")
    if name == "articles":
        path = article_sitemap_page(article)
    if name == "news":
        path = reverse("sitemap_news")
    with django_assert_max_num_queries(4):
        response = client.get(path)
    assert response.status_code == 200
