"""Absolute URLs for feeds, sitemaps and share metadata.

They are built from the SITE_URL setting, never from the request's Host header, which a
client chooses (a poisoned host would otherwise end up in feeds, caches and shared links).
Arabic paths are percent-encoded UTF-8, as feeds and sitemaps require.
"""

from django.conf import settings
from django.utils.encoding import iri_to_uri


def absolute_url(path_or_url):
    url = str(path_or_url)
    if not url.startswith(("http://", "https://")):
        url = settings.SITE_URL + "/" + url.lstrip("/")
    return iri_to_uri(url)
