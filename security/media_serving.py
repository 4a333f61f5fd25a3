"""Uploaded files are served as inert data: a file that is really HTML or SVG with a script
cannot run on the site's origin. nginx adds the same headers in production
(deploy/nginx/newsroom.conf); this view is for DEBUG only."""

from django.http import Http404
from django.views.static import serve

MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def serve_media(request, path, document_root):
    try:
        response = serve(request, path, document_root=document_root)
    except OSError:  # a name the file system refuses (too long, ...): no such file
        raise Http404 from None
    for header, value in MEDIA_HEADERS.items():
        response[header] = value
    return response
