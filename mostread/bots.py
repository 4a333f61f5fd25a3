"""Which beacons are not a reader's: bots, prefetches and other sites' pages.

Bots are told by their User-Agent against crawler-user-agents (a maintained list of about
1,500 patterns: search engines, feed readers, monitors, HTTP libraries such as curl and
python-requests, headless browsers). A request without a User-Agent is a bot too.
"""

from functools import lru_cache

from crawleruseragents import is_crawler

# Longer than any browser's; matching ~1,500 patterns against a huge header is work for nothing.
MAX_USER_AGENT = 512
PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")


def is_bot(request):
    agent = request.headers.get("User-Agent", "").strip()
    return not agent or len(agent) > MAX_USER_AGENT or known_crawler(agent)


@lru_cache(maxsize=4096)
def known_crawler(agent):
    """Matching is ~0.25 ms (60 compiled groups of patterns); a few hundred browser versions
    send most readings, so the answer is remembered per User-Agent string."""
    return is_crawler(agent)


def is_prefetch(request):
    """A page fetched ahead of a click (Chromium's speculation rules send `Sec-Purpose:
    prefetch`, older browsers `Purpose`/`X-Moz: prefetch`): nobody has read it yet."""
    return any("prefetch" in request.headers.get(name, "").lower() for name in PREFETCH_HEADERS)


def from_other_site(request):
    """Browsers say where a request comes from (Sec-Fetch-Site); our own page's beacon is
    `same-origin`. Clients that do not say (older browsers, tests) are not refused for it."""
    site = request.headers.get("Sec-Fetch-Site")
    return site is not None and site != "same-origin"
