"""The entries of a live story as RSS 2.0 (/live/<pk>/feed/): the newest public entries,
each linking to its anchor on the live page."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse

from articles.feeds import RELATIVE_RE, RssFeed
from core.absolute_urls import absolute_url

from .models import LiveEntry
from .pages import entry_headline
from .views import public_coverage

FEED_ITEMS = 50


class LiveEntriesFeed(Feed):
    feed_type = RssFeed

    def get_object(self, request, pk):
        return public_coverage(pk)

    def title(self, obj):
        return f"تغطية مباشرة: {obj.article.headline}"

    def description(self, obj):
        return obj.article.summary or obj.article.headline

    def link(self, obj):
        return absolute_url(obj.article.get_absolute_url())

    def feed_url(self, obj):
        return absolute_url(reverse("live_feed", args=[obj.article.pk]))

    def items(self, obj):
        entries = LiveEntry.objects.filter(coverage=obj).newest()
        return entries.select_related("coverage__article")[:FEED_ITEMS]

    def item_title(self, item):
        return entry_headline(item)

    def item_description(self, item):
        # The whole entry: entries are short. Its links and images point at the site.
        return RELATIVE_RE.sub(rf"\1{settings.SITE_URL}/", item.body)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
