"""Tag strings as journalists type them: the Arabic comma separates tags like the Latin one.

taggit's default parser splits on ',' only, so 'الحسكة، قسد' would become one tag.
"""

from django.core.exceptions import ValidationError

from core.arabic import clean_name

from .models import Tag

SEPARATORS = ("،", "؛", ";")
# A name holding one of these is written in double quotes, as taggit writes a name holding
# a comma or a space (our separators include the Arabic comma).
QUOTED_IF = (",", "،", " ")
# Tags an article may carry: more than any story needs. 500 took 6 s to save (each new tag is
# its own queries), and the related-articles pool grows with every tag.
MAX_TAGS = 30


def parse_tags(tagstring):
    text = tagstring or ""
    for separator in SEPARATORS:
        text = text.replace(separator, ",")
    names = {clean_name(part.strip().strip('"')) for part in text.split(",")}
    return sorted(name for name in names if name)


def edit_string_for_tags(tags):
    """The tags as the form's text field shows them: names in order, separated by the Arabic
    comma, a name holding a comma or a space in double quotes (as taggit quotes, and sorts
    with the quotes)."""
    names = (
        f'"{tag.name}"' if any(mark in tag.name for mark in QUOTED_IF) else tag.name for tag in tags
    )
    return "، ".join(sorted(names))


def validate_tag_names(names):
    """The names parse_tags gave, checked before anything is saved: a name longer than the
    column was refused by PostgreSQL in the middle of the save (a 500, and the article was
    lost), and too many tags are a mistake. Raises ValidationError in Arabic."""
    limit = Tag._meta.get_field("name").max_length
    too_long = [name for name in names if len(name) > limit]
    if too_long:
        raise ValidationError(
            [
                f"الوسم «{name[:40]}…» أطول من الحد المسموح به ({limit} حرف). اختصره."
                for name in too_long
            ],
            code="tag_too_long",
        )
    if len(names) > MAX_TAGS:
        raise ValidationError(
            f"عدد الوسوم {len(names)}، والحد الأقصى {MAX_TAGS}. أبقِ أهمها واحذف الباقي.",
            code="too_many_tags",
        )
