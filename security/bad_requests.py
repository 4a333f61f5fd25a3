"""Requests the site cannot read get an Arabic 400 page, never Django's bare English one.

A journalist whose paste made the request bigger than DATA_UPLOAD_MAX_MEMORY_SIZE is told
what happened and that the text is still in the browser (Back), not «Bad Request (400)».
A NUL character in the URL is refused here before any view (DESIGN.md, "A NUL in a URL is
refused before any view").
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest
from django.template import loader

TOO_BIG = (
    "ما أرسلته أكبر من الحد الذي يقبله الموقع، فلم يُحفظ شيء. ارجع إلى الصفحة السابقة "
    "(زر الرجوع في المتصفح) لتجد نصك، واختصره أو قسّمه ثم احفظ من جديد."
)
UNREADABLE = "تعذّر فهم هذا الطلب. تحقق من الرابط، أو ارجع إلى الصفحة السابقة وحاول من جديد."


def bad_request(request, exception=None):
    """handler400. Rendered without context processors, as the 500 page is: nothing on it
    needs the database."""
    message = TOO_BIG if isinstance(exception, RequestDataTooBig) else UNREADABLE
    template = loader.get_template("400.html")
    context = {"SITE_NAME": settings.SITE_NAME, "message": message}
    return HttpResponseBadRequest(template.render(context))


class RefuseNulMiddleware:
    """400 for a NUL character in the path or the query string. No URL of the site holds
    one; PostgreSQL refuses NUL in any text it is sent (a 500 wherever a URL value reaches a
    query: author pages, admin filters, searches, autocomplete) while SQLite takes it. One
    check here instead of one in every lookup, and both databases answer alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return bad_request(request)
        return self.get_response(request)
