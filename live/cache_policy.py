"""The live pages in the page cache: a new, edited or deleted entry (or coverage) bumps the
generation like an article save, so the live page, its update endpoint, its feed and the
listings showing its latest time are all forgotten at once."""

from django.db.models.functions import Now

from articles.cache_policy import LISTING
from pagecache.policy import register

from .models import LiveCoverage, LiveEntry

URL_NAMES = {
    "live_updates": {},
    "live_entries": LISTING,
    "live_feed": {},
}


def next_clock_change():
    """The earliest scheduled entry's time (one index probe), so a page cached before it
    is not kept past it."""
    upcoming = LiveEntry.objects.filter(
        status=LiveEntry.Status.PUBLISHED, published_at__gt=Now()
    ).order_by("published_at")
    return upcoming.values_list("published_at", flat=True).first()


def register_with_page_cache():
    register(
        url_names=URL_NAMES,
        models=[LiveCoverage, LiveEntry],
        m2m_through=[LiveEntry.authors.through],
        next_clock_change=next_clock_change,
    )
