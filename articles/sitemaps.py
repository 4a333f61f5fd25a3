"""Sitemaps: articles (at most 50,000 to a page), sections and tags behind /sitemap.xml, and
the Google News sitemap of the last 48 hours (/sitemap-news.xml).

Locations are built from SITE_URL, never from the Host header. Only public articles, and
only tags that a public article carries, are listed.

The article sitemap is ours, not Django's `Sitemap` view: at a million articles that view
spent 9.8 s on a page of 50,000 (a model instance, a `reverse()` and a template loop per
URL). Here page N holds the public articles whose ids fall in the N-th block of 50,000 ids,
read as three columns through the primary key's index and formatted by a string template.
A block's page changes only when an article in it changes, so a publication touches the
newest page alone: each page is kept in the cache under a fingerprint of its block (how many
public articles, their latest update), which one small query reads.
"""

import hashlib
from datetime import timedelta
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.db.models import Count, Max, Min, OuterRef, Subquery
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from pagecache import surrogate
from sections.models import Section
from tags.models import Tag

from .models import Article, ArticleTag

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs from one news sitemap.


class SiteUrlSitemap(Sitemap):
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_urls(self, *args, **kwargs):
        surrogate.add("home")  # sections, tags, the newest: any publication may change it
        return super().get_urls(*args, **kwargs)


# Articles ----------------------------------------------------------------------------

ARTICLES_PER_PAGE = 50_000  # the sitemap protocol's limit of URLs in one file
URLSET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)
URLSET_TAIL = "</urlset>\n"
ROWS_PER_FETCH = 5_000
# A page is checked against its fingerprint on every request; the timeout only lets pages of
# a shrunken archive go.
SITEMAP_CACHE_SECONDS = 7 * 24 * 3600


def article_page_range():
    """The article sitemap's page numbers: the id blocks from the oldest public article's to
    the newest's. One query (two index probes)."""
    ids = Article.objects.published().aggregate(low=Min("pk"), high=Max("pk"))
    if ids["high"] is None:
        return range(1, 2)  # an empty urlset, so the index never points at a 404
    return range(block_of(ids["low"]), block_of(ids["high"]) + 1)


def block_of(pk):
    return (pk - 1) // ARTICLES_PER_PAGE + 1


def in_block(page):
    low = (page - 1) * ARTICLES_PER_PAGE
    return Article.objects.published().filter(pk__gt=low, pk__lte=low + ARTICLES_PER_PAGE)


def article_page_fingerprint(page):
    """What decides a page's content besides its template: how many public articles its
    block holds and when the latest of them changed (an edit, a slug change, a retraction or
    an expiry changes one of the two). None when the block has no public article."""
    found = in_block(page).aggregate(count=Count("pk"), latest=Max("updated_at"))
    if not found["count"]:
        return None
    stamp = f"{page}:{found['count']}:{found['latest'].isoformat()}:{settings.SITE_URL}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:32]


def article_url_template():
    """The article URL with {0} for the id and {1} for the quoted slug, built by reverse()
    once so the URLconf stays the only place that knows the path."""
    sample = reverse("article", args=[987654321, "slugmarker"])
    path = sample.replace("{", "{{").replace("}", "}}")
    return escape(settings.SITE_URL + path.replace("987654321", "{0}").replace("slugmarker", "{1}"))


def render_article_page(page):
    """The page's XML as bytes. The slug is quoted as reverse() quotes it (only the Arabic
    letters; a slug holds nothing else that XML or a URL would have to escape), and lastmod
    is the update time in the newsroom's time zone, as Django's template wrote it."""
    url = article_url_template()
    zone = timezone.get_current_timezone()
    rows = (
        in_block(page)
        .order_by("pk")
        .values_list("pk", "slug", "updated_at")
        .iterator(chunk_size=ROWS_PER_FETCH)
    )
    lines = [URLSET_HEAD]
    lines.extend(
        f"<url><loc>{url.format(pk, quote(slug))}</loc>"
        f"<lastmod>{updated.astimezone(zone).isoformat()}</lastmod></url>\n"
        for pk, slug, updated in rows
    )
    lines.append(URLSET_TAIL)
    return "".join(lines).encode()


def article_sitemap_page(page):
    """(etag, XML bytes) of a page. The cache holds one copy per page (a stale copy is
    overwritten, never left to pile up), used while its block's fingerprint is unchanged."""
    fingerprint = article_page_fingerprint(page)
    if fingerprint is None:
        return None, (URLSET_HEAD + URLSET_TAIL).encode()
    key = f"sitemap-articles:{page}"
    cached = cache.get(key)
    if cached is not None and cached[0] == fingerprint:
        return f'"{fingerprint}"', cached[1]
    content = render_article_page(page)
    cache.set(key, (fingerprint, content), timeout=SITEMAP_CACHE_SECONDS)
    return f'"{fingerprint}"', content


# Sections, tags and news: Django's Sitemap is fine for a few thousand rows -------------


class SectionSitemap(SiteUrlSitemap):
    """lastmod is the section's newest publication: one probe of article_section_live per
    section. Its newest *update* had no index to read it by (9 s at 330,000 articles)."""

    def items(self):
        newest = (
            Article.objects.published()
            .filter(section=OuterRef("pk"))
            .order_by("-published_at", "-id")
            .values("published_at")[:1]
        )
        return Section.objects.annotate(last_update=Subquery(newest)).order_by("pk")

    def lastmod(self, item):
        return item.last_update


class TagSitemap(SiteUrlSitemap):
    """Tags a public article carries, each found by one probe that stops at the tag's first
    public article, without lastmod: the newest article of a tag has no index to read it by
    (its tag rows are not ordered by date), and reading every article of every tag took
    longer than the statement timeout at a million articles. lastmod is optional."""

    limit = 50_000

    def items(self):
        public = ArticleTag.objects.filter(
            tag=OuterRef("pk"), content_object__in=Article.objects.published()
        )
        # A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL turns EXISTS into a join of
        # every tag row of the archive (6 s at 330,000 articles); LIMIT keeps it a probe.
        first = Subquery(public.values("pk")[:1])
        return Tag.objects.alias(first=first).filter(first__isnull=False).order_by("pk")


class NewsSitemap(SiteUrlSitemap):
    limit = NEWS_LIMIT

    def items(self):
        recent = Article.objects.published().filter(published_at__gte=Now() - NEWS_WINDOW)
        fields = ("pk", "slug", "headline", "published_at", "updated_at")
        # Capped rather than paginated: the news sitemap is one file of the newest 1,000.
        return recent.only(*fields).order_by("-published_at", "-id")[:NEWS_LIMIT]

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"sections": SectionSitemap, "tags": TagSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
