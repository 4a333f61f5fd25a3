"""The text of a channel post: headline, summary and link, within Telegram's limits.

Telegram counts a caption's length in UTF-16 code units (an emoji is two); Arabic letters are
one each. The link is never cut: it is measured first, and the headline, then the summary,
share what is left, each cut at a space with «…». A right-to-left mark opens each Arabic
line, so that a headline starting with a number or a Latin name still reads right to left;
the link stands alone on the last line.
"""

import re

CAPTION_LIMIT = 1024  # sendPhoto's caption
TEXT_LIMIT = 4096  # sendMessage's text
RLM = "\u200f"
ELLIPSIS = "…"
BREAK = "\n\n"
SPACES = re.compile(r"\s+")


def units(text):
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text, budget):
    """`text` in at most `budget` units, cut at the last space before the limit with «…». A
    single word longer than the budget has no space to cut at, and is cut inside."""
    if units(text) <= budget:
        return text
    if budget <= units(ELLIPSIS):
        return ""
    kept, used = [], 0
    for char in text:
        used += units(char)
        if used > budget - units(ELLIPSIS):
            break
        kept.append(char)
    head = "".join(kept)
    if not text[len(head)].isspace():
        space = max(head.rfind(" "), head.rfind("\n"))
        if space > 0:
            head = head[:space]
    return head.rstrip(" \n،,.:;-") + ELLIPSIS


def compose(headline, summary, link, limit=CAPTION_LIMIT):
    """The post's text: headline, summary, link, in at most `limit` units."""
    tail = BREAK + link
    budget = limit - units(tail)
    head = shorten(RLM + SPACES.sub(" ", headline).strip(), budget)
    summary = SPACES.sub(" ", summary).strip()
    rest = budget - units(head) - units(BREAK + RLM)
    if summary and rest > units(ELLIPSIS):
        body = shorten(summary, rest)
        if body:
            head += BREAK + RLM + body
    return head + tail
