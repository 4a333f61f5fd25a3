"""Passkeys and security keys as a second factor (django-otp-webauthn).

A passkey is a django-otp device (WebAuthnCredential), so everything that asks "does this
account have a device?" (SecondFactorMiddleware, the second step, the set-up page) counts it
with nothing to change. What this module adds to the package's four JSON views:

- they are open to a session that has typed the password but not passed the second step
  (`second_step_view`), as the second step's own pages are;
- never a login without the password (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is off and the
  authentication views want a logged-in user);
- a new passkey only from someone who has no device yet or has passed the second step (the
  package's own rule, kept);
- the login throttle counts refused passkeys like wrong codes and refuses over its limit;
- registration and use are audit events, like the authenticator app's;
- every message the page shows comes back in Arabic.
"""

import ipaddress

from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from core import events
from security import login_throttle

from .middleware import second_step_view

NAME = "مفتاح مرور"

REFUSED = "لم يُقبل مفتاح المرور. جرّب مرة أخرى، أو اكتب رمزاً من تطبيق المصادقة."
MESSAGES = {
    "not_authenticated": "ادخل بكلمة المرور أولاً.",
    "user_not_verified": "أكمل الخطوة الثانية أولاً، ثم أضف مفتاح المرور.",
    "invalid_state": "انتهت المحاولة. اضغط الزر مرة أخرى.",
    "malformed_request": "طلب غير صالح. أعد تحميل الصفحة وحاول مجدداً.",
    "user_disabled": "هذا الحساب معطّل.",
    "passwordless_login_disabled": "ادخل بكلمة المرور أولاً.",
}


class Throttled(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_code = "throttled"


def rp_id():
    return settings.OTP_WEBAUTHN_RP_ID


def usable_here(request):
    """Whether a passkey can work on the host this page was opened on: the browser refuses
    any RP id that is not this host or a parent domain of it, and any IP address."""
    host = request.get_host().rsplit(":", 1)[0].strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host == rp_id() or host.endswith(f".{rp_id()}")
    return False


def configuration(request):
    """What the package's scripts read from the page (<script type="application/json">)."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": get_token(request),
        "beginAuthenticationUrl": reverse("staff:passkey_auth_begin"),
        "completeAuthenticationUrl": reverse("staff:passkey_auth_complete"),
        "beginRegistrationUrl": reverse("staff:passkey_register_begin"),
        "completeRegistrationUrl": reverse("staff:passkey_register_complete"),
    }


def has_passkey(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


class Helper(WebAuthnHelper):
    def create_credential(self, *args, **kwargs):
        device = super().create_credential(*args, **kwargs)
        device.name = NAME  # what the audit log and the device reset show
        return device


def arabic(exc):
    """The package's error, as the page shows it: a known case in its own words, anything
    about the passkey itself in one sentence (which check failed stays in the server)."""
    message = MESSAGES.get(exc.code) or (exc.detail if isinstance(exc, Throttled) else REFUSED)
    return JsonResponse({"detail": message, "code": exc.code}, status=exc.status_code)


class Arabic:
    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            return arabic(exc)
        return super().handle_exception(exc)


class Throttle:
    """Over the login throttle's limit for this account or address: refused before any work."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.is_authenticated:
            keys = login_throttle.second_step_keys(request, request.user)
            if login_throttle.is_throttled(keys):
                events.send(
                    __name__,
                    "second_step_throttled",
                    request.user,
                    target=request.user,
                    detail="passkey refused",
                )
                minutes = max(1, settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60)
                raise Throttled(login_throttle.LOCKED_MESSAGE.format(minutes=minutes))


class RegisterBegin(Arabic, Throttle, BeginCredentialRegistrationView):
    pass


class RegisterComplete(Arabic, Throttle, CompleteCredentialRegistrationView):
    def post(self, request, *args, **kwargs):
        was_verified = request.user.is_verified()
        response = super().post(request, *args, **kwargs)
        if not was_verified:
            # The package marked the session as having passed the second step with the
            # new passkey: a new session key, as after any second step.
            request.session.cycle_key()
        events.send(__name__, "device_added", request.user, target=request.user, detail="passkey")
        return response

    def handle_exception(self, exc):
        user = self.request.user
        counted = isinstance(exc, exceptions.OTPWebAuthnApiError) and not isinstance(exc, Throttled)
        if counted and user.is_authenticated:
            login_throttle.record_failure(login_throttle.second_step_keys(self.request, user))
        return super().handle_exception(exc)


class AuthBegin(Arabic, Throttle, BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        super().check_can_authenticate()


class AuthComplete(Arabic, Throttle, CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        super().check_can_authenticate()

    def complete_auth(self, device):
        from .views import mark_verified  # staff.views imports this module

        login_throttle.forget_account(login_throttle.second_step_keys(self.request, device.user))
        mark_verified(self.request, device)

    def get_success_url(self):
        target = self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return reverse("admin:index")

    def handle_exception(self, exc):
        user = self.request.user
        counted = isinstance(exc, exceptions.OTPWebAuthnApiError) and not isinstance(exc, Throttled)
        if counted and user.is_authenticated:
            login_throttle.record_failure(login_throttle.second_step_keys(self.request, user))
            events.send(__name__, "second_step_failed", user, target=user, detail="passkey refused")
        return super().handle_exception(exc)


register_begin = second_step_view(RegisterBegin.as_view())
register_complete = second_step_view(RegisterComplete.as_view())
auth_begin = second_step_view(AuthBegin.as_view())
auth_complete = second_step_view(AuthComplete.as_view())
