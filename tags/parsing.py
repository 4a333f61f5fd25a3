"""Tag strings as journalists type them: the Arabic comma separates tags like the Latin one.

taggit's default parser splits on ',' only, so 'الحسكة، قسد' would become one tag.
"""

from core.arabic import clean_name

SEPARATORS = ("،", "؛", ";")
# A name holding one of these is written in double quotes, as taggit writes a name holding
# a comma or a space (our separators include the Arabic comma).
QUOTED_IF = (",", "،", " ")


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
