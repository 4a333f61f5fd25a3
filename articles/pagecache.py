"""The page cache: whole anonymous pages, invalidated exactly.

Every cache key holds the content *generation*, a number bumped after any transaction that
changes what a page can show commits (articles, sections, tags, images, authors: see
`connect_invalidation`). A bump makes every cached page unreachable at once; old entries
simply expire. A page is never kept past the next scheduled publication or expiry, because
visibility is decided by the database clock and no save happens when a scheduled article
goes live.

What is cached: GET/HEAD answers with status 200 to anonymous readers, on URL names listed
in `settings.PAGE_CACHE_URL_NAMES`, whose query string holds only `page` and (for search)
one sane `q`. Anything else (staff, previews, the admin, odd parameters, POST) is rendered
every time. Cache failures (Redis down) degrade to rendering, never to a 500.
"""

import contextvars
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Subquery
from django.db.models.functions import Now
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.text import compress_string

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Headers that describe the stored page; everything else is recomputed per response.
STORED_HEADERS = ("Content-Type", "X-Frame-Options", "X-Robots-Tag", "Link")
# How long a request that lost the render race waits for the winner's page.
LOCK_SECONDS = 10
WAIT_SECONDS = 3.0
WAIT_STEP = 0.02

_bump_pending = False
_last_generation = None
# The generation as the current request first read it (PageCacheMiddleware opens the scope):
# a page is rendered against one generation, and each value it remembers costs no second
# round trip to Redis.
_request_generation = contextvars.ContextVar("request_generation", default=None)


class RecentPages:
    """The pages this process served last, by key (which holds the generation), so a hit on
    a hot page reads only the small generation from Redis, not the page. Never trusted
    without that read: a stale generation simply finds nothing here."""

    def __init__(self):
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
        if entry is not None and entry["expires"] > time.time():
            return entry
        return None

    def put(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > settings.PAGE_CACHE_LOCAL_ENTRIES:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


recent_pages = RecentPages()
# Values remembered under the generation (remember()), kept the same way: the navigation
# and the breaking strip are on every page, and reading them from Redis meant two round trips
# and unpickling model instances on every render.
recent_values = RecentPages()


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _safe(operation, default=None):
    """Run a cache operation; a broken cache (Redis down) is logged, never raised."""
    try:
        return operation()
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return default


def current_generation(cache):
    """The generation, created from the clock when missing, so that a generation lost to
    eviction or a Redis restart never comes back with a number already used."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def known_generation(cache):
    """The generation as this process knows it, without a round trip, when the cache keeps
    it current (Redis: a bump is announced to every process, newsroom/redis_cache.py);
    None when it does not, or while that copy is not known to be current."""
    watched = getattr(cache, "watched", None)
    return watched(GENERATION_KEY) if watched is not None else None


def bump_generation():
    """Make every cached page stale. Called after commit; if the cache is unreachable the
    bump is retried by this process's next request (pages also expire on their own within
    PAGE_CACHE_TIMEOUT)."""
    global _bump_pending
    cache = page_cache()

    def bump():
        if hasattr(cache, "bump"):  # Redis: incremented and announced in one step
            cache.bump(GENERATION_KEY, time.time_ns())
            return True
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # missing: a fresh clock-based generation is newer than any old one
            cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
        return True

    _bump_pending = not _safe(bump, default=False)


def content_changed(**kwargs):
    """Signal receiver: content that pages show changed; invalidate once the change is
    visible to other connections (after commit), never before."""
    if kwargs.get("raw"):  # fixtures being loaded
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a staff login changes nothing a reader sees
    transaction.on_commit(bump_generation, using=kwargs.get("using"))


def connect_invalidation():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from images.models import Image
    from sections.models import Section
    from tags.models import Tag

    from .models import Article, ArticleTag

    for model in (Article, ArticleTag, Section, Tag, Image, get_user_model()):
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache-save-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pagecache-del-{model}")
    for through in (Article.authors.through, Article.related.through, ArticleTag):
        m2m_changed.connect(
            content_changed, sender=through, dispatch_uid=f"pagecache-m2m-{through}"
        )


def next_change(cache, generation):
    """The next instant at which a page changes by the clock alone: the earliest future
    publication, expiry or end of a breaking flag among published articles (None if none).
    One query of three index probes, cached under the generation until that instant."""
    key = f"pagecache:{generation}:next"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    from .models import Article

    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    upcoming = published.filter(published_at__gt=Now()).order_by("published_at")
    expiring = published.filter(expire_at__gt=Now()).order_by("expire_at")
    # The breaking strip on every page ends by the clock too.
    unbreaking = published.filter(is_breaking=True, breaking_until__gt=Now()).order_by(
        "breaking_until"
    )
    # Both earliest instants in one round trip: two index probes as scalar subqueries.
    row = (
        Article.objects.annotate(
            p=Subquery(upcoming.values("published_at")[:1]),
            e=Subquery(expiring.values("expire_at")[:1]),
            b=Subquery(unbreaking.values("breaking_until")[:1]),
        )
        .values_list("p", "e", "b")
        .order_by()[:1]
    )
    instants = [moment for moment in (row[0] if row else ()) if moment is not None]
    moment = min(instants).timestamp() if instants else 0
    timeout = settings.PAGE_CACHE_TIMEOUT
    if moment:
        timeout = min(timeout, max(1, int(moment - time.time())))
    cache.set(key, moment, timeout)
    return moment or None


def request_generation(cache):
    """The generation, read from the cache once per request (None if unreachable)."""
    seen = _request_generation.get()
    if seen is None:  # outside a request: management commands, the shell
        return _safe(lambda: current_generation(cache))
    if "generation" not in seen:
        known = _safe(lambda: known_generation(cache))
        seen["generation"] = (
            known if known is not None else _safe(lambda: current_generation(cache))
        )
    return seen["generation"]


def remember(name, compute):
    """A value derived from content (e.g. a listing's count), cached under the generation
    like pages, so exactly as fresh, and never past the next scheduled change. The value is
    kept in this process too (under the same key, with the same end), so only the generation
    is read from Redis. Computes directly when the page cache is off or unreachable."""
    if not settings.PAGE_CACHE_ENABLED:
        return compute()
    cache = page_cache()
    generation = request_generation(cache)
    if generation is None:
        return compute()
    key = f"pagecache:{generation}:value:{name}"
    entry = recent_values.get(key)
    if entry is not None:
        return entry["value"]
    entry = _safe(lambda: cache.get(key))
    if entry is None or entry["expires"] <= time.time():
        value = compute()
        moment = _safe(lambda: next_change(cache, generation), default=False)
        if moment is False:
            return value
        timeout = settings.PAGE_CACHE_TIMEOUT
        if moment:
            timeout = min(timeout, int(moment - time.time()))
        if timeout < 1:
            return value
        entry = {"value": value, "expires": time.time() + timeout}
        _safe(lambda: cache.set(key, entry, timeout))
    recent_values.put(key, entry)
    return entry["value"]


@lru_cache(maxsize=10_000)
def url_name(urlconf, path):
    """The URL name of a path (None if none): resolving is a fifth of a hit's own work."""
    try:
        return resolve(path, urlconf).url_name
    except Resolver404:
        return None


class PageCacheMiddleware:
    """Serves and stores whole pages; see the module docstring for what qualifies.

    Sits before sessions, CSRF and authentication, so a hit costs one cache round trip and
    no other work. Only staff have sessions on this site: a request carrying a session
    cookie is never served from or stored in the cache, and its answer is private, so a
    signed-in editor never sees, nor leaves, a reader's copy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = _request_generation.set({})
        try:
            return self.serve(request)
        finally:
            _request_generation.reset(scope)

    def serve(self, request):
        if not settings.PAGE_CACHE_ENABLED or not self.is_public_page(request):
            return self.get_response(request)
        if self.has_session(request) or request.method not in ("GET", "HEAD"):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
            return response
        if not self.has_plain_query(request):
            return self.get_response(request)
        cache = page_cache()
        if _bump_pending:
            bump_generation()
        generation, key, entry = _safe(lambda: self.lookup(request, cache), (None, None, None))
        if generation is None:
            return self.public(self.get_response(request), None)
        if entry is None:
            entry = self.render_once(request, cache, key, generation)
            if isinstance(entry, HttpResponse):
                return entry
        return self.replay(request, entry)

    def lookup(self, request, cache):
        """The current generation, the page's key under it and the cached page if any.

        When the process knows the generation (Redis announces every bump) and holds the
        page, a hit costs no round trip at all. Otherwise a hit costs one: when this process
        holds the page under the generation it saw last, only the generation is read (a few
        bytes); else the generation and the page stored under that last generation are read
        together (one MGET, a consistent snapshot). Only when the generation has moved is
        the page read again under the new one."""
        global _last_generation
        digest = self.digest(request)
        generation = known_generation(cache)
        if generation is not None:
            _request_generation.get()["generation"] = generation
            key = f"pagecache:{generation}:{digest}"
            entry = recent_pages.get(key)
            if entry is None:
                entry = cache.get(key)
                if entry is not None:
                    recent_pages.put(key, entry)
            return generation, key, entry
        guess = f"pagecache:{_last_generation}:{digest}"
        held = recent_pages.get(guess)
        if held is not None:
            found = {GENERATION_KEY: cache.get(GENERATION_KEY), guess: held}
        else:
            found = cache.get_many([GENERATION_KEY, guess])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            generation = current_generation(cache)
        _last_generation = generation
        _request_generation.get()["generation"] = generation
        key = f"pagecache:{generation}:{digest}"
        entry = found.get(guess) if key == guess else cache.get(key)
        if entry is not None and entry is not held:
            recent_pages.put(key, entry)
        return generation, key, entry

    @staticmethod
    def is_public_page(request):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        return url_name(urlconf, request.path_info) in settings.PAGE_CACHE_URL_NAMES

    @staticmethod
    def has_session(request):
        return settings.SESSION_COOKIE_NAME in request.COOKIES

    @staticmethod
    def has_plain_query(request):
        """Only `page` and a single sane `q` may vary a cached page. The tracking parameters
        that shared links carry (utm_*, fbclid, ...: PAGE_CACHE_IGNORED_PARAMS) change
        nothing on a page and are left out of the key, so social traffic in a spike is
        served from the cache. Anything else (cache busters, unknown names, repeated keys)
        is rendered fresh and not stored, so nobody can fill the cache with junk keys."""
        for name, values in request.GET.lists():
            if name in settings.PAGE_CACHE_IGNORED_PARAMS:
                continue
            if name not in ("page", "q") or len(values) != 1:
                return False
            if len(values[0]) > settings.PAGE_CACHE_MAX_PARAM_LENGTH:
                return False
        return True

    @staticmethod
    def digest(request):
        ignored = settings.PAGE_CACHE_IGNORED_PARAMS
        query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()) if k not in ignored)
        raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def render_once(self, request, cache, key, generation):
        """Render on a miss, letting only one request per page and generation do it while
        the others wait briefly for its result (stampede protection)."""
        lock = f"{key}:lock"
        if not _safe(lambda: cache.add(lock, 1, LOCK_SECONDS), default=True):
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(WAIT_STEP)
                entry = _safe(lambda: cache.get(key))
                if entry is not None:
                    return entry
        try:
            response = self.get_response(request)
            entry = self.store(request, response, cache, key, generation)
        finally:
            _safe(lambda: cache.delete(lock))
        return entry if entry is not None else self.public(response, None)

    def store(self, request, response, cache, key, generation):
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or response.has_header("Vary")
            or "private" in response.get("Cache-Control", "")
            or "no-store" in response.get("Cache-Control", "")
            or (getattr(request, "session", None) is not None and request.session.accessed)
        ):
            return None
        timeout = settings.PAGE_CACHE_TIMEOUT
        # False when the probe failed: without the cap the page must not be stored.
        moment = _safe(lambda: next_change(cache, generation), default=False)
        if moment is False:
            return None
        if moment:
            timeout = min(timeout, int(moment - time.time()))
        if timeout < 1:
            return None
        content = response.content
        modified = time.time()
        entry = {
            "content": content,
            "headers": {h: response[h] for h in STORED_HEADERS if response.has_header(h)},
            "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
            # Compressed once here rather than by GZipMiddleware on every hit (0.25 ms for an
            # article, 0.5 ms for the home page). No random padding against BREACH: a cached
            # page is the same for every reader and holds no secret.
            "gzip": compress_string(content) if len(content) >= 200 else None,
            "modified": modified,
            "last_modified": http_date(modified),
            "expires": time.time() + timeout,
        }
        _safe(lambda: cache.set(key, entry, timeout))
        recent_pages.put(key, entry)
        return entry

    def replay(self, request, entry):
        compressed = entry.get("gzip")
        if compressed and ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(compressed)
            response["Content-Encoding"] = "gzip"
            response["Vary"] = "Accept-Encoding"
            response["ETag"] = "W/" + entry["etag"]  # as GZipMiddleware marks a compressed body
        else:
            response = HttpResponse(entry["content"])
            response["ETag"] = entry["etag"]
        response["Content-Length"] = len(response.content)
        for header, value in entry["headers"].items():
            response[header] = value
        # Entries stored before the date was kept with them still replay.
        response["Last-Modified"] = entry.get("last_modified") or http_date(entry["modified"])
        response = self.public(response, entry["expires"] - time.time())
        conditional_headers = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
        if not any(header in request.META for header in conditional_headers):
            return response
        conditional = get_conditional_response(
            request,
            etag=entry["etag"],
            last_modified=int(entry["modified"]),
            response=response,
        )
        if conditional.status_code == 304:
            conditional["Cache-Control"] = response["Cache-Control"]
        return conditional

    @staticmethod
    def public(response, seconds_left):
        """Browsers revalidate every time (a 304 is cheap); a CDN may keep the page a short
        while, never past the next scheduled change."""
        if response.has_header("Cache-Control") or response.status_code != 200:
            return response
        shared = settings.PAGE_CACHE_CDN_MAX_AGE
        if seconds_left is not None:
            shared = max(0, min(shared, int(seconds_left)))
        patch_cache_control(response, public=True, max_age=0, s_maxage=shared)
        return response
