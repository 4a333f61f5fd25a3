"""The second step, enforced for every URL at once rather than view by view.

After django_otp's OTPMiddleware has told whether this session passed the second step, a
staff member who must pass it and has not (staff.policy.is_pending):

- on an admin URL is sent to the second step (GET) or refused with 403 (anything else: a
  form, a JSON endpoint), whatever the view;
- anywhere else is treated as an anonymous visitor: every staff-only endpoint outside the
  admin (the editor's image and article pickers, draft previews, JSON under /editor/...)
  checks `request.user` and so refuses, without knowing about the second factor.

Only the views marked with `second_step_view` (the second step itself, set-up) and the
admin's logout see the real user. A new staff endpoint is covered with nothing to do.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse

from .policy import is_pending

# The login itself (to log in as someone else) and the logout.
OPEN_VIEWS = {"admin_login_throttled", "admin:login", "admin:logout"}

REFUSED = "أكمل الدخول بالخطوة الثانية أولاً (رمز تطبيق المصادقة)."


def second_step_view(view):
    """Marks a view that a logged-in user who has not passed the second step may open."""
    view.second_step_view = True
    return view


async def anonymous():
    return AnonymousUser()


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Without a session cookie nobody is logged in; not touching request.user then keeps
        # readers' pages free of the session (no `Vary: Cookie`: the page cache stores them).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        if not request.user.is_authenticated or not is_pending(request.user):
            return None
        match = request.resolver_match
        if getattr(view_func, "second_step_view", False) or match.view_name in OPEN_VIEWS:
            return None
        if request.path.startswith(reverse("admin:index")):
            if request.method in ("GET", "HEAD"):
                target = reverse("staff:second_step")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
            return HttpResponseForbidden(REFUSED, content_type="text/plain; charset=utf-8")
        request.user = AnonymousUser()
        request.auser = anonymous
        return None
