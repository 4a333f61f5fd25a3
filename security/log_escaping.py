"""Log records carry request paths, user names and headers: whoever controls them must not
be able to start a fake log line, hide one with a carriage return or recolour a terminal."""

import logging
import unicodedata

# Line and paragraph separators and the bidi controls that reorder what a reader sees.
_ESCAPED_FORMATS = {"Zl", "Zp"}
_BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def escape_controls(text):
    return "".join(
        repr(char)[1:-1]
        if unicodedata.category(char) == "Cc"
        else f"\\u{ord(char):04x}"
        if char in _BIDI_CONTROLS or unicodedata.category(char) in _ESCAPED_FORMATS
        else char
        for char in text
    )


class EscapeControlCharacters(logging.Filter):
    """Replaces the record's message by its escaped form (tracebacks stay multi-line: the
    formatter adds them after the message and they are ours, not the user's)."""

    def filter(self, record):
        message = record.getMessage()
        escaped = escape_controls(message)
        if escaped != message:
            record.msg, record.args = escaped, None
        return True
