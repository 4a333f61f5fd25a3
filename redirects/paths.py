"""One canonical key per old URL, so that the ways a browser, a search engine or an old
export write the same address find the same row.

`/2022/01/%D8%AF%D8%A7%D8%B9%D8%B4/`, `/2022/01/%d8%af%d8%a7%d8%b9%d8%b4` and the decoded
`/2022/01/داعش` are one key: `/2022/01/داعش`. Keys have no trailing slash, no host, ASCII
in lower case (WordPress slugs are lower case; Arabic has no case). WordPress's query URLs
(`/?p=123`, `/?cat=4`, `/?attachment_id=9`...) are keys of their own: `/?p=123`.

Archive variants are not stored: `…/feed/`, `…/feed/atom/`, `…/page/3/` and `…/amp/` are
recognised by `split_variant` and answered from the row of the page they belong to.
"""

import re
import unicodedata
from urllib.parse import unquote, urlsplit

# WordPress's "plain" permalinks and the query forms every WordPress site also answers, in the
# order they are looked at when a URL holds several.
QUERY_KEYS = ("p", "page_id", "attachment_id", "cat", "tag", "author")
NUMERIC_KEYS = {"p", "page_id", "attachment_id", "cat", "author"}
FEED_SUFFIX = re.compile(r"/feed(?:/(?:rss2?|atom|rdf))?$")
PAGE_SUFFIX = re.compile(r"/page/(\d{1,6})$")
AMP_SUFFIX = re.compile(r"/amp$")
MAX_KEY = 500


def canonical(path):
    """A decoded path as a key: NFC, one leading slash, no trailing slash, lower case."""
    path = unicodedata.normalize("NFC", path or "")
    path = re.sub(r"/{2,}", "/", path).strip().strip("/")
    return ("/" + path).lower()[:MAX_KEY]


def key_for_url(url):
    """The key of an address as an export writes it (absolute or not, percent-encoded or
    not): its path, decoded; or `/?p=123` for WordPress's query forms."""
    parts = urlsplit((url or "").strip())
    query = query_key(dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair))
    return query or canonical(unquote(parts.path))


def query_key(params):
    """`/?p=123` for a mapping of query parameters holding one of WordPress's query forms
    (the first in QUERY_KEYS order), else None."""
    for name in QUERY_KEYS:
        value = (params.get(name) or "").strip()
        if not value:
            continue
        if name in NUMERIC_KEYS:
            if value.isascii() and value.isdigit() and len(value) < 19:
                return f"/?{name}={int(value)}"
            return None
        return f"/?{name}={canonical(unquote(value)).lstrip('/')}"
    return None


def split_variant(key):
    """(base key, variant): variant is "feed", ("page", n) or None. `/feed` and
    `/comments/feed` themselves are the site's feed: base "/" with "feed"."""
    if FEED_SUFFIX.search(key):
        base = FEED_SUFFIX.sub("", key) or "/"
        return ("/" if base == "/comments" else base), "feed"
    page = PAGE_SUFFIX.search(key)
    if page:
        return (PAGE_SUFFIX.sub("", key) or "/"), ("page", int(page.group(1)))
    if AMP_SUFFIX.search(key):
        return (AMP_SUFFIX.sub("", key) or "/"), None
    return key, None
