"""The second step after the password, setting up an authenticator, and backup codes."""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from core import events
from security import login_throttle

from . import devices, passkeys
from .forms import CodeForm
from .middleware import second_step_view

WRONG_CODE = "الرمز غير صحيح أو انتهت صلاحيته. اكتب الرمز الظاهر الآن في التطبيق."


def context(request, **extra):
    # The admin's look without its menus: nothing there opens before the second step.
    return admin.site.each_context(request) | {"available_apps": [], **extra}


def passkey_context(request):
    """What the passkey buttons need: the package's configuration, and whether a passkey can
    work on the host this page was opened on (never on an IP address)."""
    return {
        "passkey_config": passkeys.configuration(request),
        "passkey_usable": passkeys.usable_here(request),
        "passkey_rp_id": passkeys.rp_id(),
    }


def next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def mark_verified(request, device):
    """The session passed the second step: remembered by django-otp, under a new session
    key (what an attacker may have fixed before the login is worth nothing after it)."""
    request.session.cycle_key()
    django_otp.login(request, device)
    events.send(__name__, "login_verified", request.user, target=request.user, detail=str(device))
    if device.name == devices.BACKUP_NAME:
        events.send(__name__, "backup_code_used", request.user, target=request.user)


def verified(request, device, target):
    mark_verified(request, device)
    return redirect(target)


@second_step_view
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@staff_member_required
def second_step(request):
    user = request.user
    target = next_url(request)
    if user.is_verified():
        return redirect(target)
    if not user_has_device(user):
        return redirect(f"{reverse('staff:setup')}?{urlencode({'next': target})}")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        keys = login_throttle.second_step_keys(request, user)
        if login_throttle.is_throttled(keys):
            events.send(__name__, "second_step_throttled", user, target=user, detail="refused")
            return login_throttle.locked_response(request)
        if form.is_valid():
            device = devices.match(user, form.cleaned_data["code"])
            if device is not None:
                login_throttle.forget_account(keys)
                return verified(request, device, target)
        login_throttle.record_failure(keys)
        events.send(__name__, "second_step_failed", user, target=user, detail="counted")
        form.add_error(None, WRONG_CODE)
        status = 400
    return render(
        request,
        "staff/second_step.html",
        context(
            request,
            form=form,
            next=target,
            title="الخطوة الثانية",
            has_passkey=passkeys.has_passkey(user),
            **passkey_context(request),
        ),
        status=status,
    )


@second_step_view
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
@staff_member_required
def setup(request):
    """Setting up the authenticator app: open to someone who has none yet (just after the
    password) or who passed the second step already (replacing a phone). Never to someone
    with a device who has not: a stolen password must not be able to add the thief's."""
    user = request.user
    if not (user.is_verified() or not user_has_device(user)):
        return redirect(f"{reverse('staff:second_step')}?{urlencode({'next': next_url(request)})}")
    device = devices.pending_app(user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        keys = login_throttle.second_step_keys(request, user)
        if login_throttle.is_throttled(keys):
            return login_throttle.locked_response(request)
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            devices.confirm_app(device)
            codes = devices.new_backup_codes(user)
            request.session.cycle_key()
            django_otp.login(request, device)
            events.send(__name__, "device_added", user, target=user, detail=devices.APP_NAME)
            events.send(__name__, "backup_codes", user, target=user)
            return render(
                request,
                "staff/backup_codes.html",
                context(request, codes=codes, next=next_url(request), title="رموز احتياطية"),
            )
        login_throttle.record_failure(keys)
        form.add_error(None, WRONG_CODE)
        status = 400
    return render(
        request,
        "staff/setup.html",
        context(
            request,
            form=form,
            next=next_url(request),
            qr=devices.qr_data_uri(device),
            secret=devices.secret_text(device),
            issuer=settings.OTP_TOTP_ISSUER,
            title="إعداد الخطوة الثانية",
            has_backup_codes=devices.has_backup_codes(user),
            **passkey_context(request),
        ),
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_member_required
def backup_codes(request):
    """New backup codes (the old ones stop working), after the second step only: the
    middleware keeps anyone else out of every admin URL."""
    if request.method == "POST":
        codes = devices.new_backup_codes(request.user)
        events.send(__name__, "backup_codes", request.user, target=request.user)
        return render(
            request,
            "staff/backup_codes.html",
            context(request, codes=codes, next=next_url(request), title="رموز احتياطية"),
        )
    return render(request, "staff/backup_codes_new.html", context(request, title="رموز احتياطية"))
