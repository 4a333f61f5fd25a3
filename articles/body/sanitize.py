"""Sanitizing of stored HTML: one function, used by the body field on every save path.

The allowlist of tags and attributes comes from the editor's configuration
(articles/body/editor.py) through django-prose-editor's `allowlist_from_extensions`, so the
server keeps exactly what the editor can make. Before nh3 parses it, the markup is repaired
(articles/body/repair.py) so that its parser has nothing left to repair, which is where its
time grows quadratic. On top of the allowlist:

- images in the body may only come from our own media library (`MEDIA_URL`);
- `class`, `rel` and `data-*` values the editor does not need are dropped;
- links to other hosts get `rel="noopener noreferrer"`, internal links get no `rel`.

The result is idempotent: sanitizing sanitized HTML returns it unchanged.
"""

import html
import re
from functools import cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django_prose_editor.config import allowlist_from_extensions

from .editor import BODY_EXTENSIONS
from .repair import repair

EXTERNAL_REL = "noopener noreferrer"
# Generated media names only: no "..", no scheme, no query, no "//".
MEDIA_PATH = re.compile(r"[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-]+)*\.(?:jpg|png|webp|gif|avif)")
INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f\ufffd]")
# nh3 serializes every attribute double-quoted with `"` escaped, so this matches a whole tag.
LINK_TAG = re.compile(r'<a((?: [a-z][a-z0-9_:.-]*="[^"]*")*)>')
HREF = re.compile(r' href="([^"]*)"')
# An <img> whose source was refused is dropped rather than left empty.
IMAGE_WITHOUT_SOURCE = re.compile(r'<img(?![^>]* src=")(?: [a-z-]+="[^"]*")*>')
# The editor's ProseMirror schema always leaves an empty paragraph in an empty document.
EMPTY_DOCUMENT = re.compile(r"^<(?P<tag>\w+)></(?P=tag)>$")


def own_image_src(value):
    media_url = settings.MEDIA_URL
    return value.startswith(media_url) and MEDIA_PATH.fullmatch(value[len(media_url) :])


def safe_href(value):
    """nh3 has already dropped unknown schemes; this also refuses what a lenient browser
    might still read as one once blanks, control characters or U+FFFD are removed."""
    compact = INVISIBLE.sub("", value).lower()
    head = compact.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head or compact.startswith(("http:", "https:", "mailto:", "tel:"))


def filter_attribute(element, attribute, value):
    if attribute == "href":
        return value if safe_href(value) else None
    if attribute == "src":
        return value if element == "img" and own_image_src(value) else None
    if attribute in {"class", "rel", "data-file"}:
        return None
    return value


@cache
def allowlist():
    return allowlist_from_extensions(BODY_EXTENSIONS)


@cache
def body_cleaner():
    return nh3.Cleaner(**allowlist(), attribute_filter=filter_attribute)


def is_external(href):
    """Whether a browser would leave the site: it reads a backslash as a slash in web URLs,
    so "/\\evil.example/x" and "\\\\evil.example/x" go to evil.example."""
    parts = urlsplit(html.unescape(href).strip().replace("\\", "/"))
    if not parts.scheme and not parts.netloc:
        return False
    if parts.scheme in {"mailto", "tel"}:
        return False
    return parts.netloc.lower() != urlsplit(settings.SITE_URL).netloc.lower()


def mark_external_link(match):
    attributes = match.group(1)
    href = HREF.search(attributes)
    if href and is_external(href.group(1)):
        return f'<a{attributes} rel="{EXTERNAL_REL}">'
    return match.group(0)


# The last clean result: the form field and Article.save both sanitize, and sanitizing clean
# HTML returns it unchanged (tested), so the second pass over a large body can be skipped.
_last_clean = [""]


def sanitize_body(value):
    value = value or ""
    if value != _last_clean[0]:
        _last_clean[0] = clean_body(value)
    return _last_clean[0]


def clean_body(value):
    rules = allowlist()
    cleaned = body_cleaner().clean(repair(value, rules["tags"], rules["attributes"]))
    cleaned = IMAGE_WITHOUT_SOURCE.sub("", cleaned)
    cleaned = LINK_TAG.sub(mark_external_link, cleaned)
    return "" if EMPTY_DOCUMENT.match(cleaned) else cleaned
