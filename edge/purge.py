"""Purging by key after commit, batched per request.

`purge_after_commit(keys)` waits for the transaction to commit (a rolled-back change purges
nothing, and a reader can never re-fill the edge from the uncommitted state). Within a
request (`PurgeBatchMiddleware`) the keys of every commit are gathered and sent once, after
the response is built; elsewhere (a job, a command) they are sent at commit. Every purge is
sent again a few seconds later by a job: a page rendered from the old state while the change
committed may reach the edge after the first. A purge the edge did not confirm is logged and
handed to a background job that retries it with the queue's back-off (jobs/queue.py); the
editor's request never fails for it.
"""

import contextvars
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction

from jobs.queue import enqueue, job
from pagecache.generation import bump_keys

from .purgers import PurgeFailed, purger

logger = logging.getLogger("edge")

batch = contextvars.ContextVar("edge_purge_batch", default=None)


def purge_after_commit(keys, using=None):
    keys = frozenset(key for key in keys if key)
    if keys:
        transaction.on_commit(partial(committed, keys), using=using)


def committed(keys):
    pending = batch.get()
    if pending is not None:
        pending.update(keys)
    else:
        send(keys)


def send(keys):
    """Purge now, and once more EDGE_REPURGE_SECONDS later; on failure log it and leave it
    to the retrying job. Never raises."""
    keys = sorted(keys)
    if by_key_in_app():
        bump_keys(keys)  # the page cache's own copies: guarded, never raises
    chosen = purger()
    if chosen.name == "none" or not keys:
        return
    try:
        chosen.purge(keys)
        logger.info("edge purged %d keys: %s", len(keys), " ".join(keys[:20]))
    except Exception as error:
        logger.warning("edge purge failed, retrying in the background: %s", error)
        queue(keys)
    # A reader's render that began before the commit may reach the edge after this purge
    # and be kept for hours: the second purge drops it.
    if settings.EDGE_REPURGE_SECONDS:
        queue(keys, delay=timedelta(seconds=settings.EDGE_REPURGE_SECONDS))


def by_key_in_app():
    return settings.PAGE_CACHE_ENABLED and settings.PAGE_CACHE_BY_KEY


def active():
    """Whether any cache is told about changes by key (else no key is computed)."""
    return settings.EDGE_PURGER != "none" or by_key_in_app()


def queue(keys, delay=None):
    try:
        enqueue(purge_keys, keys, delay=delay)
    except Exception:
        logger.exception("edge purge could not be queued: %s", " ".join(keys))


@job("مسح صفحات من ذاكرة الحافة")
def purge_keys(keys):
    """The retry: raises while the edge refuses, so the queue tries again later."""
    try:
        purger().purge(keys)
    except PurgeFailed as error:
        raise RuntimeError(str(error)) from error


class PurgeBatchMiddleware:
    """One purge per request, whatever number of saves and commits it made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = batch.set(set())
        try:
            return self.get_response(request)
        finally:
            keys = batch.get()
            batch.reset(token)
            if keys:
                send(keys)
