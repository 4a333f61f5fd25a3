"""Who must pass the second step, and whether this request has passed it."""

from django.conf import settings
from django_otp import user_has_device

# Holding any of these makes an account an editor's or an administrator's.
PRIVILEGED_PERMISSIONS = [
    "articles.publish_article",
    "auth.add_user",
    "auth.change_user",
    "auth.change_group",
]


def second_factor_required(user):
    """Editors (who can publish) and administrators always; journalists when
    NEWSROOM_2FA_FOR_JOURNALISTS is on, or as soon as they set up a device of their own."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if settings.SECOND_FACTOR_FOR_ALL_STAFF or user.is_superuser:
        return True
    return any(user.has_perm(p) for p in PRIVILEGED_PERMISSIONS) or user_has_device(user)


def is_pending(user):
    """Logged in with a password, second step still due."""
    return user.is_authenticated and not user.is_verified() and second_factor_required(user)
