"""The ranking: the last 24 hours' most read public articles, remembered in the cache.

The ranking (one GROUP BY over at most 24 rows per article read that day) is computed at most
every MOSTREAD_REFRESH_SECONDS, or when the hour turns, by the workers' clock or, failing
that, by one request (a lock in the cache). What is remembered is the list of ids; a page
reads them back through `published()` in one query (none with the page cache on: the rows
are remembered under its generation), so a retracted or excluded article leaves the block on
the next render, whatever the remembered list says. When a new ranking differs from the last,
the pages showing the block are purged by their key, `mostread` (DESIGN.md "Most read").
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum

from articles.models import Article
from edge.purge import purge_after_commit
from pagecache import surrogate
from pagecache.generation import bump_generation, remember, safe
from pagecache.surrogate import edge_purges

from .counting import current_hour

SHOWN = 5
# Ids remembered beyond the shown ones, so an article retracted or excluded between two
# rankings leaves its place to the next, not a gap.
SPARE = 3
HOURS = 24
KEY = "mostread"  # the surrogate key of every page showing the block
STATE = "mostread:ranking"
LOCK = "mostread:ranking-lock"

# What the block shows of an article: its headline and link, its section's name.
ROWS = Article.objects.select_related("section").only(
    "pk", "slug", "headline", "published_at", "section__name", "section__slug"
)


def window_start(now=None):
    """The oldest hour counted: this hour and the 23 before it."""
    return current_hour(now) - timedelta(hours=HOURS - 1)


def ranked():
    """The ranking's rows, most read first (newest first among equals): one query."""
    return list(
        ROWS.published()
        .filter(exclude_from_most_read=False, hourly_reads__hour__gte=window_start())
        .annotate(reads=Sum("hourly_reads__count"))
        .order_by("-reads", "-published_at", "-id")[: SHOWN + SPARE]
    )


def stale(state):
    return (
        state.get("hour") != current_hour().isoformat()
        or time.time() - state.get("at", 0) >= settings.MOSTREAD_REFRESH_SECONDS
    )


def refresh():
    """Recompute and remember the ranking; purge the block's pages when what they show (the
    first SHOWN ids, in order) changed. Returns the rows."""
    rows = ranked()
    ids = [row.pk for row in rows]
    previous = safe(lambda: cache.get(STATE))
    safe(lambda: cache.set(STATE, fresh_state(ids), timeout=None))
    if previous is None or previous.get("ids", [])[:SHOWN] != ids[:SHOWN]:
        changed()
    return rows


def fresh_state(ids):
    """What is remembered: the ranked ids, and the hour and moment they were ranked."""
    return {"ids": ids, "hour": current_hour().isoformat(), "at": time.time()}


def refresh_if_stale():
    """The workers' clock: recompute when the remembered ranking is old, one worker at a
    time."""
    state = safe(lambda: cache.get(STATE))
    if (state is None or stale(state)) and safe(
        lambda: cache.add(LOCK, 1, timeout=60), default=False
    ):
        refresh()


def changed():
    """Pages showing the block are out of date: purge their key at the edge (and in the
    page cache by key). With an edge purger, the page cache by generation is bumped too, or
    the edge would fetch the origin's stored copy, with the old block, and keep it for hours;
    without one, the origin's copies end within PAGE_CACHE_TIMEOUT, and bumping would empty
    the whole page cache at each new ranking for a block that can wait minutes."""
    purge_after_commit({KEY})
    if settings.PAGE_CACHE_ENABLED and not settings.PAGE_CACHE_BY_KEY and edge_purges():
        bump_generation()


def public_rows(ids):
    """The remembered ids read back through the visibility rule, in ranking order."""
    public = ROWS.published().filter(pk__in=ids, exclude_from_most_read=False)
    rows = {row.pk: row for row in public}
    return [rows[pk] for pk in ids if pk in rows]


def block():
    """The rows the block shows on this page, at most one query: the remembered ranking read
    back through `published()`, or, when it is old and this request takes the lock (no
    worker refreshed it), the ranking itself."""
    surrogate.add(KEY)
    state = safe(lambda: cache.get(STATE))
    if state is None or (
        stale(state) and safe(lambda: cache.add(LOCK, 1, timeout=60), default=False)
    ):
        rows = refresh()
    else:
        ids = state["ids"]
        rows = remember(f"mostread:{','.join(map(str, ids))}", lambda: public_rows(ids))
    rows = rows[:SHOWN]
    surrogate.add(*(f"a{row.pk}" for row in rows))
    return rows
