"""Surrogate keys: what each cacheable page shows, named so an edge cache can forget exactly
the pages a change touches (DESIGN.md, "The edge").

Views and the chrome add the keys of what they render while they render it (`add`, `cards`);
`SurrogateKeyMiddleware` writes them on the response of a cacheable public page, in
`Surrogate-Key` (space-separated: Varnish xkey, Fastly) and `Cache-Tag` (comma-separated:
Cloudflare), with the edge's long lifetimes when a purger is configured. Private, preview,
admin and staff responses get no key and stay uncacheable.

Key names (the purging side, edge/keys.py, uses the same):
    a<id>     an article: its page, and every card of it on any page
    s<id>     a section's listings (page, feeds)
    t<id>     a tag's listings
    u<id>     an author's listing     b<id>  an author's name in the bylines of article pages
    i<id>     an image shown on the page (lead image of the article or of a card)
    l<id>     the live story of article <id>: its live page, updates, feed and live cards
    home      the front page and every site-wide newest list (latest feeds, sitemaps, search)
    nav       the navigation's sections (every reader page)
    breaking  the breaking-news strip (every reader page)
    site      pages that change with no content (robots.txt)
    all       every page (a deploy that changes how pages render: `manage.py purge_pages`)
"""

import contextvars

from django.conf import settings
from django.utils.cache import patch_cache_control

from .generation import ALL_KEY
from .middleware import PageCacheMiddleware, has_staff_marker
from .policy import policy

# The keys the current request's page shows; None outside a request (a command, a job).
collected = contextvars.ContextVar("surrogate_keys", default=None)


def add(*keys):
    """Record keys of what the page being rendered shows (ignored outside a request)."""
    bucket = collected.get()
    if bucket is not None:
        bucket.update(key for key in keys if key)


def cards(articles):
    """The keys of article cards: the article, its lead image, its live story if live."""
    bucket = collected.get()
    if bucket is None:
        return
    for article in articles:
        if article is None:
            continue
        bucket.add(f"a{article.pk}")
        if getattr(article, "lead_image_id", None):
            bucket.add(f"i{article.lead_image_id}")
        if getattr(article, "live_state", None):
            bucket.add(f"l{article.pk}")


def edge_purges():
    """Whether a purger is configured: only then may the edge keep pages for hours."""
    return settings.EDGE_PURGER != "none"


def cacheable(request, response):
    """A public page an edge may store: a registered URL name, GET/HEAD, a 200, nothing
    private, no cookie set, no session read, not varying by cookie."""
    match = getattr(request, "resolver_match", None)
    return (
        match is not None
        and match.url_name in policy.url_names
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.cookies
        and "cookie" not in response.get("Vary", "").lower()
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and not (getattr(request, "session", None) is not None and request.session.accessed)
    )


def edge_lifetimes(response):
    """Hours at the edge, kept stale while it revalidates and while the origin is down;
    browsers revalidate every time (max-age=0, and no stale-while-revalidate for them,
    which would let a browser show an old copy first)."""
    age = settings.EDGE_MAX_AGE
    swr = settings.EDGE_STALE_WHILE_REVALIDATE
    sie = settings.EDGE_STALE_IF_ERROR
    response["Surrogate-Control"] = (
        f"max-age={age}, stale-while-revalidate={swr}, stale-if-error={sie}"
    )
    patch_cache_control(response, public=True, max_age=0, s_maxage=age, stale_if_error=sie)


class SurrogateKeyMiddleware:
    """Collects the keys while the view renders and writes them on cacheable pages. Sits
    just inside the page cache, so a page the page cache stores keeps its keys."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = collected.set(set())
        try:
            response = self.get_response(request)
            keys = collected.get()
        finally:
            collected.reset(token)
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name not in policy.url_names:
            return response
        if has_staff_marker(request):
            # A staff member's page is nobody else's (the page cache says so too when on).
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
            return response
        if not keys or not cacheable(request, response):
            return response
        if not PageCacheMiddleware.has_plain_query(request, match.url_name):
            return response
        # `all` on every page: `manage.py purge_pages` forgets them all after a deploy.
        ordered = sorted({*keys, ALL_KEY})
        response["Surrogate-Key"] = " ".join(ordered)
        response["Cache-Tag"] = ",".join(ordered)
        if edge_purges():
            edge_lifetimes(response)
        return response
