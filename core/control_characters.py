"""Control characters in text: removed when a model is saved, and again on the way into XML.

Text pasted from Word carries U+000B (its manual line break) and U+000C (a page break);
copies from PDFs and old systems bring other C0 and C1 controls. Readers never see them,
XML 1.0 forbids most of them (Django's feed generator refuses to write them: one headline
took /feeds/latest/ down, and the news sitemap became malformed), and PostgreSQL refuses NUL.
"""

import re

from django.db import models

# C0 controls except tab, newline, carriage return, and the two line breaks below; DEL; C1
# controls; lone surrogates (a database refuses them); and the two non-characters XML forbids.
CONTROLS_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Word's manual line break and page break: they separate words, so they become whitespace.
LINE_BREAKS_RE = re.compile("[\x0b\x0c]")
# In a one-line field every break or tab becomes a space, so the words stay apart.
ONE_LINE_RE = re.compile("[\t\n\r\x0b\x0c]")


def strip_controls(text, multiline=True):
    """`text` without control characters. Tabs and line breaks are kept in multi-line text,
    where Word's line and page breaks become newlines; with multiline=False they all become
    spaces."""
    text = CONTROLS_RE.sub("", text)
    if multiline:
        return LINE_BREAKS_RE.sub("\n", text)
    return ONE_LINE_RE.sub(" ", text)


def strip_controls_from_fields(instance):
    """strip_controls on every text field of a model instance, before it is saved: a
    TextField keeps its tabs and newlines, a CharField (one line) does not."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                multiline = isinstance(field, models.TextField)
                setattr(instance, field.attname, strip_controls(value, multiline))
