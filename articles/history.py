"""Differences between two revisions of an article, for the admin's history pages.

Everything in a revision was typed by someone, possibly hostile (a contributor aiming at the
editor who reviews the history), so every token is escaped before it is wrapped in
<del>/<ins>; nothing from a revision is ever marked safe as it is.
"""

import difflib
import re

from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe

from .models import Article, ArticleTag
from .workflow import EDITABLE_FIELDS, headlines_for, local_time_text, revision_tag_ids

BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|tr)>|<br\s*/?>", re.IGNORECASE)
TOKEN = re.compile(r"\s+|[^\s]+")


def body_text(html):
    """The body as a reader reads it: paragraphs on their own lines, no markup."""
    return strip_tags(BLOCK_END.sub("\n", html or "")).strip()


def tag_names(version):
    model = ArticleTag._meta.get_field("tag").related_model
    ids = revision_tag_ids(version)
    return "، ".join(
        model.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)
    )


def readable(version, name, viewer):
    """A field of a revision as text a journalist recognises; articles (related picks) as
    `viewer` may see them: someone else's draft is not named."""
    if name == "tags":
        return tag_names(version)
    field = Article._meta.get_field(name)
    value = version.field_dict.get(field.attname)
    if name == "body":
        return body_text(value)
    if field.many_to_many:
        objects = field.related_model._default_manager.filter(pk__in=value or [])
        if field.related_model is Article:
            return "، ".join(headlines_for(viewer, objects))
        return "، ".join(sorted(str(o) for o in objects))
    if field.is_relation:
        if value is None:
            return ""
        found = field.related_model._default_manager.filter(pk=value).first()
        return str(found) if found else "(محذوف)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "نعم" if value else "لا"
    if hasattr(value, "tzinfo"):
        return local_time_text(value)
    return "" if value is None else str(value)


def inline_diff(old, new):
    """Word-level diff of two texts, escaped token by token."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(conditional_escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
    return mark_safe("".join(out))  # noqa: S308 -- every piece above is escaped


def changes(old, new, viewer):
    """[(label, diff)] for the fields that differ between two revisions, as `viewer` may
    see them."""
    rows = []
    for name in EDITABLE_FIELDS:
        label = "الوسوم" if name == "tags" else Article._meta.get_field(name).verbose_name
        before, after = readable(old, name, viewer), readable(new, name, viewer)
        if before != after:
            rows.append((label, inline_diff(before, after)))
    return rows
