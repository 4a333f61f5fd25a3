"""A staff member's second-factor devices: an authenticator app (TOTP), passkeys and security
keys (WebAuthn, staff/passkeys.py) and one-time backup codes, stored by django-otp."""

import base64
import secrets

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

APP_NAME = "تطبيق المصادقة"
BACKUP_NAME = "رموز احتياطية"
BACKUP_CODE_COUNT = 10


def pending_app(user):
    """The authenticator being set up: unconfirmed until the person types a code from it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def secret_text(device):
    """The key as people type it into an app by hand: base32 in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device):
    """The otpauth:// URL as an SVG QR code, made here: the secret never leaves the server
    for a QR service, and the image is a data: URI the CSP allows (img-src data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


@transaction.atomic
def confirm_app(device):
    """The app works: it becomes the account's only authenticator (an older one is removed)."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


@transaction.atomic
def new_backup_codes(user):
    """Ten fresh one-time codes; the old ones stop working. Returned once, to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**10):010d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def has_backup_codes(user):
    return StaticToken.objects.filter(device__user=user, device__name=BACKUP_NAME).exists()


def match(user, code):
    """The device that accepts `code` (each one counts its own failures and slows down), or
    None. A backup code is deleted as it is used."""
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def reset(user):
    """Every device of the account, gone: its next login starts with setting one up."""
    removed = [str(device) for device in devices_for_user(user, confirmed=None)]
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    return removed
