"""The newsroom's one date language, for the public site and the admin alike: the month names
of settings.NEWSROOM_MONTH_NAMES (core/month_names.py, Levantine by default), the day before
the month, a 24-hour clock, Western digits, the newsroom's time zone.

Django's own dates (the admin's lists and history, `{{ value|date }}`) say the same through
core/formats/ar/formats.py and the month names' catalog (locale/months/<set>/);
tests/test_dates.py checks that the two agree for every set. Built here by hand rather than
with Django's `date_format`: reader pages show thirty dates a render, and this is several
times cheaper.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from hijridate import Gregorian

from .month_names import MONTH_NAMES

WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")


def month_names():
    return MONTH_NAMES[settings.NEWSROOM_MONTH_NAMES]


def format_datetime(moment, style="datetime"):
    """`moment` in the newsroom's time zone: "25 تشرين الثاني 2026، 14:05".

    style "date" drops the time; "day" is the date with its weekday (a page header);
    "time" is the time alone; "short" is the time alone for today and the day and month for
    older moments; "month" is the month and year. An empty value gives "".
    """
    if not moment:
        return ""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    month = month_names()[moment.month - 1]
    date = f"{moment.day} {month} {moment.year}"
    if style == "date":
        return date
    if style == "month":
        return f"{month} {moment.year}"
    if style == "day":
        return f"{WEEKDAYS[moment.weekday()]} {date}"
    if style == "time":
        return f"{moment:%H:%M}"
    if style == "short":
        if moment.date() == timezone.localdate():
            return f"{moment:%H:%M}"
        return f"{moment.day} {month}"
    return f"{date}، {moment:%H:%M}"


def hijri_date(moment):
    """The Umm al-Qura date of `moment`'s day in the newsroom's time zone: «23 جمادى الآخرة
    1448 هـ» (hijridate; the calendar Saudi Arabia publishes, computed, so a local sighting
    may differ by a day). "" for an empty value or a day outside the tables (1924-2077)."""
    if not moment:
        return ""
    if isinstance(moment, datetime):
        day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    else:
        day = moment
    try:
        hijri = Gregorian.fromdate(date(day.year, day.month, day.day)).to_hijri()
    except OverflowError:
        return ""
    return f"{hijri.day} {hijri.month_name('ar')} {hijri.year} هـ"


# A counted noun after a number, in Arabic: (one, two, 3 to 10, 11 to 99, 100 and more).
# The dual stands alone («ساعتين»), genitive as after «بعد» and «منذ».
UNITS = {
    "day": ("يوم", "يومين", "أيام", "يوماً", "يوم"),
    "hour": ("ساعة", "ساعتين", "ساعات", "ساعة", "ساعة"),
    "minute": ("دقيقة", "دقيقتين", "دقائق", "دقيقة", "دقيقة"),
}


def count_text(number, unit):
    """«ساعة», «ساعتين», «3 ساعات», «11 ساعة», «25 يوماً»: a number with its noun."""
    one, two, few, many, hundreds = UNITS[unit]
    if number == 1:
        return one
    if number == 2:
        return two
    tens = number % 100
    if 3 <= tens <= 10:
        return f"{number} {few}"
    if 11 <= tens <= 99:
        return f"{number} {many}"
    return f"{number} {hundreds}"


def duration_text(delta):
    """A length of time in words, its two largest units: «ساعتين و59 دقيقة», «3 أيام
    و4 ساعات», «أقل من دقيقة». Minutes are counted down (never rounded up)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes == 0:
        return "أقل من دقيقة"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    return " و".join(count_text(n, unit) for n, unit in parts if n)


def time_until_text(moment, now=None):
    """How long until `moment`, in words (duration_text): «ساعتين و59 دقيقة»."""
    return duration_text(moment - (now or timezone.now()))


def time_since_text(moment, now=None):
    """How long since `moment`, in words (duration_text)."""
    return duration_text((now or timezone.now()) - moment)
