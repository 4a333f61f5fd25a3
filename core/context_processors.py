from django.conf import settings


def site(request):
    """Site-wide names for templates; no database access, so error pages can use it. The
    push key is the same for every reader (the page stays cacheable); both VAPID keys must be
    set for the breaking-news control to show."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "PUSH_PUBLIC_KEY": settings.VAPID_PUBLIC_KEY if settings.VAPID_PRIVATE_KEY else "",
        "NEWSROOM_DIGITS": settings.NEWSROOM_DIGITS,
    }
