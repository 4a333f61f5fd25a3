"""The digits reader pages write numbers with: settings.NEWSROOM_DIGITS, `western` (0123,
the default: what most Arabic news sites and search engines show) or `eastern` (٠١٢٣, the
Arabic-Indic digits). Applied to dates, times and counts the site writes (reading time, page
numbers, result counts), never to what editors wrote, to URLs or to machine-readable values
(`<time datetime>`, JSON-LD). The admin keeps Western digits: editors type and compare ISO
dates there."""

from django.conf import settings

DIGITS = ("western", "eastern")
EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def display_digits(value):
    """`value` as text, in the site's digits."""
    text = str(value)
    return text.translate(EASTERN) if settings.NEWSROOM_DIGITS == "eastern" else text
