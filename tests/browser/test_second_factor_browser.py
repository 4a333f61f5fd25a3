"""In Chromium: an editor sets up an authenticator from the QR page, logs in with password
and a code, publishes; the administrators' audit view shows the login and the publication
with the address they came from."""

import base64

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_otp.oath import totp

from articles.models import Article
from articles.roles import EDITORS

from ..second_factor import code_for, fresh_app_for

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def type_password(page, live_server, username, next_path="/admin/"):
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [390, 1280])
def test_editor_sets_up_the_authenticator_from_the_qr_page(
    page_at, live_server, make_user, screenshot, width
):
    editor = make_user("editor", EDITORS, first_name="سارة", last_name="الأحمد")
    page = page_at(width)
    type_password(page, live_server, "editor")
    page.wait_for_url("**/admin/second-factor/setup/**")
    assert page.locator("#setup-qr").evaluate("img => img.naturalWidth") > 0
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert no_horizontal_scroll(page)
    screenshot(page, f"second-factor-setup-{width}")
    # What a phone would do with the key shown on the page.
    secret = page.inner_text("#setup-secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", f"{totp(key):06d}")
    page.click("#setup-form input[type=submit]")
    page.wait_for_selector("#backup-codes")
    assert page.locator("#backup-codes li").count() == 10
    assert no_horizontal_scroll(page)
    screenshot(page, f"second-factor-backup-codes-{width}")
    page.click("#backup-codes-done")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.console_errors == [] and page.foreign_requests == []
    assert editor.totpdevice_set.filter(confirmed=True).count() == 1


def test_editor_logs_in_with_a_code_publishes_and_the_audit_view_shows_it(
    page_at, live_server, make_user, make_article, screenshot
):
    editor = make_user("editor", EDITORS, first_name="سارة", last_name="الأحمد")
    chief = get_user_model().objects.create_superuser("chief", password=PASSWORD)
    article = make_article(
        status=Article.Status.REVIEW, published_at=None, headline="الحسكة: افتتاح سوق جديد"
    )
    device = fresh_app_for(editor)

    page = page_at(1280)
    type_password(page, live_server, "editor", f"/admin/articles/article/{article.pk}/change/")
    page.wait_for_url("**/admin/second-factor/?next=**")
    screenshot(page, "second-factor-step-1280")
    page.fill("#id_code", code_for(device))
    page.click("#second-step-form input[type=submit]")
    page.wait_for_url(f"**/admin/articles/article/{article.pk}/change/")
    page.click("button[name=_workflow][value=publish]")
    page.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED

    admin_page = page_at(1280)
    chief_device = fresh_app_for(chief)
    type_password(admin_page, live_server, "chief", "/admin/audit/auditevent/")
    admin_page.wait_for_url("**/admin/second-factor/?next=**")
    admin_page.fill("#id_code", code_for(chief_device))
    admin_page.click("#second-step-form input[type=submit]")
    admin_page.wait_for_url("**/admin/audit/auditevent/")
    rows = admin_page.inner_text("#result_list")
    screenshot(admin_page, "audit-log-1280")
    assert "دخول بكلمة المرور" in rows and "اجتياز الخطوة الثانية" in rows
    assert "نشر" in rows and "الحسكة: افتتاح سوق جديد" in rows
    assert "127.0.0.1" in rows

    # The article's page links to its own trail.
    admin_page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    admin_page.click("#audit-trail-link")
    trail = admin_page.inner_text("#result_list")
    assert "نشر" in trail and "editor" in trail
    assert "دخول بكلمة المرور" not in trail
    phone = page_at(390)
    phone.context.add_cookies(admin_page.context.cookies())
    phone.goto(admin_page.url)
    assert no_horizontal_scroll(phone) or phone.locator(".results").count() == 1
    screenshot(phone, "audit-log-390")
