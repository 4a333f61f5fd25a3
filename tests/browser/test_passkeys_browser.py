"""In Chromium with a virtual authenticator (the DevTools protocol's WebAuthn domain, what a
phone's fingerprint or a USB key does): an editor adds a passkey on the set-up page, logs
out, logs in with the password and the passkey, reaches the admin; the administrators' audit
view shows the set-up and the second step."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_otp_webauthn.models import WebAuthnCredential

from articles.roles import EDITORS
from audit.models import AuditEvent

from .conftest import pass_second_step
from .test_second_factor_browser import no_horizontal_scroll, type_password

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _passkeys_on_the_live_server(settings, live_server):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    # WebAuthn refuses an IP address as the RP id: pytest-django's live server listens on
    # "localhost" (its default address), which the settings must name, port and all.
    host = urlsplit(live_server.url).hostname
    assert host == "localhost", f"the live server must be on localhost, not {host}"
    settings.OTP_WEBAUTHN_RP_ID = host
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]


def virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp, authenticator["authenticatorId"]


def test_editor_adds_a_passkey_and_logs_in_with_it(page_at, live_server, make_user, screenshot):
    editor = make_user("editor", EDITORS, first_name="سارة", last_name="الأحمد")
    page = page_at(390)
    cdp, authenticator_id = virtual_authenticator(page)

    type_password(page, live_server, "editor")
    page.wait_for_url("**/admin/second-factor/setup/**")
    button = page.locator("#passkey-register-button")
    assert button.inner_text() == "مفتاح مرور أو مفتاح أمان"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert no_horizontal_scroll(page)
    page.locator("#passkey-setup").scroll_into_view_if_needed()
    screenshot(page, "passkey-setup-390")
    button.click()
    # A first device: the backup codes follow, as after setting up the app.
    page.wait_for_selector("#backup-codes")
    assert page.locator("#backup-codes li").count() == 10
    passkey = WebAuthnCredential.objects.get(user=editor)
    assert passkey.confirmed and passkey.name == "مفتاح مرور"
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    page.click("#backup-codes-done")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.click("#logout-form button[type=submit]")
    page.wait_for_url("**/admin/logout/")
    type_password(page, live_server, "editor", "/admin/articles/article/")
    page.wait_for_url("**/admin/second-factor/?next=**")
    assert no_horizontal_scroll(page)
    screenshot(page, "passkey-second-step-390")
    # Before the second step the admin stays closed.
    page.goto(f"{live_server.url}/admin/articles/article/")
    page.wait_for_url("**/admin/second-factor/?next=**")
    page.click("#passkey-verification-button")
    page.wait_for_url(f"{live_server.url}/admin/articles/article/")
    assert page.locator("#result_list, .paginator").count() >= 1
    assert page.console_errors == [] and page.foreign_requests == []
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None

    chief = get_user_model().objects.create_superuser("chief", password=PASSWORD)
    admin_page = page_at(1280)
    after_password = pass_second_step(admin_page, chief)
    type_password(admin_page, live_server, "chief", "/admin/audit/auditevent/")
    after_password()
    admin_page.wait_for_url("**/admin/audit/auditevent/")
    rows = admin_page.inner_text("#result_list")
    screenshot(admin_page, "passkey-audit-1280")
    assert "إعداد الخطوة الثانية" in rows and "اجتياز الخطوة الثانية" in rows
    editor_rows = AuditEvent.objects.filter(actor=editor)
    assert editor_rows.filter(action="device_added", detail="passkey").count() == 1
    assert editor_rows.filter(action="login_verified", detail__startswith="مفتاح مرور").count() == 1
