"""Passkeys and security keys as the second step (staff/passkeys.py): a passkey is a device
for every rule, is added and used through the package's ceremonies (driven here by a
software authenticator over real HTTP requests), is throttled and audited like a code, and
goes with an administrator's reset."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django_otp_webauthn.models import WebAuthnCredential

from articles.roles import EDITORS
from audit.models import AuditEvent
from staff import devices, passkeys

from .dom import parse_html
from .second_factor import code_for, fresh_app_for, password_only_login
from .test_second_factor import backup_codes, log_in
from .webauthn_authenticator import Authenticator

PASSWORD = "correct horse battery staple"
ORIGIN = "http://testserver"
BEGIN_REGISTER = "/admin/second-factor/passkey/register/begin/"
COMPLETE_REGISTER = "/admin/second-factor/passkey/register/complete/"
BEGIN_AUTH = "/admin/second-factor/passkey/auth/begin/"
COMPLETE_AUTH = "/admin/second-factor/passkey/auth/complete/"


@pytest.fixture(autouse=True)
def _passkey_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client's host; a browser would refuse it, py_webauthn does not care.
    settings.OTP_WEBAUTHN_RP_ID = "testserver"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]
    cache.clear()
    yield
    cache.clear()


def post_json(client, url, data=None, query=""):
    return client.post(f"{url}{query}", json.dumps(data or {}), content_type="application/json")


def register(client, authenticator):
    options = post_json(client, BEGIN_REGISTER).json()
    assert options["rp"]["id"] == "testserver"
    return post_json(client, COMPLETE_REGISTER, authenticator.create(options))


def passkey_for(user):
    """A passkey registered through the views by a session that has just set it up."""
    authenticator = Authenticator("testserver", ORIGIN)
    client = Client()
    log_in(client, user)
    assert register(client, authenticator).status_code == 200
    return authenticator


def authenticate(client, authenticator, query="", **forge):
    options = post_json(client, BEGIN_AUTH).json()
    return post_json(client, COMPLETE_AUTH, authenticator.get(options, **forge), query)


# A passkey is a device ------------------------------------------------------------------


def test_editor_with_only_a_passkey_is_sent_to_the_second_step_not_to_setup(client, editor):
    passkey_for(editor)
    password_only_login(client, editor)
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/second-factor/?next=")
    assert client.post("/admin/articles/article/add/", {}).status_code == 403
    page = parse_html(client.get(response["Location"]).content)
    template = page.one("template", id="passkey-verification-available-template")
    assert template.one("button", id="passkey-verification-button").text == "استخدم مفتاح المرور"
    config = json.loads(page.one("script", id="otp_webauthn_config").text)
    assert config["beginAuthenticationUrl"] == BEGIN_AUTH


def test_the_second_step_and_setup_pages_keep_their_query_budget(
    client, editor, make_user, django_assert_max_num_queries
):
    # Session, user, permissions, devices of each kind, the passkey or backup-code check.
    passkey_for(editor)
    log_in(client, editor)
    with django_assert_max_num_queries(8):
        assert client.get("/admin/second-factor/").status_code == 200
    other = Client()
    log_in(other, make_user("desk", EDITORS))
    for _ in range(2):  # the first visit creates the pending authenticator, the second reuses it
        with django_assert_max_num_queries(10):
            assert other.get("/admin/second-factor/setup/").status_code == 200


def test_journalist_who_added_a_passkey_must_use_it(client, journalist):
    log_in(client, journalist)
    assert client.get("/admin/").status_code == 200
    passkey_for(journalist)
    assert client.get("/admin/").status_code == 302


def test_setup_page_offers_a_passkey_in_arabic(client, editor):
    log_in(client, editor)
    page = parse_html(client.get("/admin/second-factor/setup/").content)
    assert page.one("h2", id="passkey-setup-title").text == "أو: مفتاح مرور أو مفتاح أمان"
    template = page.one("template", id="passkey-registration-available-template")
    assert template.one("button", id="passkey-register-button").text == "مفتاح مرور أو مفتاح أمان"
    scripts = [s.attrs.get("src", "") for s in page.find_all("script")]
    assert "/static/django_otp_webauthn/otp_webauthn_register.js" in scripts
    assert not any(src.startswith(("http:", "https:", "//")) for src in scripts)


def test_passkey_is_not_offered_on_an_ip_address(settings, editor):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    client = Client(HTTP_HOST="127.0.0.1")
    log_in(client, editor)
    page = parse_html(client.get("/admin/second-factor/setup/").content)
    assert "testserver" in page.one("p", id="passkey-wrong-host").text
    assert page.find_all("template", id="passkey-registration-available-template") == []


def test_the_scripts_strings_are_arabic(client, editor):
    log_in(client, editor)
    response = client.get("/admin/second-factor/passkey/jsi18n/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    catalog = response.content.decode()
    start = catalog.index("const newcatalog = ") + len("const newcatalog = ")
    strings = json.JSONDecoder().raw_decode(catalog[start:])[0]
    assert strings["Verify with Passkey"] == "استخدم مفتاح المرور"
    assert strings["Registration successful!"] == "أُضيف مفتاح المرور."


# Adding one ----------------------------------------------------------------------------


def test_first_passkey_opens_the_admin_and_is_audited(client, editor):
    log_in(client, editor)
    before = client.session.session_key
    assert register(client, Authenticator("testserver", ORIGIN)).status_code == 200
    assert client.session.session_key != before
    passkey = WebAuthnCredential.objects.get(user=editor)
    assert passkey.confirmed and passkey.name == "مفتاح مرور"
    assert client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action="device_added", actor=editor)
    assert event.detail == "passkey" and event.target == f"auth.user:{editor.pk}"
    # The backup codes follow (the page posts here after the script says it is done).
    response = client.post("/admin/second-factor/backup-codes/", {"next": "/admin/"})
    assert len(backup_codes(response)) == 10


def test_password_alone_cannot_add_a_passkey_to_an_account_that_has_a_device(client, editor):
    fresh_app_for(editor)
    log_in(client, editor)
    response = post_json(client, BEGIN_REGISTER)
    assert response.status_code == 403
    assert response.json()["detail"] == "أكمل الخطوة الثانية أولاً، ثم أضف مفتاح المرور."
    assert not WebAuthnCredential.objects.filter(user=editor).exists()


def test_a_verified_editor_adds_a_passkey_beside_the_app(client, editor):
    device = fresh_app_for(editor)
    log_in(client, editor)
    client.post("/admin/second-factor/", {"code": code_for(device)})
    # The admin's user links lead to the set-up page, once the second step is passed.
    link = parse_html(client.get("/admin/").content).one("a", id="second-factor-link")
    assert link.attrs["href"] == "/admin/second-factor/setup/"
    assert client.get(link.attrs["href"]).status_code == 200
    assert register(client, Authenticator("testserver", ORIGIN)).status_code == 200
    assert WebAuthnCredential.objects.filter(user=editor).count() == 1
    assert AuditEvent.objects.filter(action="device_added", detail="passkey").count() == 1


# Using one ------------------------------------------------------------------------------


def test_password_then_passkey_opens_the_admin_and_is_audited(client, editor):
    authenticator = passkey_for(editor)
    log_in(client, editor)
    before = client.session.session_key
    response = authenticate(client, authenticator, "?next=/admin/articles/article/")
    assert response.status_code == 200
    assert response.json()["redirect_url"] == "/admin/articles/article/"
    assert client.session.session_key != before
    assert client.get("/admin/articles/article/").status_code == 200
    event = AuditEvent.objects.filter(action="login_verified", actor=editor).get()
    assert event.detail.startswith("مفتاح مرور")


def test_off_site_next_is_not_followed(client, editor):
    authenticator = passkey_for(editor)
    log_in(client, editor)
    response = authenticate(client, authenticator, "?next=https://evil.example/")
    assert response.json()["redirect_url"] == "/admin/"


def test_a_passkey_without_the_password_opens_nothing(client, editor):
    authenticator = passkey_for(editor)
    response = post_json(client, BEGIN_AUTH)
    assert response.status_code == 403
    assert response.json()["detail"] == "ادخل بكلمة المرور أولاً."
    options = {"challenge": "AAAA"}
    assert post_json(client, COMPLETE_AUTH, authenticator.get(options)).status_code == 403
    assert client.get("/admin/").status_code == 302


def test_a_phishing_origin_is_refused_in_arabic_counted_and_audited(client, editor):
    authenticator = passkey_for(editor)
    log_in(client, editor)
    response = authenticate(client, authenticator, origin="https://newsroom-login.example")
    assert response.status_code in (400, 403, 422)
    assert response.json()["detail"].startswith("لم يُقبل مفتاح المرور")
    assert client.get("/admin/").status_code == 302
    event = AuditEvent.objects.get(action="second_step_failed", actor=editor)
    assert event.detail == "passkey refused"


@pytest.mark.parametrize("url", [COMPLETE_AUTH, COMPLETE_REGISTER])
@pytest.mark.parametrize("body", ["[]", '"x"', "not json", '{"id": 5, "response": {}}'])
def test_malformed_answers_are_a_clear_refusal_never_a_500(client, editor, url, body):
    log_in(client, editor)
    post_json(client, BEGIN_AUTH if url == COMPLETE_AUTH else BEGIN_REGISTER)
    response = client.post(url, body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"] in (passkeys.REFUSED, passkeys.MESSAGES["malformed_request"])
    assert client.get("/admin/").status_code == 302


def test_someone_elses_passkey_does_not_open_this_account(client, editor, journalist):
    passkey_for(journalist)
    theirs = passkey_for(editor)
    log_in(client, journalist)
    assert authenticate(client, theirs).status_code == 403
    assert client.get("/admin/").status_code == 302


def test_passkey_attempts_are_throttled_with_the_codes(client, editor, settings):
    settings.LOGIN_THROTTLE_MAX_PER_ACCOUNT = 3
    authenticator = passkey_for(editor)
    log_in(client, editor)
    # Wrong codes and refused passkeys fill the same counter.
    assert client.post("/admin/second-factor/", {"code": "000000"}).status_code == 400
    for _ in range(2):
        assert authenticate(client, authenticator, origin="https://evil.example").status_code != 200
    response = post_json(client, BEGIN_AUTH)
    assert response.status_code == 429
    assert "محاولات" in response.json()["detail"]
    assert post_json(client, COMPLETE_AUTH, {}).status_code == 429
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(action="second_step_throttled", actor=editor).exists()


# Recovery -------------------------------------------------------------------------------


@pytest.fixture
def administrator(db):
    return get_user_model().objects.create_superuser("chief", password=PASSWORD)


def test_administrator_reset_removes_passkeys_and_is_logged(client, administrator, editor):
    passkey_for(editor)
    fresh_app_for(editor)
    devices.new_backup_codes(editor)
    client.force_login(administrator)
    response = client.post(
        "/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [editor.pk]}
    )
    assert response.status_code == 302
    assert not WebAuthnCredential.objects.filter(user=editor).exists()
    event = AuditEvent.objects.get(action="devices_reset")
    assert event.actor == administrator and event.target == f"auth.user:{editor.pk}"
    assert any(name.startswith("مفتاح مرور") for name in event.changes["removed"])
    other = Client()
    log_in(other, editor)
    assert (
        other.get("/admin/", follow=True)
        .redirect_chain[-1][0]
        .startswith("/admin/second-factor/setup/")
    )


def test_passkeys_are_not_in_the_admin(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/django_otp_webauthn/webauthncredential/")
    assert response.status_code == 404
