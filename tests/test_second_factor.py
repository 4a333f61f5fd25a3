"""The second step after the password: enforced on every admin and staff URL, set up with a
QR code, backup codes used once, throttled, reset by an administrator (and logged)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from staff import devices

from .dom import parse_html
from .second_factor import code_for, fresh_app_for, password_only_login

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def backup_codes(response):
    listing = parse_html(response.content).one("ul", id="backup-codes")
    return [li.text.strip() for li in listing.find_all("li")]


def log_in(client, user):
    return client.post("/admin/login/", {"username": user.username, "password": PASSWORD})


# Enforcement ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/add/",
        "/admin/auth/user/",
        "/admin/audit/auditevent/",
        "/admin/password_change/",
    ],
)
def test_editor_without_second_step_sees_no_admin_page(client, editor, path):
    fresh_app_for(editor)
    password_only_login(client, editor)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/second-factor/?next=")


def test_editor_without_second_step_cannot_post_to_the_admin(client, editor, make_article):
    article = make_article(status="draft", published_at=None)
    fresh_app_for(editor)
    password_only_login(client, editor)
    response = client.post(
        f"/admin/articles/article/{article.pk}/preview-link/", {"confirm": "yes"}
    )
    assert response.status_code == 403
    assert "الخطوة الثانية" in response.content.decode()
    old_secret = article.preview_secret
    article.refresh_from_db()
    assert article.preview_secret == old_secret


def test_staff_json_endpoints_outside_the_admin_refuse_before_second_step(
    client, editor, make_article
):
    make_article(headline="خبر عن الحسكة")
    fresh_app_for(editor)
    password_only_login(client, editor)
    for path in ["/editor/articles/?q=الحسكة", "/editor/images/"]:
        response = client.get(path)
        assert response.status_code in (302, 403), path
        assert "الحسكة" not in response.content.decode()
    client.force_login(editor)  # both steps
    response = client.get("/editor/articles/?q=الحسكة")
    assert response.status_code == 200
    assert "الحسكة" in json.dumps(response.json(), ensure_ascii=False)


def test_draft_preview_of_staff_needs_the_second_step(client, editor, make_article):
    """Staff read drafts on the public site through their session: not before the second
    step (a share link with its token still works for anyone, as intended)."""
    draft = make_article(status="draft", published_at=None, headline="مسودة سرية")
    password_only_login(client, editor)
    assert "مسودة سرية" not in client.get(draft.get_absolute_url()).content.decode()


def test_editor_without_device_is_sent_to_setup_and_can_do_nothing_else(client, editor):
    response = log_in(client, editor)
    assert response.status_code == 302
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/second-factor/setup/")
    page = parse_html(response.content)
    assert page.one("img", id="setup-qr").attrs["src"].startswith("data:image/svg+xml")
    assert client.get("/admin/articles/article/").status_code == 302


def test_journalist_without_device_is_not_asked_unless_the_setting_says_so(
    client, journalist, settings
):
    log_in(client, journalist)
    assert client.get("/admin/").status_code == 200
    settings.SECOND_FACTOR_FOR_ALL_STAFF = True
    assert client.get("/admin/").status_code == 302


def test_journalist_who_set_up_a_device_must_use_it(client, journalist):
    fresh_app_for(journalist)
    log_in(client, journalist)
    assert client.get("/admin/").status_code == 302


# Setup, the second step, backup codes ----------------------------------------------------


def test_setup_with_a_code_from_the_app_opens_the_admin_and_shows_backup_codes(client, editor):
    log_in(client, editor)
    client.get("/admin/second-factor/setup/")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    response = client.post(
        "/admin/second-factor/setup/", {"code": code_for(device), "next": "/admin/"}
    )
    assert response.status_code == 200
    codes = backup_codes(response)
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(actor=editor, action="device_added").exists()


def test_setup_refuses_a_wrong_code_in_arabic(client, editor):
    log_in(client, editor)
    client.get("/admin/second-factor/setup/")
    response = client.post("/admin/second-factor/setup/", {"code": "000000"})
    assert response.status_code == 400
    assert "الرمز غير صحيح" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()


def test_someone_with_only_the_password_cannot_add_their_own_device(client, editor):
    fresh_app_for(editor)
    log_in(client, editor)
    response = client.get("/admin/second-factor/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/second-factor/?next=")


def test_backup_codes_alone_still_keep_setup_closed_before_the_second_step(client, editor):
    devices.new_backup_codes(editor)
    log_in(client, editor)
    assert client.get("/admin/second-factor/setup/").status_code == 302
    code = StaticToken.objects.filter(device__user=editor).first().token
    assert client.post("/admin/second-factor/", {"code": code}).status_code == 302
    assert client.get("/admin/second-factor/setup/").status_code == 200


def test_password_then_totp_code_opens_the_admin(client, editor):
    device = fresh_app_for(editor)
    log_in(client, editor)
    response = client.post(
        "/admin/second-factor/", {"code": code_for(device), "next": "/admin/articles/article/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/articles/article/"
    assert client.get("/admin/articles/article/").status_code == 200
    assert AuditEvent.objects.filter(actor=editor, action="login_verified").exists()


def test_arabic_digits_are_accepted(client, editor):
    device = fresh_app_for(editor)
    log_in(client, editor)
    arabic = code_for(device).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.post("/admin/second-factor/", {"code": arabic}).status_code == 302


def test_wrong_code_is_refused_in_arabic(client, editor):
    fresh_app_for(editor)
    log_in(client, editor)
    response = client.post("/admin/second-factor/", {"code": "12345"})
    assert response.status_code == 400
    assert "الرمز غير صحيح" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_off_site_next_is_not_followed(client, editor):
    device = fresh_app_for(editor)
    log_in(client, editor)
    response = client.post(
        "/admin/second-factor/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_backup_codes_work_once(editor):
    fresh_app_for(editor)
    code = devices.new_backup_codes(editor)[0]
    first, second = Client(), Client()
    log_in(first, editor)
    assert first.post("/admin/second-factor/", {"code": code}).status_code == 302
    assert first.get("/admin/").status_code == 200
    log_in(second, editor)
    assert second.post("/admin/second-factor/", {"code": code}).status_code == 400
    assert second.get("/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=editor).count() == 9
    assert AuditEvent.objects.filter(actor=editor, action="backup_code_used").count() == 1


def test_new_backup_codes_replace_the_old_ones(client, editor):
    old = devices.new_backup_codes(editor)
    client.force_login(editor)
    response = client.post("/admin/second-factor/backup-codes/")
    new = backup_codes(response)
    assert len(new) == 10
    assert not StaticToken.objects.filter(token__in=old).exists()


def test_second_step_is_throttled_per_account(client, editor, settings):
    settings.LOGIN_THROTTLE_MAX_PER_ACCOUNT = 3
    device = fresh_app_for(editor)
    log_in(client, editor)
    for _ in range(3):
        assert client.post("/admin/second-factor/", {"code": "000000"}).status_code == 400
    response = client.post("/admin/second-factor/", {"code": code_for(device)})
    assert response.status_code == 429
    assert "محاولات" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(action="second_step_throttled", actor=editor).exists()
    assert AuditEvent.objects.filter(action="second_step_failed", actor=editor).count() == 3


def test_a_session_key_fixed_before_the_second_step_is_replaced(client, editor):
    device = fresh_app_for(editor)
    log_in(client, editor)
    before = client.session.session_key
    client.post("/admin/second-factor/", {"code": code_for(device)})
    assert client.session.session_key != before


# Recovery -------------------------------------------------------------------------------


@pytest.fixture
def administrator(db):
    return get_user_model().objects.create_superuser("chief", password=PASSWORD)


def test_administrator_reset_removes_devices_and_is_logged(client, administrator, editor):
    fresh_app_for(editor)
    devices.new_backup_codes(editor)
    client.force_login(administrator)
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [editor.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticToken.objects.filter(device__user=editor).exists()
    event = AuditEvent.objects.get(action="devices_reset")
    assert event.actor == administrator
    assert event.target == f"auth.user:{editor.pk}"
    # Their next login starts with setting up a new device.
    other = Client()
    log_in(other, editor)
    assert (
        other.get("/admin/", follow=True)
        .redirect_chain[-1][0]
        .startswith("/admin/second-factor/setup/")
    )


def test_an_editor_cannot_reset_anyone(client, editor, journalist):
    fresh_app_for(journalist)
    client.force_login(editor)
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [journalist.pk]},
    )
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=journalist).exists()
