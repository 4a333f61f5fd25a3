"""When the database is unreachable or a query runs past the statement timeout, readers get
a short Arabic 503 page rendered without touching the database, never a traceback."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger("newsroom.faults")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def service_unavailable(request=None):
    """503 + Retry-After. Rendered with a plain context: no context processors, no request,
    so nothing here can query the database."""
    html = loader.get_template("503.html").render(
        {"SITE_NAME": settings.SITE_NAME, "retry_after": settings.RETRY_AFTER_SECONDS}
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Logged once, by the caller, without the message; django.request would add a second line.
    response._has_been_logged = True
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database error raised by a view into the 503 page (also in DEBUG)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            # The class only: the message can hold the host name, the port or SQL.
            logger.error("Database unavailable (%s) on %s", type(exception).__name__, request.path)
            return service_unavailable(request)
        return None


def handler500(request):
    """Errors outside views (middleware, session saving) reach here: a database error still
    becomes the 503 page; any other error gets the reader's 500 page."""
    from articles.views import server_error

    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        logger.error("Database unavailable (%s) on %s", type(exception).__name__, request.path)
        return service_unavailable(request)
    return server_error(request)
