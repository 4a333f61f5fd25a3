"""Sitemaps: articles (50,000 to a page), sections and tags behind /sitemap.xml, and the
Google News sitemap of the last 48 hours (/sitemap-news.xml).

Locations are built from SITE_URL, never from the Host header. Only public articles, and
only tags that a public article carries, are listed.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Now

from sections.models import Section
from tags.models import Tag

from .models import Article

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs from one news sitemap.


class SiteUrlSitemap(Sitemap):
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def latest_update(articles):
    """The update time of the most recently updated article in `articles`, as a subquery."""
    return Subquery(articles.order_by("-updated_at").values("updated_at")[:1])


class ArticleSitemap(SiteUrlSitemap):
    limit = 50_000

    def items(self):
        return (
            Article.objects.published()
            .only("pk", "slug", "updated_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return item.updated_at


class SectionSitemap(SiteUrlSitemap):
    def items(self):
        public = Article.objects.published().filter(section=OuterRef("pk"))
        return Section.objects.annotate(last_update=latest_update(public)).order_by("pk")

    def lastmod(self, item):
        return item.last_update


class TagSitemap(SiteUrlSitemap):
    limit = 50_000

    def items(self):
        public = Article.objects.published().filter(tagged_items__tag=OuterRef("pk"))
        return (
            Tag.objects.filter(pk__in=Article.objects.public_tag_ids())
            .annotate(last_update=latest_update(public))
            .order_by("pk")
        )

    def lastmod(self, item):
        return item.last_update


class NewsSitemap(SiteUrlSitemap):
    limit = NEWS_LIMIT

    def items(self):
        recent = Article.objects.published().filter(published_at__gte=Now() - NEWS_WINDOW)
        fields = ("pk", "slug", "headline", "published_at", "updated_at")
        # Capped rather than paginated: the news sitemap is one file of the newest 1,000.
        return recent.only(*fields).order_by("-published_at", "-id")[:NEWS_LIMIT]

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap, "tags": TagSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
