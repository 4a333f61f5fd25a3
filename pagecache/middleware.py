"""Serves and stores whole pages for anonymous readers.

What is cached: GET/HEAD answers with status 200 to requests that carry no signed staff
marker (set at a staff member's login by StaffMarkerMiddleware), on the URL names the policy
registered, whose query string holds only parameters that page
reads, once each, in their canonical form (tracking parameters of shared links aside).
Anything else (staff, previews, the admin, other parameters, POST) is rendered every time.
"""

import hashlib
import re
import time
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.text import compress_string

from .generation import (
    ALL_KEY,
    bump_generation,
    bump_keys,
    bump_pending,
    current_generation,
    key_clock,
    key_versions,
    page_cache,
    recent_pages,
    request_generation,
    request_scope,
    safe,
    seconds_to_keep,
)
from .policy import policy

# The "generation" of a lookup with PAGE_CACHE_BY_KEY: pages are not kept under one.
BY_KEY = "by-key"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# The cookie that tells a signed-in staff member's browser from a reader's without reading the
# session: signed (a made-up one is a reader's), set at login, removed at logout.
STAFF_COOKIE = "newsroom_staff"
STAFF_SALT = "pagecache.staff"
# Headers that describe the stored page; everything else is recomputed per response.
STORED_HEADERS = (
    "Content-Type",
    "X-Frame-Options",
    "X-Robots-Tag",
    "Link",
    # The edge's: what the page shows and how long an edge may keep it (surrogate.py).
    "Surrogate-Key",
    "Cache-Tag",
    "Surrogate-Control",
    "Cache-Control",
)
# How long a request that lost the render race waits for the winner's page.
LOCK_SECONDS = 10
WAIT_SECONDS = 3.0
WAIT_STEP = 0.02
# Campaign and click-tracking parameters that links shared on social networks and in
# newsletters carry; no page reads them, so they are left out of the cache key.
IGNORED_PARAMS = frozenset(
    {
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "utm_id",
        "fbclid",
        "gclid",
        "msclkid",
        "igshid",
        "twclid",
        "mc_cid",
        "mc_eid",
    }
)


def has_staff_marker(request):
    """Whether the request carries a staff marker signed by this site and not expired."""
    if STAFF_COOKIE not in request.COOKIES:
        return False
    age = settings.SESSION_COOKIE_AGE
    return request.get_signed_cookie(STAFF_COOKIE, None, salt=STAFF_SALT, max_age=age) is not None


@lru_cache(maxsize=10_000)
def url_name(urlconf, path):
    """The URL name of a path (None if none): resolving is a fifth of a hit's own work."""
    try:
        return resolve(path, urlconf).url_name
    except Resolver404:
        return None


class PageCacheMiddleware:
    """Sits before sessions, CSRF and authentication, so a hit costs one cache round trip
    and no other work. A request carrying a valid staff marker is never served from or
    stored in the cache, and its answer is private, so a signed-in editor never sees, nor
    leaves, a reader's copy. Any other cookie, a session one included, changes nothing: a
    made-up session cookie once made every request a full render."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = request_scope.set({})
        try:
            return self.serve(request)
        finally:
            request_scope.reset(scope)

    def serve(self, request):
        name = self.page_name(request) if settings.PAGE_CACHE_ENABLED else None
        if name not in policy.url_names:
            return self.get_response(request)
        if has_staff_marker(request) or request.method not in ("GET", "HEAD"):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
            return response
        if not self.has_plain_query(request, name):
            return self.get_response(request)
        cache = page_cache()
        if bump_pending.is_set():
            bump_generation()
            if settings.PAGE_CACHE_BY_KEY:
                bump_keys([ALL_KEY])
        generation, key, entry = safe(lambda: self.lookup(request, cache), (None, None, None))
        if generation is None:
            return self.public(self.get_response(request), None)
        if entry is None:
            entry = self.render_once(request, cache, key, generation, name)
            if isinstance(entry, HttpResponse):
                return entry
        return self.replay(request, entry)

    def lookup(self, request, cache):
        """The current generation, the page's key under it and the cached page if any. The
        generation is read on every request (a few bytes); a page this process holds under
        it is replayed from memory, any other is read from the cache."""
        digest = self.digest(request)
        if settings.PAGE_CACHE_BY_KEY:
            # A hit needs no generation; a miss reads it when it stores (request_generation).
            return BY_KEY, *self.lookup_by_key(cache, digest)
        generation = current_generation(cache)
        request_scope.get()["generation"] = generation
        key = f"pagecache:{generation}:{digest}"
        entry = recent_pages.get(key)
        if entry is None:
            entry = cache.get(key)
            if entry is not None:
                recent_pages.put(key, entry)
        return generation, key, entry

    @staticmethod
    def lookup_by_key(cache, digest):
        """(key, entry) with PAGE_CACHE_BY_KEY: the page is kept under its address alone and
        is valid while every key it shows holds the value it stored (one MGET on a hit)."""
        key = f"pagecache:page:{digest}"
        entry = recent_pages.get(key) or cache.get(key)
        if entry is None:
            return key, None
        if key_versions(cache, entry["versions"]) != entry["versions"]:
            return key, None
        recent_pages.put(key, entry)
        return key, entry

    @staticmethod
    def page_name(request):
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        return url_name(urlconf, request.path_info)

    @staticmethod
    def has_plain_query(request, name):
        """Only the parameters the page reads (as its URL name was registered), once each and
        in their canonical form, may vary a cached page; tracking parameters are left out of
        the key, so social traffic in a spike is served from the cache. Anything else (a
        parameter the page ignores, cache busters, repeated keys, odd values) is rendered
        fresh and not stored, so nobody can fill the cache with copies of one page."""
        params = policy.params.get(name, {})
        for param, values in request.GET.lists():
            if param in IGNORED_PARAMS:
                continue
            pattern = params.get(param)
            if pattern is None or len(values) != 1 or not pattern.fullmatch(values[0]):
                return False
        return True

    @staticmethod
    def digest(request):
        query = "&".join(
            f"{k}={v}" for k, v in sorted(request.GET.items()) if k not in IGNORED_PARAMS
        )
        raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
        return hashlib.sha256(raw.encode()).hexdigest()

    def render_once(self, request, cache, key, generation, name):
        """Render on a miss, letting only one request per page and generation do it while
        the others wait briefly for its result (stampede protection)."""
        lock = f"{key}:lock"
        if not safe(lambda: cache.add(lock, 1, LOCK_SECONDS), default=True):
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(WAIT_STEP)
                entry = safe(lambda: cache.get(key))
                if entry is not None:
                    return entry
        try:
            if settings.PAGE_CACHE_BY_KEY:  # before the render: bumps after it are newer
                request_scope.get()["clock"] = safe(lambda: key_clock(cache))
            response = self.get_response(request)
            entry = self.store(request, response, cache, key, generation, name)
        finally:
            safe(lambda: cache.delete(lock))
        return entry if entry is not None else self.public(response, None)

    def store(self, request, response, cache, key, generation, name):
        if generation is BY_KEY:
            generation = request_generation(cache)
            if generation is None:
                return None
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
        timeout = seconds_to_keep(cache, generation)
        if timeout is None or not safe(lambda: self.within_variants(cache, generation, name)):
            return None
        versions = None
        if settings.PAGE_CACHE_BY_KEY:
            versions = safe(lambda: self.versions_seen(request, response, cache))
            if versions is None:
                return None
        content = response.content
        modified = time.time()
        entry = {
            "versions": versions,
            "content": content,
            "headers": {h: response[h] for h in STORED_HEADERS if response.has_header(h)},
            "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
            # Compressed once here rather than by GZipMiddleware on every hit (0.25 ms for an
            # article, 0.5 ms for the home page). No random padding against BREACH: a cached
            # page is the same for every reader and holds no secret.
            "gzip": compress_string(content) if len(content) >= 200 else None,
            "modified": modified,
            "last_modified": http_date(modified),
            "expires": modified + timeout,
        }
        safe(lambda: cache.set(key, entry, timeout))
        recent_pages.put(key, entry)
        return entry

    @staticmethod
    def versions_seen(request, response, cache):
        """The values of the page's keys (its Surrogate-Key, and `all`), or None when one
        was bumped after the render began: the page may show the state before that change,
        so it is served but not stored."""
        started = request_scope.get().get("clock")
        keys = response.get("Surrogate-Key", "").split()
        if started is None or not keys:
            return None
        versions = key_versions(cache, [*keys, ALL_KEY], create=True)
        if any(value is None or value > started for value in versions.values()):
            return None
        return versions

    @staticmethod
    def within_variants(cache, generation, name):
        """Whether one more copy of the page may be stored under this generation."""
        limit = policy.max_variants.get(name)
        if limit is None:
            return True
        counter = f"pagecache:{generation}:variants:{name}"
        cache.add(counter, 0, settings.PAGE_CACHE_TIMEOUT)
        return cache.incr(counter) <= limit

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
        response["Last-Modified"] = entry["last_modified"]
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


class StaffMarkerMiddleware:
    """Keeps the staff marker in step with the session, after authentication: set once a
    staff member is signed in, removed once nobody is. It reads the user only when the
    session changed (a login, a logout) or a marker came in, so a reader's request never
    touches the session (which would add `Vary: Cookie` and keep the page out of the cache).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        marked = STAFF_COOKIE in request.COOKIES
        if session is None or not (marked or session.modified):
            return response
        if request.user.is_staff:
            if not has_staff_marker(request):
                response.set_signed_cookie(
                    STAFF_COOKIE,
                    str(request.user.pk),
                    salt=STAFF_SALT,
                    max_age=settings.SESSION_COOKIE_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
        elif marked:
            response.delete_cookie(STAFF_COOKIE, samesite=settings.SESSION_COOKIE_SAMESITE)
        return response
