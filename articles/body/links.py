"""Internal article links in stored bodies, resolved when a page is rendered.

The editor stores a link to another article as `/articles/<id>/` (the id never changes; the
slug may), typically in a "read also" paragraph:
`<p><strong>اقرأ أيضاً:</strong> <a href="/articles/12/">…</a></p>`. At render time each such
link points at its target's canonical URL if the target is public; otherwise the whole
"read also" paragraph disappears, and a link inside running text is unwrapped to plain text.
One query answers for every link in the body.
"""

import re

from django.conf import settings

from ..models import Article

# The body is sanitized HTML (articles/body/sanitize.py): every attribute double-quoted, every
# link closed, none nested, so these patterns see whole tags. A link's text is matched up to
# its own </a> and never past it (possessive, no backtracking): a lazy `.*?` once rescanned
# to the end of the body from every read-also paragraph whose link was not followed by
# </p> (3,000 of them took 16.6 s), and matched across paragraphs.
LINK_TEXT = r"((?:[^<]++|<(?!/a>))*+)</a>"
LINK = re.compile(r'<a((?: [a-z][a-z0-9_:.-]*="[^"]*")*+)>' + LINK_TEXT)
ARTICLE_HREF = r' href="(?:{site})?/articles/(\d+)/[^"]*"'
READ_ALSO_PARAGRAPH = re.compile(
    r"<p><strong>اقرأ أيضا[ًٌ]?:?</strong>\s*"
    r'<a(?: [a-z][a-z0-9_:.-]*="[^"]*")*+>' + LINK_TEXT + r"\s*</p>"
)


def article_href():
    return re.compile(ARTICLE_HREF.format(site=re.escape(settings.SITE_URL)))


def resolve_article_links(body):
    """The body with internal article links pointing at canonical URLs, and links to
    articles that are not public removed."""
    href = article_href()
    ids = {int(pk) for pk in href.findall(body)}
    if not ids:
        return body
    urls = {
        article.pk: article.get_absolute_url()
        for article in Article.objects.published().filter(pk__in=ids).only("pk", "slug")
    }

    def target(tag_attributes):
        match = href.search(tag_attributes)
        return (int(match.group(1)), match) if match else (None, None)

    def paragraph(match):
        pk, _ = target(match.group(0))
        return match.group(0) if pk is None or pk in urls else ""

    def link(match):
        attributes, text = match.groups()
        pk, found = target(attributes)
        if pk is None:
            return match.group(0)
        if pk not in urls:
            return text
        attributes = attributes.replace(found.group(0), f' href="{urls[pk]}"')
        return f"<a{attributes}>{text}</a>"

    body = READ_ALSO_PARAGRAPH.sub(paragraph, body)
    return LINK.sub(link, body)
