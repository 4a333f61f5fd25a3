"""What reader pages' templates call (registered in newsroom/jinja2.py): Arabic dates and
share links. No database access. Pictures are the images app's (images/pictures.py)."""

import re
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from core.dates import count_text, format_datetime, hijri_date
from core.digits import display_digits
from core.month_names import MONTH_NAMES

# The Levantine month names (the default set; tests read them); the site writes the set
# settings.NEWSROOM_MONTH_NAMES chooses, through core/dates.py like the admin.
MONTHS = MONTH_NAMES["levantine"]


def arabic_date(value, style="datetime"):
    """`value` in the newsroom's time zone: "25 تشرين الثاني 2026، 14:05"
    (core.dates.format_datetime: styles "date", "day", "short", "time", "month"), in the
    site's digits (core.digits)."""
    return display_digits(format_datetime(value, style))


def hijri_text(value):
    """The Hijri date of `value` (core.dates.hijri_date) when settings.NEWSROOM_HIJRI_DATE is
    on, in the site's digits; "" otherwise."""
    return display_digits(hijri_date(value)) if settings.NEWSROOM_HIJRI_DATE else ""


# Silent reading speed of Arabic news text, words a minute: the editor's counter uses the same
# (static/js/writing.js; DESIGN.md "Writing first" says where 180 comes from).
WORDS_PER_MINUTE = 180
# A word's first letter or digit, found once per whitespace-separated run: the run's later
# characters cannot start a match (the look-behind), so the scan is linear: about 16 ms for a
# body at the 500,000-character cap (plus 9 ms for its text), where testing each run's
# characters in Python took 20-45 ms. A normal article (10,000 characters) costs under 1 ms.
WORD = re.compile(r"(?<!\S)\S*?[^\W_]")


def reading_minutes(text):
    """Minutes to read `text` (plain text), at least one. A word is a whitespace-separated
    run holding a letter or a digit, as the editor counts them."""
    return max(1, round(len(WORD.findall(text)) / WORDS_PER_MINUTE))


def reading_time_text(minutes):
    """«نحو دقيقة», «نحو دقيقتين», «نحو 3 دقائق», «نحو 12 دقيقة»."""
    return display_digits(f"نحو {count_text(minutes, 'minute')}")


def iso_datetime(value):
    """Machine-readable time for <time datetime>, with its UTC offset."""
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def share_links(article):
    """(label, css name, URL) for each share target: plain links, no third-party script."""
    url = quote(f"{settings.SITE_URL}{article.get_absolute_url()}", safe="")
    text = quote(article.headline, safe="")
    return [
        ("واتساب", "whatsapp", f"https://wa.me/?text={text}%20{url}"),
        ("تيليغرام", "telegram", f"https://t.me/share/url?url={url}&text={text}"),
        ("فيسبوك", "facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
        ("إكس", "x", f"https://x.com/intent/post?url={url}&text={text}"),
    ]
