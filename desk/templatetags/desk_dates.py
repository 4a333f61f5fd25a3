"""Dates on the desk in the newsroom's one date language (core/dates.py): the month names of
settings.NEWSROOM_MONTH_NAMES, the newsroom's zone, Western digits. No database access."""

from datetime import datetime

from django import template
from django.utils import timezone

from core.dates import WEEKDAYS, format_datetime, time_since_text, time_until_text

register = template.Library()


@register.filter
def newsroom_date(value, style="datetime"):
    if value and not isinstance(value, datetime):  # a calendar day
        return format_datetime(value, "date")
    return format_datetime(value, style)


@register.filter
def newsroom_time(value):
    return format_datetime(value, "time")


@register.filter
def weekday(date):
    return WEEKDAYS[date.weekday()]


@register.filter
def since(value):
    """«منذ 3 ساعات», «منذ لحظات» under a minute."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "منذ لحظات"
    return f"منذ {time_since_text(value)}"


@register.filter
def until(value):
    if not value:
        return ""
    if (value - timezone.now()).total_seconds() < 60:
        return "خلال لحظات"
    return f"بعد {time_until_text(value)}"
