"""Dates on the desk as the site writes them (articles/presentation.py): the newsroom's
month names and zone, Western digits. No database access."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from articles.presentation import MONTHS, WEEKDAYS, arabic_date

register = template.Library()


@register.filter
def newsroom_date(value, style="datetime"):
    if value and not isinstance(value, datetime):  # a calendar day
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return arabic_date(value, style)


@register.filter
def newsroom_time(value):
    return f"{timezone.localtime(value):%H:%M}" if value else ""


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
    return f"منذ {timesince(value, depth=1)}"


@register.filter
def until(value):
    if not value:
        return ""
    if (value - timezone.now()).total_seconds() < 60:
        return "خلال لحظات"
    return f"بعد {timeuntil(value, depth=2)}"
