from django.conf import settings


def site(request):
    """Site-wide names for templates; no database access, so error pages can use it."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "NEWSROOM_DIGITS": settings.NEWSROOM_DIGITS,
    }
