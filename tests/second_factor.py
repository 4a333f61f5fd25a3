"""Logging staff in with both steps in tests.

`client.force_login(user)` means "this person is logged in" in every test of the suite: for
staff it also marks the session as having passed the second step, through a real confirmed
authenticator (tests/conftest.py patches it with `verified_force_login`). The middleware that
enforces the second step stays on; tests of the enforcement itself log in with the password
only (`password_only_login`) or through the login form.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

original_force_login = Client.force_login


def app_for(user):
    """A confirmed authenticator for `user` (the one it has, or a new one)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test app", confirmed=True)


def fresh_app_for(user):
    """A new authenticator, for a test that types a code: a TOTP code is accepted once, so
    two logins in the same 30 seconds need two devices."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="test app", confirmed=True)


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def verified_force_login(client, user, backend=None):
    original_force_login(client, user, backend)
    if user.is_staff:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = app_for(user).persistent_id
        session.save()


def password_only_login(client, user, backend=None):
    """Logged in, second step not passed: what a stolen password gives."""
    original_force_login(client, user, backend)
