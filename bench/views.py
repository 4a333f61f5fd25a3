"""`make bench` only (settings.BENCH_VIEWS): the floor the page cache is measured against.

The view answers with the bytes of a real page, read once from the file the bench saved, so
the comparison differs only in how the bytes are obtained, not in their size.
"""

from functools import cache

from django.conf import settings
from django.http import HttpResponse


@cache
def page_bytes():
    return settings.BENCH_PAGE_FILE.read_bytes()


def minimal(request):
    return HttpResponse(page_bytes(), content_type="text/html; charset=utf-8")
