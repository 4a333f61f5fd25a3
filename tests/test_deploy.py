"""Settings as production starts them (subprocesses with a clean environment), the replica
router, the S3 switch, media_audit, and the deploy/ files."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import IN_CI

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
}


def run_django(args, env=None, code=None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env or {})
    command = [sys.executable, "manage.py", *args] if code is None else [sys.executable, "-c", code]
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )


def test_check_deploy_reports_nothing_with_the_documented_production_variables():
    result = run_django(["check", "--deploy", "--fail-level", "DEBUG"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_start_up_stops_without_secret_key_or_hosts(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_django(["check"], env)
    assert result.returncode != 0
    assert f"{missing} must" in result.stderr


PRINT_SETTINGS = """
import django, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django.setup()
from django.conf import settings as s
print(json.dumps({
    "hsts": s.SECURE_HSTS_SECONDS, "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "httponly": s.SESSION_COOKIE_HTTPONLY, "samesite": s.SESSION_COOKIE_SAMESITE,
    "proxy_ssl": s.SECURE_PROXY_SSL_HEADER, "csp": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "storage": s.STORAGES["default"], "databases": sorted(s.DATABASES),
    "routers": s.DATABASE_ROUTERS, "db_options": s.DATABASES["default"].get("OPTIONS", {}),
    "caches": s.CACHES, "throttle_cache": s.LOGIN_THROTTLE_CACHE,
}, default=str))
"""


def production_settings(**extra):
    import json

    result = run_django([], PRODUCTION | extra, code=PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_turn_on_hsts_and_secure_cookies():
    values = production_settings()
    assert values["hsts"] >= 31536000
    assert values["ssl_redirect"] is True
    assert values["session_secure"] is values["csrf_secure"] is values["httponly"] is True
    assert values["samesite"] == "Lax"
    assert values["proxy_ssl"] is None  # X-Forwarded-Proto only believed behind a proxy
    assert "upgrade-insecure-requests" in values["csp"]
    assert production_settings(DJANGO_TRUSTED_PROXY_COUNT="1")["proxy_ssl"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_login_throttle_counters_get_their_own_redis_when_configured():
    shared = production_settings(REDIS_URL="redis://127.0.0.1:6379/0", LOGIN_THROTTLE_REDIS_URL="")
    assert shared["throttle_cache"] == "default"
    own = production_settings(
        REDIS_URL="redis://127.0.0.1:6379/0", LOGIN_THROTTLE_REDIS_URL="redis://127.0.0.1:6380/0"
    )
    assert own["throttle_cache"] == "throttle"
    assert own["caches"]["throttle"]["LOCATION"] == "redis://127.0.0.1:6380/0"
    assert own["caches"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"


def test_statement_timeout_is_passed_to_postgresql_from_the_environment():
    values = production_settings(
        DATABASE_URL="postgres://u@127.0.0.1:5432/x", DATABASE_STATEMENT_TIMEOUT_MS="1500"
    )
    assert values["db_options"]["options"] == "-c statement_timeout=1500"


def test_prepared_statements_are_on_for_postgresql_and_can_be_turned_off():
    values = production_settings(DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert values["db_options"]["server_side_binding"] is True
    assert values["db_options"]["prepare_threshold"] == 5
    off = production_settings(
        DATABASE_URL="postgres://u@127.0.0.1:5432/x", DATABASE_PREPARE_THRESHOLD="0"
    )
    assert off["db_options"] == {"options": "-c statement_timeout=10000"}


def test_media_goes_to_s3_when_a_bucket_is_configured():
    values = production_settings(
        MEDIA_S3_BUCKET="newsroom-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.net",
        MEDIA_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        MEDIA_S3_SECRET_ACCESS_KEY="secret",
        MEDIA_S3_CUSTOM_DOMAIN="media.example.org",
    )
    assert values["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert values["storage"]["OPTIONS"]["bucket_name"] == "newsroom-media"
    assert values["storage"]["OPTIONS"]["endpoint_url"] == "https://s3.example.net"
    assert "https://media.example.org" in values["csp"]["img-src"]
    assert production_settings()["storage"]["BACKEND"].endswith("FileSystemStorage")


def test_the_s3_storage_builds_urls_without_network():
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name="newsroom-media",
        custom_domain="media.example.org",
        access_key="a",
        secret_key="b",
        querystring_auth=False,
    )
    assert storage.url("images/2026/01/x.jpg") == "https://media.example.org/images/2026/01/x.jpg"


def test_a_replica_url_adds_the_replica_and_the_router():
    values = production_settings(
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        DATABASE_REPLICA_URL="postgres://u@10.0.0.2:5432/x",
    )
    assert values["databases"] == ["default", "replica"]
    assert values["routers"] == ["core.db_router.PrimaryReplicaRouter"]


class TestReplicaRouter:
    @pytest.fixture(autouse=True)
    def _replica_configured(self, monkeypatch):
        from django.db import connections

        monkeypatch.setitem(connections.settings, "replica", {})

    def route(self, method, path, model):
        from django.test import RequestFactory

        from core.db_router import PrimaryForWritesMiddleware, PrimaryReplicaRouter

        seen = {}

        def view(request):
            seen["read"] = PrimaryReplicaRouter().db_for_read(model)
            seen["write"] = PrimaryReplicaRouter().db_for_write(model)
            return None

        PrimaryForWritesMiddleware(view)(RequestFactory().generic(method, path))
        return seen

    def test_public_reads_go_to_the_replica(self):
        from articles.models import Article

        assert self.route("GET", "/", Article) == {"read": "replica", "write": "default"}

    def test_admin_requests_read_the_primary(self):
        from articles.models import Article

        assert self.route("GET", "/admin/articles/article/", Article)["read"] == "default"

    def test_a_post_reads_its_own_writes_on_the_primary(self):
        from articles.models import Article

        assert self.route("POST", "/", Article)["read"] == "default"

    def test_sessions_and_users_are_always_read_on_the_primary(self):
        from django.contrib.auth.models import User
        from django.contrib.sessions.models import Session

        assert self.route("GET", "/", Session)["read"] == "default"
        assert self.route("GET", "/", User)["read"] == "default"

    def test_ranking_related_lists_after_a_commit_reads_the_primary(self):
        from articles.models import Article
        from core.db_router import PrimaryReplicaRouter, reading_primary

        router = PrimaryReplicaRouter()
        assert router.db_for_read(Article) == "replica"  # no request: a command, a shell
        with reading_primary():
            assert router.db_for_read(Article) == "default"
        assert router.db_for_read(Article) == "replica"

    def test_only_the_primary_is_migrated(self):
        from core.db_router import PrimaryReplicaRouter

        assert PrimaryReplicaRouter().allow_migrate("default", "articles")
        assert not PrimaryReplicaRouter().allow_migrate("replica", "articles")


def test_without_a_replica_everything_reads_the_primary(db):
    from articles.models import Article
    from core.db_router import PrimaryReplicaRouter

    assert PrimaryReplicaRouter().db_for_read(Article) == "default"


def test_media_audit_reports_orphans_and_fails_on_missing_files(make_image, capsys):
    kept = make_image()
    lost = make_image()
    default_storage.delete(lost.file.name)
    default_storage.save("images/2026/01/stray.jpg", ContentFile(b"x"))
    with pytest.raises(CommandError) as raised:
        call_command("media_audit")
    assert raised.value.returncode == 1
    out = capsys.readouterr().out
    assert "orphan file (no row): images/2026/01/stray.jpg" in out
    assert f"missing file: {lost.file.name} (images.Image.file #{lost.pk})" in out
    assert kept.file.name not in out


def test_media_audit_passes_when_storage_and_rows_agree(make_image, capsys):
    make_image()
    call_command("media_audit")
    assert "0 orphans, 0 missing" in capsys.readouterr().out


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"


def test_the_nginx_site_file_passes_nginx_t(tmp_path):
    if not Path(NGINX).exists():
        # .ci/run installs nginx; locally it is optional.
        (pytest.fail if IN_CI else pytest.skip)("nginx is not installed: apt-get install nginx")
    subprocess.run(  # noqa: S603
        [
            OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=news.example.org",
            "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
        ],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (ROOT / "deploy/nginx/newsroom.conf").read_text()
    site = site.replace(
        "/etc/letsencrypt/live/news.example.org/fullchain.pem", str(tmp_path / "cert.pem")
    ).replace("/etc/letsencrypt/live/news.example.org/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ include /etc/nginx/mime.types; access_log off;\n"
        f"client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};\n"
        f"fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(  # noqa: S603
        [NGINX, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "add_header Content-Security-Policy \"default-src 'none'; sandbox\"" in site


def test_the_edge_front_site_serves_static_and_media_as_the_plain_site_does():
    """deploy/nginx/edge-front.conf is newsroom.conf with Varnish and brotli behind `location
    /`: the rest (TLS, body limits, static files, media's sandbox) must not drift apart. Its
    own run in front of a real Varnish is in tests/test_edge_varnish.py."""

    def tls_server(name):
        site = (ROOT / "deploy/nginx" / name).read_text()
        start = site.index("    listen 443")
        block = site[start : site.index("    location / {", start)]
        return re.sub(r"    # Brotli on the fly.*?(?=    # Static files)", "", block, flags=re.S)

    assert tls_server("edge-front.conf") == tls_server("newsroom.conf")
    assert "location /media/" in tls_server("edge-front.conf")
