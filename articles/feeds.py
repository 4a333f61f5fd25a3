"""RSS 2.0 and Atom feeds: latest, per section, per tag (/feeds/...).

Every link is absolute from SITE_URL (core/absolute_urls.py). Items come from
`Article.objects.published()`. The lead image travels as an enclosure (RSS; Atom's
rel="enclosure" link) and as Media RSS `media:content`; with NEWSROOM_FEED_FULL_CONTENT the
whole body follows the summary (`content:encoded` in RSS, `<content>` in Atom).
"""

import mimetypes
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed

from core.absolute_urls import absolute_url
from core.control_characters import strip_controls
from pagecache import surrogate
from sections.models import Section
from tags.models import Tag

from .body.embeds import embeds_as_links
from .models import Article

# Items in each feed (the newest public articles).
FEED_ITEMS = 30
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
# Relative links and images in a body must point at the site once they are in a reader.
RELATIVE_RE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def xml_text(value):
    """`value` with the control characters XML 1.0 forbids removed (strings, and the strings
    of a list such as categories; anything else as it is)."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list | tuple):
        return type(value)(xml_text(item) for item in value)
    return value


class XmlTextMixin:
    """Every string handed to the feed generator goes through xml_text(). Saves remove
    control characters already, but a row written another way (an import, QuerySet.update,
    an author's name) must not take a feed down: Django's generator raises on them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})


class MediaMixin:
    """Adds media:content for the lead image to either feed type."""

    def add_media(self, handler, item):
        image = item.get("image")
        if image:
            handler.addQuickElement("media:content", "", image)


class RssFeed(XmlTextMixin, MediaMixin, Rss201rev2Feed):
    def rss_attributes(self):
        return super().rss_attributes() | {"xmlns:media": MEDIA_NS, "xmlns:content": CONTENT_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        self.add_media(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class AtomFeed(XmlTextMixin, MediaMixin, Atom1Feed):
    def root_attributes(self):
        return super().root_attributes() | {"xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        self.add_media(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class LatestFeed(Feed):
    feed_type = RssFeed
    url_name = "feed_latest"
    language = "ar"

    def title(self, obj):
        return f"{settings.SITE_NAME}: آخر الأخبار"

    def description(self, obj):
        return f"آخر ما نشره {settings.SITE_NAME}."

    def link(self, obj):
        return absolute_url(reverse("home"))

    def feed_url(self, obj):
        return absolute_url(reverse(self.url_name, args=[obj.slug] if obj else []))

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        # Not for_listing(): feed items carry the body (description fallback, full content).
        items = self.articles(obj).select_related("section", "lead_image")
        items = items.prefetch_related("authors").order_by("-published_at", "-id")
        items = list(items[:FEED_ITEMS])
        surrogate.add(self.surrogate_key(obj))
        surrogate.cards(items)
        return items

    def surrogate_key(self, obj):
        return "home"

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.summary or " ".join(item.body_text.split()[:60])

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        # The id-only URL survives a slug change, so readers don't see the story twice.
        return absolute_url(reverse("article_noslug", args=[item.pk]))

    def item_guid_is_permalink(self, item):
        return False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        # Names only (dc:creator in RSS): never an address.
        names = [user.get_full_name() or user.username for user in item.authors.all()]
        return "، ".join(names) or item.byline or None

    def item_categories(self, item):
        return [item.section.name]

    def item_enclosures(self, item):
        image = item.lead_image
        if not image:
            return []
        # The byte length is unknown without reading storage; RSS allows 0 for unknown.
        return [Enclosure(absolute_url(image.file.url), "0", image_type(image))]

    def item_extra_kwargs(self, item):
        extra = {}
        if item.lead_image:
            image = item.lead_image
            extra["image"] = {
                "url": absolute_url(image.file.url),
                "medium": "image",
                "type": image_type(image),
                "width": str(image.width),
                "height": str(image.height),
            }
        if settings.NEWSROOM_FEED_FULL_CONTENT:
            body = embeds_as_links(item.body)
            extra["content"] = RELATIVE_RE.sub(rf"\1{settings.SITE_URL}/", body)
        return extra


def image_type(image):
    return mimetypes.guess_type(image.file.name)[0] or "image/jpeg"


class SectionFeed(LatestFeed):
    url_name = "feed_section"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.name}"

    def description(self, obj):
        return obj.description or f"آخر ما نُشر في قسم {obj.name}."

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def articles(self, obj):
        return obj.articles.published()

    def surrogate_key(self, obj):
        return f"s{obj.pk}"


class TagFeed(LatestFeed):
    url_name = "feed_tag"

    def get_object(self, request, slug):
        public_tags = Tag.objects.filter(pk__in=Article.objects.public_tag_ids())
        return get_object_or_404(public_tags, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj.name}"

    def description(self, obj):
        return f"آخر ما نُشر عن «{obj.name}»."

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def articles(self, obj):
        return Article.objects.published().filter(tags=obj)

    def surrogate_key(self, obj):
        return f"t{obj.pk}"


class LatestAtomFeed(LatestFeed):
    feed_type = AtomFeed
    url_name = LatestFeed.url_name + "_atom"
    subtitle = LatestFeed.description


class SectionAtomFeed(SectionFeed):
    feed_type = AtomFeed
    url_name = SectionFeed.url_name + "_atom"
    subtitle = SectionFeed.description


class TagAtomFeed(TagFeed):
    feed_type = AtomFeed
    url_name = TagFeed.url_name + "_atom"
    subtitle = TagFeed.description
