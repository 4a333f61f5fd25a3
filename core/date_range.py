"""The dates the newsroom accepts: the years 1900 to 2100, in its own time zone.

Python and the databases take far more, but not everything downstream does: 0001-01-01 in
Damascus time is stored by PostgreSQL as a BC timestamp that psycopg cannot read back (every
list showing the article answered 500), SQLite's adapter overflows converting it to UTC, and
9999-12-31 overflows when shown in a zone east of UTC. No story is dated outside this range;
a date there is a typo.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

FIRST_YEAR, LAST_YEAR = 1900, 2100
MESSAGE = f"هذا التاريخ غير مقبول: اختر تاريخاً بين عامَي {FIRST_YEAR} و{LAST_YEAR}."


def in_date_range(value):
    """Whether `value` (a date or datetime) falls in the accepted years. An aware datetime is
    compared as an instant with the bounds in the newsroom's zone, without converting it
    (converting year 1 or 9999 to another zone is exactly what overflows)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        zone = timezone.get_default_timezone()
        first = datetime.datetime(FIRST_YEAR, 1, 1, tzinfo=zone)
        return first <= value < datetime.datetime(LAST_YEAR + 1, 1, 1, tzinfo=zone)
    return FIRST_YEAR <= value.year <= LAST_YEAR


def validate_date_range(value):
    """Validator for date fields people fill in (model and form fields)."""
    if value is not None and not in_date_range(value):
        raise ValidationError(MESSAGE, code="date_out_of_range")


def validate_dates(instance):
    """Run the validators of `instance`'s date fields, raising ValidationError naming each
    bad field: saves that never meet a form (the shell, imports, workflow functions) must not
    store a date the database cannot give back."""
    dates = {
        field.name
        for field in instance._meta.concrete_fields
        if isinstance(field, models.DateField)  # DateTimeField included
    }
    instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name not in dates])
