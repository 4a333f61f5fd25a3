"""What reader pages' templates call (registered in newsroom/jinja2.py): Arabic dates and
share links. No database access. Pictures are the images app's (images/pictures.py)."""

from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

# The Levantine month names a Syrian newsroom's readers use; Western digits throughout.
MONTHS = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")


def arabic_date(value, style="datetime"):
    """`value` in the newsroom's time zone: "25 تشرين الثاني 2026، 14:05".

    style "date" drops the time; "day" is the date with its weekday, for the header;
    "short" is the time alone for today's articles and the day and month for older ones.
    """
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    date = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if style == "date":
        return date
    if style == "short":
        if value.date() == timezone.localdate():
            return f"{value:%H:%M}"
        return f"{value.day} {MONTHS[value.month - 1]}"
    if style == "day":
        return f"{WEEKDAYS[value.weekday()]} {date}"
    return f"{date}، {value:%H:%M}"


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
