"""Old addresses answered with 301, without a query on normal pages.

The table is read only when the site itself has nothing at an address: when the response
is a 404 (any path), and for WordPress's query forms on the home page (`/?p=123`), which
is a 200 page, only when the request carries one of their parameters. A page that renders
normally never reaches the table.
"""

import logging

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from .paths import QUERY_KEYS, canonical, query_key, split_variant

logger = logging.getLogger(__name__)
# The home page answers 200 whatever its query: these parameters send it to the table.
HOME_PARAMETERS = (*QUERY_KEYS, "feed")


class OldUrlRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in {"GET", "HEAD"}
        if reading and request.path == "/" and any(name in request.GET for name in HOME_PARAMETERS):
            found = self.redirect_for(request)
            if found is not None:
                return found
        response = self.get_response(request)
        if response.status_code == 404 and reading:
            return self.redirect_for(request) or response
        return response

    def redirect_for(self, request):
        from .models import Redirect

        keys = []
        feed = request.GET.get("feed") is not None
        query = query_key(request.GET)
        if query:
            keys.append((query, "feed" if feed else None))
        elif request.path == "/" and feed:
            return HttpResponsePermanentRedirect(reverse("feed_latest"))
        base, variant = split_variant(canonical(request.path))
        if base == "/" and variant == "feed":
            return HttpResponsePermanentRedirect(reverse("feed_latest"))
        if base != "/":
            keys.append((base, variant))
        if not keys:
            return None
        try:
            rows = {
                row.old_path: row
                for row in Redirect.objects.select_related("section", "tag", "author").filter(
                    old_path__in=[key for key, _ in keys]
                )
            }
            for key, variant in keys:
                if key in rows:
                    target = rows[key].destination(variant)
                    return HttpResponsePermanentRedirect(target) if target else None
        except DatabaseError:
            # The 404 stands: an outage of the database is answered by the page itself.
            logger.exception("Redirect lookup failed for %s", request.path)
        return None
