"""What readers get when something breaks: a short Arabic 503 page when the database is
unreachable or a query runs past the statement timeout, the 500 page for anything else.
Both render without touching the database, never a traceback."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("ops.faults")

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
    return response


class SkipLoggedOutages(logging.Filter):
    """For the `django.request` logger: a 503 was logged once already, by whoever answered
    it (the outage here, `/readyz` in ops.health), without the exception's message, which
    can hold the database's host name or SQL. Django's own line would repeat it."""

    def filter(self, record):
        return getattr(record, "status_code", None) != 503


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


@requires_csrf_token
def server_error(request):
    """The 500 page, rendered without the request's context processors: nothing on it may
    touch the database, which may be what failed."""
    template = loader.get_template("500.html")
    context = {"SITE_NAME": settings.SITE_NAME, "today": timezone.now()}
    return HttpResponseServerError(template.render(context))


def handler500(request):
    """Errors outside views (middleware, session saving) reach here: a database error still
    becomes the 503 page; any other error gets the reader's 500 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        logger.error("Database unavailable (%s) on %s", type(exception).__name__, request.path)
        return service_unavailable(request)
    return server_error(request)
