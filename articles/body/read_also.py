"""Render-time passes over an article's stored (already sanitized) body HTML.

The stored markup comes out unchanged except where a pass means to change it: links are
inserted between top-level blocks, and stored read-also paragraphs get their class.
Sanitized markup (articles/body/sanitize.py) escapes "<" and ">" everywhere outside tags,
attribute values included, writes `<p>` and `<strong>` without attributes and holds no
comments: a "<" always starts a tag and the next ">" ends it, so a block's end is found by
counting only its own tag name, and the rest is regular-expression work over the whole body.
Reading every token with html.parser took 0.3-0.7 s for a 250 KB body, most of an uncached
render; the links are placed among the first SCANNED_BLOCKS blocks only, so a body of a
hundred thousand tiny blocks costs no more than a normal one.
"""

import html
import re
from functools import cache

from django.utils.html import escape

READ_ALSO = "اقرأ أيضاً"
# Automatic links go after these paragraphs of the body, and only in bodies of at least
# MIN_PARAGRAPHS paragraphs, among the first SCANNED_BLOCKS top-level blocks.
AFTER_PARAGRAPHS = (3, 7)
MIN_PARAGRAPHS = 4
SCANNED_BLOCKS = 1000
VOID = {"br", "hr", "img", "wbr", "col", "source"}
ARTICLE_HREF = re.compile(r"^/articles/(\d+)/")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
LINK_START = re.compile(r"<a(\s[^>]*)?>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'\s([^\s="]+)="([^"]*)"')
# A paragraph whose first child is <strong> and whose text starts with «اقرأ أيضاً».
STORED_READ_ALSO = re.compile(r"<p>(?=\s*+<strong>\s*+(?:<[^>]*+>\s*+)*+" + READ_ALSO + ")")


@cache
def same_tag(name):
    """Start and end tags of `name`, to find where a block of that name closes."""
    return re.compile(rf"<(/?){name}[\s/>]", re.IGNORECASE)


def top_level_blocks(body, limit):
    """(kind, end) of the body's first `limit` top-level blocks: kind is "paragraph",
    "read-also" or None (anything else), end where the block ends in `body`."""
    blocks, position = [], 0
    while position < len(body) and len(blocks) < limit:
        tag = TAG.match(body, position)
        if tag is None:  # text, up to the next tag
            end = body.find("<", position + 1)
            blocks.append((None, len(body) if end < 0 else end))
        elif tag[1]:  # an end tag closing nothing stays with the block before it
            blocks[-1:] = [(blocks[-1][0] if blocks else None, tag.end())]
        elif tag[2].lower() == "p":
            kind = "read-also" if STORED_READ_ALSO.match(body, position) else "paragraph"
            blocks.append((kind, block_end(body, "p", tag)))
        else:
            blocks.append((None, block_end(body, tag[2].lower(), tag)))
        position = blocks[-1][1]
    return blocks


def block_end(body, name, start_tag):
    """Where the element opened by `start_tag` ends (nested elements of its own name
    counted), or the body's end if it is never closed."""
    if name in VOID or start_tag[0].endswith("/>"):
        return start_tag.end()
    tags, position = same_tag(name), start_tag.end()
    # Most blocks hold no element of their own name: their first end tag closes them.
    close = body.find(f"</{name}>", position)
    if close >= 0 and not tags.search(body, position, close):
        return close + len(name) + 3
    depth = 1
    for tag in tags.finditer(body, position):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return body.find(">", tag.start()) + 1
    return len(body)


def link_hrefs(body):
    """The href of every link in the body, character references read."""
    return [
        html.unescape(dict(ATTRIBUTE.findall(link[1] or "")).get("href", ""))
        for link in LINK_START.finditer(body)
    ]


def linked_article_ids(hrefs):
    """Ids of articles among `hrefs` (their /articles/<id>/... URLs)."""
    return {int(match.group(1)) for href in hrefs if (match := ARTICLE_HREF.match(href))}


def read_also_html(article):
    return (
        f'<p class="read-also"><strong>{READ_ALSO}:</strong> '
        f'<a href="{escape(article.get_absolute_url())}">{escape(article.headline)}</a></p>'
    )


def insert_read_also(body_html, articles, after=AFTER_PARAGRAPHS, minimum=MIN_PARAGRAPHS):
    """The body with inline "اقرأ أيضاً" links placed between paragraphs.

    `articles` is the related pool, best first; articles the body already links to are
    skipped. A link goes after each plain paragraph numbered in
    AFTER_PARAGRAPHS (3rd and 7th), only when another paragraph follows
    and no stored read-also paragraph is within two blocks of that spot, so that links never
    crowd the text; bodies shorter than MIN_PARAGRAPHS get none.
    Stored read-also paragraphs get the same class as inserted ones.
    """
    body = body_html or ""
    linked = linked_article_ids(link_hrefs(body))
    pool = [a for a in articles if a.pk not in linked]
    blocks = top_level_blocks(body, SCANNED_BLOCKS)
    paragraphs = sum(1 for kind, _ in blocks if kind == "paragraph")
    if paragraphs < minimum:
        pool = []
    out, written, seen = [], 0, 0
    for index, (kind, end) in enumerate(blocks):
        if kind != "paragraph":
            continue
        seen += 1
        if seen not in after or not pool or seen >= paragraphs:
            continue
        nearby = blocks[max(index - 2, 0) : index + 3]
        if any(kind == "read-also" for kind, _ in nearby):
            continue
        out += [body[written:end], read_also_html(pool.pop(0))]
        written = end
    out.append(body[written:])
    return STORED_READ_ALSO.sub('<p class="read-also">', "".join(out))
