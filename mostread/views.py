"""The beacon: an article page's script posts here once per view (static/js/mostread.js).

CSRF-exempt, the one view that is (tests/test_security.py lists it): a beacon carries no
token, since the page is the same cached copy for everyone, and the worst a forged request
can do is what any client can do anyway, add one to a counter. It reads no cookie, no session
and no body, sets no cookie, and is never cached (`no-store`, no surrogate key).
"""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from pagecache.middleware import has_staff_marker

from .bots import from_other_site, is_bot, is_prefetch
from .counting import record

BIGGEST_ID = 2**63 - 1  # a bigint; a larger number is no article's


def text(message, status, **headers):
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    for name, value in headers.items():
        response[name] = value
    return response


def counted(request):
    """A reader's view: not a bot, not a prefetch, from our own page, not staff at work."""
    return not (
        is_bot(request)
        or is_prefetch(request)
        or from_other_site(request)
        or has_staff_marker(request)
    )


@csrf_exempt
@never_cache
def beacon(request, pk):
    if request.method != "POST":
        return text("هذا العنوان يقبل طلبات POST فقط.", 405, Allow="POST")
    if not 0 < pk <= BIGGEST_ID:
        return text("لا يوجد مقال منشور بهذا الرقم.", 404)
    if counted(request) and not record(pk):
        return text("لا يوجد مقال منشور بهذا الرقم.", 404)
    return HttpResponse(status=204)
