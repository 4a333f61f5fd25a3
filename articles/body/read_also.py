"""Render-time passes over an article's stored (already sanitized) body HTML.

The body is parsed with html.parser and written back token by token, so nothing is split
with regular expressions and the stored markup comes out unchanged except where a pass
means to change it.
"""

import re
from html.parser import HTMLParser

from django.utils.html import escape

READ_ALSO = "اقرأ أيضاً"
# Automatic links go after these paragraphs of the body, and only in bodies of at least
# MIN_PARAGRAPHS paragraphs.
AFTER_PARAGRAPHS = (3, 7)
MIN_PARAGRAPHS = 4
VOID = {"br", "hr", "img", "wbr", "col", "source"}
ARTICLE_HREF = re.compile(r"^/articles/(\d+)/")


class Block:
    """One top-level element (or run of text) of the body."""

    def __init__(self, tag):
        self.tag, self.parts, self.first_child, self.text = tag, [], None, ""

    @property
    def is_read_also(self):
        return (
            self.tag == "p"
            and self.first_child == "strong"
            and self.text.lstrip().startswith(READ_ALSO)
        )

    @property
    def is_paragraph(self):
        return self.tag == "p" and not self.is_read_also

    def html(self):
        if self.is_read_also and self.parts and self.parts[0].startswith("<p"):
            return '<p class="read-also">' + "".join(self.parts[1:])
        return "".join(self.parts)


class BodyParser(HTMLParser):
    """Splits body HTML into top-level blocks, keeping every token's source text."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks, self.depth, self.hrefs = [], 0, []

    def emit(self, text, tag=None):
        if self.depth == 0 and (tag or not self.blocks or self.blocks[-1].tag is not None):
            self.blocks.append(Block(tag))
        self.blocks[-1].parts.append(text)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        block = self.blocks[-1] if self.blocks and self.depth else None
        if block is not None and block.first_child is None and self.depth == 1:
            block.first_child = tag
        self.emit(self.get_starttag_text(), tag if self.depth == 0 else None)
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.emit(self.get_starttag_text(), tag if self.depth == 0 else None)

    def handle_endtag(self, tag):
        if tag in VOID or not self.blocks:
            return
        self.depth = max(self.depth - 1, 0)
        self.blocks[-1].parts.append(f"</{tag}>")

    def handle_data(self, data):
        if self.depth and self.blocks:
            block = self.blocks[-1]
            if block.first_child is None and data.strip() and self.depth == 1:
                block.first_child = "#text"
            block.text += data
            block.parts.append(data)
        else:
            self.emit(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    def handle_comment(self, data):
        pass


def parse(body_html):
    parser = BodyParser()
    parser.feed(body_html or "")
    parser.close()
    return parser


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
    parsed = parse(body_html)
    linked = linked_article_ids(parsed.hrefs)
    pool = [a for a in articles if a.pk not in linked]
    blocks = parsed.blocks
    paragraphs = sum(1 for b in blocks if b.is_paragraph)
    if paragraphs < minimum:
        pool = []
    out, seen = [], 0
    for index, block in enumerate(blocks):
        out.append(block.html())
        if not block.is_paragraph:
            continue
        seen += 1
        if seen not in after or not pool or seen >= paragraphs:
            continue
        nearby = blocks[max(index - 2, 0) : index + 3]
        if any(b.is_read_also for b in nearby):
            continue
        out.append(read_also_html(pool.pop(0)))
    return "".join(out)
