"""What live coverage adds to the article page and to cards, registered with the articles
app's hooks (articles/extensions.py) so that `articles` never imports `live`."""

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.html import strip_tags

from articles import extensions
from articles.share import json_ld_script, publisher
from core.absolute_urls import absolute_url
from pagecache import surrogate

from .models import LiveCoverage, LiveEntry

# Entries on the live page itself; older ones are on its «تحديثات أقدم» pages.
PAGE_ENTRIES = 50
# Entries the update endpoint sends: the newest, enough for a reader away for a while.
UPDATE_ENTRIES = 20
# schema.org/Google: a headline of at most 110 characters.
HEADLINE_MAX = 110


def coverage_of(article):
    """The article's live coverage read with its page row (None for an ordinary article)."""
    try:
        return article.live_coverage
    except LiveCoverage.DoesNotExist:
        return None


def entry_rows(queryset):
    return queryset.prefetch_related("authors")


def live_context(article):
    """The live block: key events, pinned entries, then the newest PAGE_ENTRIES (three
    queries, whatever the number of entries)."""
    coverage = coverage_of(article)
    if coverage is None:
        return {}
    surrogate.add(f"l{article.pk}")
    public = LiveEntry.objects.filter(coverage=coverage)
    rows = list(entry_rows(public.stream())[: PAGE_ENTRIES + 1])
    pinned = [entry for entry in rows if entry.is_pinned]
    newest = [entry for entry in rows if not entry.is_pinned]
    has_older = len(newest) > PAGE_ENTRIES
    newest = newest[:PAGE_ENTRIES]
    key_events = list(
        public.newest().filter(is_key=True).only("id", "title", "body", "published_at")
    )
    return {
        "extra_templates": ["live/live_block.html"],
        "live": coverage,
        "live_pinned": pinned,
        "live_entries": newest,
        "live_has_older": has_older,
        "live_poll_seconds": settings.NEWSROOM_LIVE_POLL_SECONDS,
        "live_key_events": key_events,
        "live_json_ld": json_ld_script(live_blog_posting(article, coverage, [*pinned, *newest])),
    }


def entry_headline(entry):
    text = entry.title or " ".join(strip_tags(entry.body).split())
    return text if len(text) <= HEADLINE_MAX else text[: HEADLINE_MAX - 1] + "…"


def live_blog_posting(article, coverage, entries):
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": f"{url}#live",
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.headline[:HEADLINE_MAX],
        "description": article.summary,
        "inLanguage": "ar",
        "datePublished": article.published_at.isoformat(),
        "coverageStartTime": coverage.started_at.isoformat(),
        "publisher": publisher(),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": entry_headline(entry),
                "datePublished": entry.published_at.isoformat(),
                "dateModified": max(entry.published_at, entry.updated_at).isoformat(),
                "url": f"{url}#{entry.anchor}",
                "articleBody": entry.body_text,
                "author": [
                    {"@type": "Person", "name": author.get_full_name() or author.username}
                    for author in entry.authors.all()
                ]
                or [publisher()],
            }
            for entry in entries
        ],
    }
    if entries:
        data["dateModified"] = max(e.published_at for e in entries).isoformat()
    if coverage.ended_at:
        data["coverageEndTime"] = coverage.ended_at.isoformat()
    return data


def card_live_state():
    return Subquery(LiveCoverage.objects.filter(article=OuterRef("pk")).values("state")[:1])


def card_live_updated_at():
    latest = LiveEntry.objects.public().filter(coverage__article=OuterRef("pk"))
    return Subquery(latest.order_by("-published_at").values("published_at")[:1])


def register_page_extension():
    if "live_coverage" not in extensions.PAGE_ROW_RELATIONS:
        extensions.PAGE_ROW_RELATIONS.append("live_coverage")
    if live_context not in extensions.PAGE_CONTEXT:
        extensions.PAGE_CONTEXT.append(live_context)
    extensions.CARD_ANNOTATIONS["live_state"] = card_live_state
    extensions.CARD_ANNOTATIONS["live_updated_at"] = card_live_updated_at
