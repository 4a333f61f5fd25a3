"""Tag strings as journalists type them: the Arabic comma separates tags like the Latin one.

taggit's default parser splits on ',' only, so 'الحسكة، قسد' would become one tag.
"""

from taggit.utils import _edit_string_for_tags

from core.arabic import clean_name

SEPARATORS = ("،", "؛", ";")


def parse_tags(tagstring):
    text = tagstring or ""
    for separator in SEPARATORS:
        text = text.replace(separator, ",")
    names = {clean_name(part.strip().strip('"')) for part in text.split(",")}
    return sorted(name for name in names if name)


def edit_string_for_tags(tags):
    return _edit_string_for_tags(tags).replace(", ", "، ")
