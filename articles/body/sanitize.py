"""Sanitizing of stored HTML: one function, used by the body field on every save path.

The allowlist of tags and attributes comes from the editor's configuration
(articles/body/editor.py) through django-prose-editor's `allowlist_from_extensions`, so the
server keeps exactly what the editor can make. Before nh3 parses it, the markup is repaired
(articles/body/repair.py) so that its parser has nothing left to repair, which is where its
time grows quadratic. On top of the allowlist:

- images in the body may only come from our own media library (`MEDIA_URL`);
- `class`, `rel` and `data-*` values the editor does not need are dropped;
- links to other hosts get `rel="noopener noreferrer"`, internal links get no `rel`;
- a link may carry `data-upload-date` (the «تضمين» dialog's video date, articles/body/embeds.py),
  kept only when it is a day we accept; the form refuses a bad one first, naming the embed
  (`validate_upload_dates`), so an editor's date is never dropped without a word.

The result is idempotent: sanitizing sanitized HTML returns it unchanged.
"""

import html
import re
from functools import cache
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django_prose_editor.config import allowlist_from_extensions

from .editor import BODY_EXTENSIONS
from .embeds import FIRST_UPLOAD_DATE, UPLOADED, upload_date
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
UPLOAD_DATE_ATTRIBUTE = "data-upload-date"
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
    if attribute == UPLOAD_DATE_ATTRIBUTE:
        return value if upload_date(value) else None
    return value


def keep_upload_dates(element, attribute, value):
    """filter_attribute, except that upload dates are kept whatever they say, to be judged."""
    if attribute == UPLOAD_DATE_ATTRIBUTE:
        return value
    return filter_attribute(element, attribute, value)


@cache
def allowlist():
    rules = allowlist_from_extensions(BODY_EXTENSIONS)
    # The Embed extension's attribute on links (static/js/editor/newsroom.js); the package
    # derives the allowlist from its own extensions only.
    rules["attributes"]["a"] = rules["attributes"]["a"] | {UPLOAD_DATE_ATTRIBUTE}
    return rules


@cache
def body_cleaner():
    return nh3.Cleaner(**allowlist(), attribute_filter=filter_attribute)


@cache
def judging_cleaner():
    return nh3.Cleaner(**allowlist(), attribute_filter=keep_upload_dates)


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


def clean_body(value, cleaner=None):
    rules = allowlist()
    cleaner = cleaner or body_cleaner()
    cleaned = cleaner.clean(repair(value, rules["tags"], rules["attributes"]))
    cleaned = IMAGE_WITHOUT_SOURCE.sub("", cleaned)
    cleaned = LINK_TAG.sub(mark_external_link, cleaned)
    return "" if EMPTY_DOCUMENT.match(cleaned) else cleaned


# A link's start tag and the start of its text (enough to name it), in sanitized markup.
LINK_AND_TEXT = re.compile(r'<a((?: [a-z][a-z0-9_:.-]*+="[^"]*+")*+)>([^<]{0,80}+)')


def validate_upload_dates(value):
    """Validator of the body fields: an upload date the sanitizer would drop is an error
    naming the embed, so the editor corrects it instead of losing it. Costs one more
    sanitizing pass only for bodies that carry an upload date at all."""
    if not value or UPLOAD_DATE_ATTRIBUTE not in value:
        return
    errors = []
    for match in LINK_AND_TEXT.finditer(clean_body(value, judging_cleaner())):
        uploaded = UPLOADED.search(match[1])
        if uploaded is None or upload_date(html.unescape(uploaded[1])):
            continue
        href = HREF.search(match[1])
        name = html.unescape(match[2]).strip() or html.unescape(href[1] if href else "")
        errors.append(
            ValidationError(
                "تاريخ نشر الفيديو «%(name)s» غير صالح: «%(value)s». اكتبه بالشكل "
                "سنة-شهر-يوم (مثل 2024-03-05) بين %(first)s واليوم: احذف الرابط وأدرجه من جديد "
                "بزرّ «تضمين».",
                code="bad_upload_date",
                params={
                    "name": name,
                    "value": html.unescape(uploaded[1])[:40],
                    "first": FIRST_UPLOAD_DATE.isoformat(),
                },
            )
        )
    if errors:
        raise ValidationError(errors)
