"""Reading a WordPress export (WXR) as a stream: one <item> at a time, never the whole file.

defusedxml's iterparse over the standard library's expat parser: it refuses entity
declarations (the "billion laughs" expansion bomb and external entities, which would also
read local files or the network) before a single entity is expanded, and it is pure Python
on top of the standard library, so no compiled dependency is added. Each <item> is turned
into a plain dict and its element removed from the tree, so memory holds one post at a time.
"""

from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

WP = "http://wordpress.org/export/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"


class NotWXR(Exception):
    """The file cannot be imported; the message is for the operator (Arabic, with the
    technical detail in English)."""


def short_name(tag):
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id'."""
    if not tag.startswith("{"):
        return tag
    uri, name = tag[1:].split("}", 1)
    if uri.startswith(WP):
        return ("excerpt:" if uri.endswith("/excerpt/") else "wp:") + name
    if uri == CONTENT:
        return "content:" + name
    if uri == DC:
        return "dc:" + name
    return name


def text(element, name, default=""):
    for child in element:
        if short_name(child.tag) == name:
            return (child.text or "").strip() if name != "content:encoded" else child.text or ""
    return default


@dataclass
class Item:
    wp_id: int
    post_type: str
    status: str
    title: str
    link: str
    guid: str
    slug: str
    date: str
    date_gmt: str
    creator: str
    content: str
    excerpt: str
    parent: int
    attachment_url: str
    categories: list = field(default_factory=list)  # (domain, nicename, name)
    meta: dict = field(default_factory=dict)


def item_from(element):
    fields = {}
    categories, meta = [], {}
    for child in element:
        name = short_name(child.tag)
        if name == "category":
            categories.append(
                (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
            )
        elif name == "wp:postmeta":
            meta[text(child, "wp:meta_key")] = text(child, "wp:meta_value")
        elif name not in fields:
            fields[name] = child.text or ""
    wp_id = fields.get("wp:post_id", "").strip()
    parent = fields.get("wp:post_parent", "0").strip()
    return Item(
        wp_id=int(wp_id) if wp_id.isdigit() else 0,
        post_type=fields.get("wp:post_type", "").strip(),
        status=fields.get("wp:status", "").strip(),
        title=fields.get("title", "").strip(),
        link=fields.get("link", "").strip(),
        guid=fields.get("guid", "").strip(),
        slug=fields.get("wp:post_name", "").strip(),
        date=fields.get("wp:post_date", "").strip(),
        date_gmt=fields.get("wp:post_date_gmt", "").strip(),
        creator=fields.get("dc:creator", "").strip(),
        content=fields.get("content:encoded", ""),
        excerpt=fields.get("excerpt:encoded", "").strip(),
        parent=int(parent) if parent.isdigit() else 0,
        attachment_url=fields.get("wp:attachment_url", "").strip(),
        categories=categories,
        meta=meta,
    )


def channel_entry(element):
    """('author'|'category'|'tag'|'site', dict) for the channel's own elements."""
    name = short_name(element.tag)
    values = {short_name(child.tag): (child.text or "").strip() for child in element}
    return name, values


CHANNEL_ELEMENTS = {"wp:author", "wp:category", "wp:tag"}
SITE_ELEMENTS = {"wp:wxr_version", "wp:base_site_url", "wp:base_blog_url", "link", "title"}


def read(path):
    """Yield ('item', Item), ('wp:author'|'wp:category'|'wp:tag', dict) and ('site', dict)
    in file order. Raises NotWXR for a file that is not a WordPress export, is truncated, or
    declares entities."""
    depth, channel, site, seen_version = 0, None, {}, False
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1 and short_name(element.tag) != "rss":
                    raise NotWXR(
                        "الملف ليس ملف تصدير من ووردبريس (WXR). "
                        f"(root element is <{short_name(element.tag)}>, expected <rss>)"
                    )
                if depth == 2 and element.tag == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            name = short_name(element.tag)
            if name in SITE_ELEMENTS and site is not None:
                site[name] = (element.text or "").strip()
                seen_version = seen_version or name == "wp:wxr_version"
            elif name == "item" or name in CHANNEL_ELEMENTS:
                if not seen_version:
                    raise NotWXR(
                        "الملف ليس ملف تصدير من ووردبريس: لا يذكر رقم إصدار WXR قبل المواد. "
                        "(no <wp:wxr_version> before the first item)"
                    )
                if site is not None:
                    yield "site", site
                    site = None
                yield ("item", item_from(element)) if name == "item" else channel_entry(element)
            channel.remove(element)
    except DefusedXmlException as error:
        raise NotWXR(
            "رُفض الملف: يعرّف كيانات XML (قد تكون «قنبلة XML» تتضخم في الذاكرة أو تقرأ ملفات "
            f"خارجية). ملفات ووردبريس لا تحتاجها. ({type(error).__name__}: {error})"
        ) from None
    except ParseError as error:
        raise NotWXR(
            "تعذّرت قراءة الملف: ليس XML سليماً أو انقطع قبل نهايته (ملف تصدير غير مكتمل؟). "
            f"لم يُستورد شيء. (XML parse error: {error})"
        ) from None
    if site is not None and seen_version:
        yield "site", site
    if not seen_version:
        raise NotWXR(
            "الملف ليس ملف تصدير من ووردبريس (WXR): لا يحوي <wp:wxr_version>. "
            "(not a WordPress eXtended RSS file)"
        )
