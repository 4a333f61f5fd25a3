from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import passkeys, views
from .middleware import second_step_view

app_name = "staff"

urlpatterns = [
    path("", views.second_step, name="second_step"),
    path("setup/", views.setup, name="setup"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
    # Passkeys (staff/passkeys.py): the JSON the package's scripts talk to, and their strings
    # (django-otp-webauthn's, in Arabic from locale/ar/LC_MESSAGES/djangojs.po).
    path("passkey/register/begin/", passkeys.register_begin, name="passkey_register_begin"),
    path(
        "passkey/register/complete/", passkeys.register_complete, name="passkey_register_complete"
    ),
    path("passkey/auth/begin/", passkeys.auth_begin, name="passkey_auth_begin"),
    path("passkey/auth/complete/", passkeys.auth_complete, name="passkey_auth_complete"),
    path(
        "passkey/jsi18n/",
        second_step_view(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
        name="passkey_jsi18n",
    ),
]
