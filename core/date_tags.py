"""Template filters for Django templates (the admin): the newsroom's dates (core/dates.py).

    {% load newsroom_dates %}
    {{ article.published_at|newsroom_date }}          25 تشرين الثاني 2026، 14:05
    {{ article.published_at|newsroom_date:"date" }}   25 تشرين الثاني 2026
    {{ article.published_at|time_until }}             ساعتين و59 دقيقة
    {{ revision.date_created|time_since }}            3 أيام و4 ساعات

Registered as the library `newsroom_dates` in settings.TEMPLATES."""

from django import template

from . import dates

register = template.Library()


@register.filter
def newsroom_date(value, style="datetime"):
    return dates.format_datetime(value, style)


@register.filter
def time_until(value):
    return dates.time_until_text(value) if value else ""


@register.filter
def time_since(value):
    return dates.time_since_text(value) if value else ""
