"""What an article page tells search engines and social networks: canonical URL, Open Graph,
Twitter card and JSON-LD (NewsArticle, BreadcrumbList, and a VideoObject per video embed the
editor gave a title and an upload date). Everything is absolute from SITE_URL.

Reads `article.section` and `article.lead_image` (selected with the article) and the authors
and tags the view read with it, so nothing here queries the database.
"""

import json
from datetime import datetime, time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.absolute_urls import absolute_url
from images.models import media_url

from .body.embeds import videos

# The characters json_script escapes, so that no string can close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# Open Graph's preferred size; the rendition of that shape is made by images/renditions.py.
SOCIAL_SIZE = (1200, 630)


def json_ld_script(data):
    """`<script type="application/ld+json">`, escaped like Django's json_script. A data block
    is never executed, so a Content-Security-Policy without 'unsafe-inline' allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 -- escaped above
    )


def share_image(image):
    """(url, width, height, alt) of the picture to share: the 1200×630 social rendition when
    the image library has made it, else the library image itself."""
    social = (getattr(image, "renditions", None) or {}).get("social")
    if social:
        name, width, height = social
        return absolute_url(media_url(name)), width, height, image.alt_text
    return absolute_url(image.file.url), image.width, image.height, image.alt_text


def modified_at(article):
    """The date readers are told the story changed: a substantive update, never a typo fix."""
    return max(article.published_at, article.content_updated_at or article.published_at)


def share_data(article, credits, tag_links):
    """`credits` and `tag_links`: the article page's authors and tags (articles.views)."""
    url = absolute_url(article.get_absolute_url())
    image = share_image(article.lead_image) if article.lead_image else None
    authors = [credit.name for credit in credits]
    if not authors and article.byline:
        authors = [article.byline]
    tags = [tag.name for tag in tag_links]
    return {
        "url": url,
        "description": article.summary or " ".join(article.body_text.split()[:40]),
        "image": image,
        "published": article.published_at,
        "modified": modified_at(article),
        "tags": tags,
        "json_ld": json_ld_script(
            [
                news_article(article, url, image, authors, tags),
                breadcrumbs(article, url),
                *[video_object(item) for item in videos(article.body)],
            ]
        ),
    }


def publisher():
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "logo": {"@type": "ImageObject", "url": absolute_url(static(settings.NEWSROOM_LOGO))},
    }


def news_article(article, url, image, authors, tags):
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.summary,
        "inLanguage": "ar",
        "datePublished": article.published_at.isoformat(),
        "dateModified": modified_at(article).isoformat(),
        "articleSection": article.section.name,
        "keywords": tags,
        "author": [{"@type": "Person", "name": name} for name in authors] or [publisher()],
        "publisher": publisher(),
    }
    if image:
        data["image"] = [image[0]]
    return data


def breadcrumbs(article, url):
    trail = [
        (settings.SITE_NAME, absolute_url(reverse("home"))),
        (article.section.name, absolute_url(article.section.get_absolute_url())),
        (article.headline, url),
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": link}
            for n, (name, link) in enumerate(trail, start=1)
        ],
    }


def video_object(item):
    """A video embed (articles/body/embeds.py: Video) for search engines. `embedUrl` is the
    player the reader's click loads (youtube-nocookie for YouTube), `url` the video's page on
    the platform; no `contentUrl`, which names a media file, and the platforms give none.
    The editor gives a day: it is dated at midnight in the newsroom's time zone, with the
    offset, so that no search engine reads it in its own zone."""
    frame = item.embed.frame.removesuffix("?autoplay=1")
    uploaded = timezone.make_aware(datetime.combine(item.uploaded, time()))
    data = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": item.title,
        "uploadDate": uploaded.isoformat(),
        "embedUrl": frame,
        "url": item.embed.url,
    }
    if item.poster:
        data["thumbnailUrl"] = [absolute_url(item.poster)]
    return data
