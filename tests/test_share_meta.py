"""Share metadata on the article page: canonical, Open Graph, Twitter card, JSON-LD."""

import json
from datetime import datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from django.utils import timezone

from articles.share import json_ld_script, share_image

from .dom import parse_html

SITE = "https://news.example"
HOSTILE_HEADLINE = 'قسد </script><script>alert("x")</script> & <!-- "الحسكة"'


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta, self.links, self.scripts, self._script = {}, {}, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs["content"])
        elif tag == "link":
            self.links.setdefault(attrs["rel"], attrs["href"])
        elif tag == "script" and "src" not in attrs:
            self._script = [attrs.get("type"), ""]
            self.scripts.append(self._script)

    def handle_data(self, data):
        if self._script is not None:
            self._script[1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def head_of(client, article, **headers):
    response = client.get(article.get_absolute_url(), **headers)
    assert response.status_code == 200
    head = Head()
    head.feed(response.content.decode())
    return head


def json_ld(head):
    blocks = [json.loads(text) for kind, text in head.scripts if kind == "application/ld+json"]
    assert len(blocks) == 1
    return {item["@type"]: item for item in blocks[0]}


def test_canonical_and_open_graph(client, make_article, make_image, editor):
    image = make_image()
    article = make_article(
        headline="مقال عن سوريا",
        summary="ملخص المقال",
        tags=["الحسكة", "قسد"],
        authors=[editor],
        lead_image=image,
    )
    head = head_of(client, article, HTTP_HOST="127.0.0.1")
    url = SITE + article.get_absolute_url()
    assert head.links["canonical"] == url
    assert url.isascii()
    assert unquote(url).endswith(f"/{article.slug}/")
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:url"] == [url]
    assert head.meta["og:title"] == ["مقال عن سوريا"]
    assert head.meta["description"] == ["ملخص المقال"]
    assert head.meta["og:image"] == [SITE + image.file.url]
    assert head.meta["og:image:width"] == [str(image.width)]
    assert head.meta["article:section"] == [article.section.name]
    assert sorted(head.meta["article:tag"]) == ["الحسكة", "قسد"]
    published = datetime.fromisoformat(head.meta["article:published_time"][0])
    assert published == article.published_at.replace(microsecond=published.microsecond)
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert "127.0.0.1" not in str(head.meta) + str(head.links)


def test_the_social_rendition_is_preferred_when_it_exists(make_image):
    image = make_image()
    image.renditions = {"social": ["renditions/2026/11/abc/social.jpg", 1200, 630]}
    url, width, height, _ = share_image(image)
    assert url.endswith("/media/renditions/2026/11/abc/social.jpg")
    assert (width, height) == (1200, 630)


def test_json_ld_describes_the_news_article_and_its_breadcrumbs(
    client, make_article, make_image, editor
):
    updated = timezone.now() - timedelta(minutes=5)
    article = make_article(
        tags=["الحسكة"], authors=[editor], lead_image=make_image(), content_updated_at=updated
    )
    data = json_ld(head_of(client, article))
    news = data["NewsArticle"]
    assert news["headline"] == article.headline
    assert datetime.fromisoformat(news["datePublished"]) == article.published_at
    assert datetime.fromisoformat(news["dateModified"]) == updated
    assert news["author"] == [{"@type": "Person", "name": "سارة الأحمد"}]
    assert news["publisher"]["logo"]["url"].startswith(SITE)
    assert news["articleSection"] == article.section.name
    assert news["keywords"] == ["الحسكة"]
    assert news["image"][0].startswith(SITE + "/media/")
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["item"] for c in crumbs] == [
        SITE + "/",
        SITE + article.section.get_absolute_url(),
        SITE + article.get_absolute_url(),
    ]


def test_a_headline_cannot_break_out_of_the_json_ld_block(client, make_article):
    article = make_article(headline=HOSTILE_HEADLINE, summary=HOSTILE_HEADLINE)
    head = head_of(client, article)
    assert [kind for kind, _ in head.scripts] == ["application/ld+json"]
    assert json_ld(head)["NewsArticle"]["headline"] == HOSTILE_HEADLINE
    assert head.meta["og:title"] == [HOSTILE_HEADLINE]


def test_json_ld_script_escapes_like_json_script():
    html = json_ld_script({"headline": "</script><b>&"})
    assert html == (
        '<script type="application/ld+json">'
        '{"headline": "\\u003C/script\\u003E\\u003Cb\\u003E\\u0026"}</script>'
    )


def test_without_image_the_card_is_a_summary(client, make_article):
    head = head_of(client, make_article(lead_image=None))
    assert head.meta["twitter:card"] == ["summary"]
    assert "og:image" not in head.meta


def test_every_listing_page_has_a_meta_description(client, make_article, editor):
    """Search engines show it under the link (Lighthouse's SEO audit asks for one)."""
    from tags.models import Tag

    tag = Tag.objects.create(name="الحسكة")
    article = make_article(tags=[tag], authors=[editor])
    pages = {
        "/": "أخبار وتقارير من سوريا والعالم",
        article.section.get_absolute_url(): f"آخر ما نُشر في قسم {article.section.name}",
        tag.get_absolute_url(): "عن «الحسكة»",
        f"/authors/{editor.username}/": "مقالات سارة الأحمد",
    }
    for path, expected in pages.items():
        doc = parse_html(client.get(path).content)
        meta = doc.one("meta", name="description")
        assert expected in meta.attrs["content"], path
