"""A WordPress post's content turned into HTML our sanitizer keeps as the author meant it.

Every pass counts what it did in `counts` (a Counter) for the final report. The result still
goes through Article.save's sanitizer (articles/body/sanitize.py); these passes only turn
WordPress's own notations (block comments, shortcodes, wpautop's bare lines, the theme's
read-also paragraphs, its image markup) into plain HTML first.
"""

import html
import re

# Gutenberg: <!-- wp:name {"json"} --> … <!-- /wp:name -->, or self-closing <!-- wp:name /-->.
BLOCK_COMMENT = re.compile(r"<!--\s*(/?)wp:([a-z0-9/_-]+)(?:\s[^>]*?)?\s*(/?)-->")
COMMENT = re.compile(r"<!--.*?-->", re.S)
EMBED_FIGURE = re.compile(
    r'<figure class="wp-block-embed[^"]*"[^>]*>\s*<div class="wp-block-embed__wrapper">\s*'
    r"(https?://[^\s<]+)\s*</div>(?:\s*<figcaption[^>]*>.*?</figcaption>)?\s*</figure>",
    re.S,
)
# [name attr="…"] … [/name], [name /] and [name]: names are ASCII, as WordPress requires.
SHORTCODE = re.compile(r"\[(/?)([A-Za-z][A-Za-z0-9_-]*)((?:\s+[^\]\[]*)?)(/?)\]")
ATTRIBUTE = re.compile(r'([A-Za-z_-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')

# Shortcodes whose tags are removed and whose content is kept as it is: Jannah (TieLabs)
# boxes, lists, highlights and layout helpers, and the common generic ones.
UNWRAPPED = {
    "box",
    "dropcap",
    "highlight",
    "padding",
    "tie_list",
    "tie_full_img",
    "tie_index",
    "tooltip",
    "one_half",
    "one_half_last",
    "one_third",
    "one_third_last",
    "two_third",
    "two_third_last",
    "one_fourth",
    "one_fourth_last",
    "tabs",
    "tab",
    "toggle",
    "tie_slideshow",
    "tie_slide",
    "lightbox",
}
# Shortcodes removed with whatever they hold: layout, ads, and widgets that need the theme.
REMOVED = {"divider", "ads1", "ads2", "tie_ads", "tie_login", "social", "flickr", "feed"}
# Shortcodes given their own conversion below.
CONVERTED = {"caption", "embed", "button", "video", "audio", "gallery"}
KNOWN = UNWRAPPED | REMOVED | CONVERTED

BLOCK_START = re.compile(
    r"^\s*<(?:p|h[1-6]|ul|ol|li|blockquote|figure|table|div|hr|pre|section|iframe)[\s>/]", re.I
)
READ_ALSO_TEXT = re.compile(r"^\s*اقرأ\s+(?:أيضا|ايضا|أيضاً|ايضاً|أيضًا)\s*[:：]?\s*", re.U)
PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.S | re.I)
LINK = re.compile(r"<a\s([^>]*)>(.*?)</a>", re.S | re.I)
HREF = re.compile(r'href\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', re.I)
IMG = re.compile(r"<img\s[^>]*>", re.I)
SRC = re.compile(r'\ssrc\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', re.I)
ALT = re.compile(r'\salt\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', re.I)
WP_IMAGE_CLASS = re.compile(r"wp-image-(\d+)")
TAGS = re.compile(r"<[^>]*>")


def remove_block_comments(content, counts):
    """Gutenberg's block comments: each block counted by name, the comments removed (the
    HTML between them is the post), other HTML comments removed too."""

    def block(match):
        if not match.group(1):
            counts[f"block:{match.group(2)}"] += 1
        return ""

    content = BLOCK_COMMENT.sub(block, content)
    return COMMENT.sub("", content)


def embed_link(url):
    url = html.escape(html.unescape(url.strip()), quote=True)
    return f'<p><a href="{url}">{url}</a></p>'


def attributes(text):
    return {m[0].lower(): m[1] or m[2] or m[3] or "" for m in ATTRIBUTE.findall(text or "")}


def closing_names(content):
    return {m.group(2).lower() for m in SHORTCODE.finditer(content) if m.group(1)}


def convert_shortcodes(content, counts, gallery_images=None):
    """Known shortcodes converted or removed, each counted by name ("shortcode:caption");
    unknown ones ([name …] that has a closing [/name], attributes or a trailing "/") have
    their tags removed and their content kept, counted as "unknown shortcode:name". A
    bracketed word in running text ("[AFP]") is text, not a shortcode, and stays."""
    closed = closing_names(content)
    embed_figures = EMBED_FIGURE.findall(content)
    if embed_figures:
        counts["embed (block)"] += len(embed_figures)
        content = EMBED_FIGURE.sub(lambda m: embed_link(m.group(1)), content)

    def paired(name):
        return re.compile(rf"\[{name}((?:\s+[^\]\[]*)?)\](.*?)\[/{name}\]", re.S | re.I)

    for name in ("caption", "wp_caption"):
        if name in closed:

            def caption(match):
                counts["shortcode:caption"] += 1
                inner = match.group(2)
                image = IMG.search(inner) or None
                text = (
                    IMG.sub(
                        "",
                        LINK.sub(
                            lambda m: m.group(2) if IMG.search(m.group(2)) else m.group(0), inner
                        ),
                    )
                ).strip()
                caption_attr = attributes(match.group(1)).get("caption", "")
                figcaption = text or html.escape(caption_attr)
                image_html = image.group(0) if image else ""
                return f"<figure>{image_html}<figcaption>{figcaption}</figcaption></figure>"

            content = paired(name).sub(caption, content)
    if "embed" in closed:

        def embed(match):
            counts["shortcode:embed"] += 1
            return embed_link(TAGS.sub("", match.group(2)))

        content = paired("embed").sub(embed, content)
    if "button" in closed:

        def button(match):
            counts["shortcode:button"] += 1
            link = attributes(match.group(1)).get("link", "")
            label = match.group(2)
            if link:
                return f'<a href="{html.escape(link, quote=True)}">{label}</a>'
            return label

        content = paired("button").sub(button, content)
    for name in ("video", "audio"):
        if name in closed:

            def media(match, name=name):
                counts[f"shortcode:{name}"] += 1
                url = attributes(match.group(1)).get("src") or TAGS.sub("", match.group(2))
                return embed_link(url) if url.strip() else ""

            content = paired(name).sub(media, content)
    for name in REMOVED:
        if name in closed:
            content = paired(name).sub(lambda m, n=name: count_empty(counts, n), content)

    def single(match):
        closing, name, attrs, self_closing = match.groups()
        lower = name.lower()
        if lower == "gallery" and not closing:
            counts["shortcode:gallery"] += 1
            ids = [i for i in re.split(r"[,\s]+", attributes(attrs).get("ids", "")) if i.isdigit()]
            if gallery_images is None:
                return ""
            return "".join(gallery_images(int(i)) for i in ids)
        if lower in KNOWN:
            if not closing:
                counts[f"shortcode:{lower}"] += 1
            return ""
        if lower in closed or attrs.strip() or self_closing:
            if not closing:
                counts[f"unknown shortcode:{lower}"] += 1
            return ""
        return match.group(0)

    return SHORTCODE.sub(single, content)


def count_empty(counts, name):
    counts[f"shortcode:{name}"] += 1
    return ""


def is_classic(content):
    """A post written in the classic editor: no <p>, paragraphs are blank lines (WordPress
    adds the <p> when it shows the post: wpautop)."""
    return not re.search(r"<p[\s>]", content, re.I)


def autop(content):
    """WordPress's wpautop, simply, for a classic post whose shortcodes are converted: blank
    lines separate paragraphs, a single newline is a line break, blocks stay as they are."""
    out = []
    for chunk in re.split(r"\n\s*\n", content.replace("\r\n", "\n")):
        chunk = chunk.strip()
        if not chunk:
            continue
        if BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>") + "</p>")
    return "\n".join(out)


def href_of(attrs):
    match = HREF.search(attrs)
    return html.unescape(match.group(1) or match.group(2) or "") if match else ""


def rewrite_links(content, resolve, counts):
    """Each link's href given to `resolve(href)`: a new href, or None to leave it."""

    def link(match):
        attrs, inner = match.groups()
        href = href_of(attrs)
        new = resolve(href) if href else None
        if new is None:
            return match.group(0)
        counts["internal links"] += 1
        return f'<a href="{html.escape(new, quote=True)}">{inner}</a>'

    return LINK.sub(link, content)


def read_also(content, counts):
    """A paragraph whose text starts «اقرأ أيضاً» and holds one link to an article of ours
    (/articles/<id>/, made by rewrite_links) becomes the editor's read-also paragraph:
    `<p><strong>اقرأ أيضاً:</strong> <a href="/articles/<id>/">…</a></p>`."""

    def paragraph(match):
        inner = match.group(1)
        links = LINK.findall(inner)
        plain = html.unescape(TAGS.sub("", inner))
        if len(links) != 1 or not READ_ALSO_TEXT.match(plain):
            return match.group(0)
        href = href_of(links[0][0])
        if not re.match(r"^/articles/\d+/", href):
            return match.group(0)
        title = TAGS.sub("", links[0][1]).strip()
        counts["read-also links"] += 1
        return (
            f'<p><strong>اقرأ أيضاً:</strong> <a href="{html.escape(href, quote=True)}">'
            f"{title}</a></p>"
        )

    return PARAGRAPH.sub(paragraph, content)


def rewrite_images(content, resolve, counts):
    """Each <img> given to `resolve(src, attachment_id, alt)`: our image's URL, or None to
    remove the image (a missing file, or --no-images)."""

    def image(match):
        tag = match.group(0)
        src = SRC.search(tag)
        if not src:
            return ""
        url = html.unescape(src.group(1) or src.group(2) or "")
        alt = ALT.search(tag)
        alt_text = html.unescape(alt.group(1) or alt.group(2) or "") if alt else ""
        wp_class = WP_IMAGE_CLASS.search(tag)
        new = resolve(url, int(wp_class.group(1)) if wp_class else None, alt_text)
        if new is None:
            return ""
        return (
            f'<img src="{html.escape(new, quote=True)}" alt="{html.escape(alt_text, quote=True)}">'
        )

    return IMG.sub(image, content)


def plain_text(value):
    return " ".join(html.unescape(TAGS.sub(" ", value or "")).split())
