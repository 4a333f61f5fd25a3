"""Template filter rendering form media under the request's CSP nonce.

Registered as the `csp_media` template library in settings.TEMPLATES.
"""

from django import template
from js_asset import Media

register = template.Library()


@register.filter
def with_csp_nonce(media, request):
    """Every tag of `media` (import map, scripts, stylesheets) with nonce="…"; the nonce
    then appears in the response's Content-Security-Policy header."""
    nonce = getattr(request, "csp_nonce", None)
    if nonce is None:
        return media
    return Media.from_media(media, nonce=str(nonce)).render()
