"""A URLconf for tests/test_page_cache.py: the real URLs plus a stand-in preview page (the
real one is built on another branch)."""

import uuid

from django.http import HttpResponse
from django.urls import include, path


def preview(request, token):
    return HttpResponse(f"preview {uuid.uuid4()}")


urlpatterns = [
    path("preview/<str:token>/", preview, name="preview"),
    path("", include("newsroom.urls")),
]
