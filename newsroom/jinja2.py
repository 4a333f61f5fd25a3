"""The Jinja2 environment of reader pages (jinja2/). Reader pages are Jinja2 because a page
that misses the cache is rendered while a reader waits: the article page's template took
3.4 ms in Django's template language and 1.6 ms here, most of it now our own Python
(pictures, share data; bench/RESULTS.md). The admin, sitemaps and robots.txt keep Django's
templates (templates/)."""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaultfilters import linebreaksbr, truncatechars, urlencode
from django.templatetags.static import static as django_static
from django.utils import timezone
from django.utils.encoding import uri_to_iri
from jinja2 import Environment, Undefined

from articles.body.embeds import render_embeds
from articles.presentation import (
    arabic_date,
    hijri_text,
    iso_datetime,
    reading_time_text,
    share_links,
)
from articles.share import share_data
from core.digits import display_digits
from core.routing import object_url
from images.pictures import picture


@lru_cache(maxsize=1024)
def static(path):
    """The static file's (hashed) URL, remembered: a page asks for the same five on every
    render, and each was a manifest lookup."""
    return django_static(path)


@receiver(setting_changed)
def forget_static_urls(**kwargs):
    static.cache_clear()


def isoformat(value):
    """Django's `date:"c"`: ISO 8601 in the current time zone."""
    return timezone.localtime(value).isoformat() if value else ""


def environment(**options):
    # Escaped as in Django's templates, and an unknown name prints nothing, in DEBUG too
    # (Django's default there, DebugUndefined, would print "{{ name }}" on the page).
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options | {"undefined": Undefined})
    env.globals.update(
        url=object_url,
        static=static,
        picture=picture,
        share_links=share_links,
        share_data=share_data,
    )
    env.filters.update(
        arabic_date=arabic_date,
        digits=display_digits,
        embeds=render_embeds,
        hijri_date=hijri_text,
        iso_datetime=iso_datetime,
        isoformat=isoformat,
        linebreaksbr=linebreaksbr,
        reading_time=reading_time_text,
        truncatechars=truncatechars,
        urlencode=urlencode,
        uri_to_iri=uri_to_iri,
    )
    return env
