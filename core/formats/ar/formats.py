"""The newsroom's Arabic date and time formats (settings.FORMAT_MODULE_PATH), replacing
Django's own `ar` formats («ديسمبر 2، 2026»): day, month, year as the public site writes them
(core/dates.py), a 24-hour clock, Western digits. Month names come from the catalog of the
chosen set (locale/months/<set>/, settings NEWSROOM_MONTH_NAMES)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y، H:i"
# Input formats are not set here: Django's defaults (ISO first) stay, as the widgets expect.
# Django's own `ar` separators, kept.
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
