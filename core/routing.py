"""URL building shared by the apps: the Arabic slug converter, and `reverse()` remembered for
the site's own URLs (models' `get_absolute_url()` and the reader templates' `url()`).

A page shows each section link twice and dozens of article links; Django's `reverse()`
re-quotes the Arabic slug every time (a quarter of an article page's template time). A URL
depends only on the URLconf, the script prefix and the arguments, so it is remembered under
those, with a bound on memory, and forgotten when a test swaps the URLconf.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, register_converter, reverse


class UnicodeSlugConverter:
    """Django's `slug` converter is ASCII-only; Arabic slugs need \\w."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def register_converters():
    """Called by the root URLconf before it includes any app's URLs."""
    register_converter(UnicodeSlugConverter, "uslug")


@lru_cache(maxsize=20_000)
def _reverse(urlconf, prefix, name, args):
    return reverse(name, args=args)


def object_url(name, *args):
    return _reverse(get_urlconf(), get_script_prefix(), name, args)


@receiver(setting_changed)
def forget(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
