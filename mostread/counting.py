"""Counting readings: one per beacon, added to the article's row for the hour.

The database is the default store: an UPDATE of (hour, article) adding one, and an INSERT the
first time in the hour (its unique constraint settles two first readings at once). With
MOSTREAD_REDIS_URL the beacon only increments a field of the hour's hash in Redis (no query),
and `flush`, on the workers' clock, moves the counts into the same rows. Nothing about the
reader is kept anywhere: the article, the hour, a number.
"""

import logging
from datetime import UTC, datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article

from .models import HourlyReads

logger = logging.getLogger(__name__)

HOUR_PREFIX = "mostread:h:"  # the hour's live hash: article id -> readings
PENDING_PREFIX = "mostread:p:"  # a hash being moved into the database
FLUSH_LOCK = "mostread:flush-lock"


def current_hour(now=None):
    return (now or timezone.now()).astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def record(pk):
    """Count one reading of article `pk` in this hour. False when the database says `pk` is
    not a public article (nothing is written then)."""
    if settings.MOSTREAD_REDIS_URL:
        return record_in_redis(pk)
    return add(pk, current_hour(), 1, check=True)


def add(pk, hour, readings, check):
    """Add `readings` to (hour, article): one UPDATE when the row exists (every reading but
    the hour's first). With `check`, a row is only created for a public article."""
    rows = HourlyReads.objects.filter(hour=hour, article_id=pk)
    if rows.update(count=F("count") + readings):
        return True
    if check and not Article.objects.published().filter(pk=pk).exists():
        return False
    try:
        with transaction.atomic():
            HourlyReads.objects.create(hour=hour, article_id=pk, count=readings)
    except IntegrityError:  # another request created the hour's row first
        rows.update(count=F("count") + readings)
    return True


@cache
def redis_client():
    from redis import Redis

    return Redis.from_url(settings.MOSTREAD_REDIS_URL, socket_timeout=1)


def hour_name(hour):
    return f"{hour:%Y%m%d%H}"


def record_in_redis(pk):
    """HINCRBY in the hour's hash (one round trip, no query); the hash expires on its own if
    no worker ever flushes it. Ids are checked against the database when flushed."""
    key = HOUR_PREFIX + hour_name(current_hour())
    pipe = redis_client().pipeline(transaction=False)
    pipe.hincrby(key, str(pk), 1)
    pipe.expire(key, settings.MOSTREAD_KEEP_HOURS * 3600)
    pipe.execute()
    return True


def flush():
    """Move the counts from Redis into the database, one hour's hash at a time: the hash is
    renamed first (atomic: readings arriving meanwhile start a new hash), written in one
    transaction, then deleted. A hash whose write failed stays renamed and is written by the
    next flush; one flush at a time (a lock in Redis), so none is written twice."""
    client = redis_client()
    if not client.set(FLUSH_LOCK, "1", nx=True, ex=300):
        return 0
    moved = 0
    try:
        names = {
            key.decode().rsplit(":", 1)[1]
            for prefix in (PENDING_PREFIX, HOUR_PREFIX)
            for key in client.scan_iter(match=prefix + "*", count=100)
        }
        for name in sorted(names):
            pending = PENDING_PREFIX + name
            if not client.exists(pending):
                if not client.exists(HOUR_PREFIX + name):
                    continue
                client.rename(HOUR_PREFIX + name, pending)
            counts = {int(pk): int(n) for pk, n in client.hgetall(pending).items()}
            moved += write(datetime.strptime(name, "%Y%m%d%H").replace(tzinfo=UTC), counts)
            client.delete(pending)
    finally:
        client.delete(FLUSH_LOCK)
    return moved


def write(hour, counts):
    """Add one hour's counts to the database; ids that are not public articles (a forged
    beacon, a draft's id, a retracted article) are dropped."""
    public = Article.objects.published().filter(pk__in=[pk for pk in counts if 0 < pk < 2**63])
    with transaction.atomic():
        for pk in list(public.values_list("pk", flat=True)):
            add(pk, hour, counts[pk], check=False)
    return sum(counts.values())


def prune():
    """Forget hours older than MOSTREAD_KEEP_HOURS (the block reads the last 24)."""
    oldest = current_hour() - timedelta(hours=settings.MOSTREAD_KEEP_HOURS)
    deleted, _ = HourlyReads.objects.filter(hour__lt=oldest).delete()
    return deleted
