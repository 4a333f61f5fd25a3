"""Secure by default: headers, CSP, cookies, sessions, CSRF, redirects, hosts, media."""

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from security.csp import EDITOR_STYLE_HASHES

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("reporter", password=PASSWORD, is_staff=True)


def csp_directives(response):
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


@pytest.mark.parametrize("path", ["/", "/healthz", "/admin/login/", "/no-such-page/"])
def test_every_response_carries_the_security_headers(client, make_article, path):
    make_article()
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]


def test_public_pages_allow_no_inline_script_or_style(client, make_article):
    article = make_article()
    for path in ["/", article.get_absolute_url()]:
        directives = csp_directives(client.get(path))
        for directive in ("script-src", "style-src", "default-src"):
            assert "'unsafe-inline'" not in directives.get(directive, [])
            assert "'unsafe-eval'" not in directives.get(directive, [])


def test_public_pages_contain_no_inline_script_style_or_handler(client, make_article):
    article = make_article()
    for path in ["/", article.get_absolute_url()]:
        html = client.get(path).content.decode()
        # JSON-LD is a data block: the browser never executes it, CSP does not apply.
        assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/ld\+json"))[^>]*>', html)
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_admin_form_media_carries_the_nonce_of_the_policy(client, make_article):
    article = make_article()
    client.force_login(get_user_model().objects.create_superuser("chief", password=PASSWORD))
    response = client.get(f"/admin/articles/article/{article.pk}/change/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    importmap = re.search(r'<script type="importmap"[^>]*>', html).group(0)
    assert f'nonce="{nonce}"' in importmap
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_editor_style_hashes_match_the_installed_prose_editor():
    """django-prose-editor upgrades change the stylesheets tiptap injects: recompute."""
    import django_prose_editor

    source = (
        Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    ).read_text()
    stylesheets = re.findall(
        r"=`(\.ProseMirror \{[^`]*|\.tiptap-invisible-character[^`]*)`", source
    )
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        for css in stylesheets
    ]
    assert sorted(hashes) == sorted(EDITOR_STYLE_HASHES)


def test_hsts_and_secure_cookies_are_on_outside_debug(settings, client):
    # The values settings.py derives when DJANGO_DEBUG is off (asserted by subprocess in
    # test_deploy.py); here the middleware's behaviour with them.
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_login_rotates_the_session_and_sets_safe_cookie_flags(client, staff, settings):
    settings.SESSION_COOKIE_SECURE = True
    client.get("/admin/login/")
    session = client.session
    session["before-login"] = "x"
    session.save()
    before = session.session_key
    response = client.post("/admin/login/", {"username": "reporter", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie.value != before
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_logout_makes_the_old_session_cookie_anonymous(client, staff):
    client.post("/admin/login/", {"username": "reporter", "password": PASSWORD})
    old = client.cookies["sessionid"].value
    client.post("/admin/logout/")
    client.cookies["sessionid"] = old
    assert client.get("/admin/").status_code == 302


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_no_view_in_the_urlconf_is_csrf_exempt_but_the_most_read_beacon():
    """The beacon (mostread/views.py) changes nothing but a counter, which any client can
    add to anyway; a cached page cannot carry a token for it."""
    views = list(walk(get_resolver().url_patterns))
    assert len(views) > 20  # the admin's views are walked too
    exempt = [path for path, view in views if getattr(view, "csrf_exempt", False)]
    assert exempt == ["r/<int:pk>/"]


def test_admin_login_without_csrf_token_is_refused(staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/admin/login/", {"username": "reporter", "password": PASSWORD})
    assert response.status_code == 403


OPEN_REDIRECTS = [
    "//evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "http:999999999",
    "http://testserver\\@evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    " https://evil.example",
    "https://testserver.evil.example",
    "https://evil.example",
    "javascript:alert(1)",
]


def assert_local(location):
    """Resolved the way a browser does (backslash read as slash, leading blanks dropped),
    the redirect stays on this host."""
    browser_view = location.strip().replace("\\", "/")
    assert location.startswith("/"), location
    assert urlsplit(urljoin("https://testserver/", browser_view)).hostname == "testserver"


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_login_next_never_leaves_the_site(client, staff, target):
    response = client.post(
        "/admin/login/?next=" + target,
        {"username": "reporter", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert_local(response["Location"])
    # A refused `next` lands on the admin's index, not on Django's /accounts/profile/ (a 404).
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={"testserver"}):
        assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_logout_next_never_leaves_the_site(client, staff, target):
    client.force_login(staff)
    response = client.post("/admin/logout/?next=" + target, {"next": target})
    if response.status_code == 302:
        assert_local(response["Location"])
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("target", ["//evil.example", "//evil.example/%2e%2e", "/\\evil.example"])
def test_path_redirects_never_leave_the_site(client, target, db):
    # PATH_INFO set raw: the test client would otherwise read "//host" as a host.
    response = client.get("/", PATH_INFO=target)
    if response.status_code in (301, 302):
        assert_local(response["Location"])
    else:
        assert response.status_code == 404


def test_article_slug_redirect_goes_to_the_canonical_local_url(client, make_article):
    article = make_article()
    response = client.get(f"/articles/{article.pk}/evil-example/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize("header", ["HTTP_HOST", "HTTP_X_FORWARDED_HOST"])
def test_foreign_host_header_is_refused_or_ignored(client, make_article, header):
    make_article()
    response = client.get("/", **{header: "evil.example"})
    if header == "HTTP_HOST":
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert b"evil.example" not in response.content


def test_uploaded_media_is_served_inert(client, make_image, settings, tmp_path):
    from django.urls import path

    from security.media_serving import serve_media

    image = make_image()
    settings.ROOT_URLCONF = type(
        "urls",
        (),
        {
            "urlpatterns": [
                path(
                    "media/<path:path>",
                    serve_media,
                    {"document_root": settings.MEDIA_ROOT},
                )
            ]
        },
    )
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_debug_media_answers_404_to_a_name_the_file_system_refuses(rf, tmp_path):
    from django.http import Http404

    from security.media_serving import serve_media

    with pytest.raises(Http404):
        serve_media(rf.get("/media/x"), "a" * 5000 + ".jpg", document_root=tmp_path)
