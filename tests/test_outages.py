"""Real outages on PostgreSQL: the app runs under gunicorn with deploy/gunicorn.conf.py and
production settings, talking to the test database through a TCP proxy that the test cuts
and restores, and whose backends it terminates."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from .tcp_proxy import TcpProxy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, timeout=10):
    """(status, headers, body) without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def production_env(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return (
        env
        | {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "SITE_URL": "http://127.0.0.1",
            "DATABASE_URL": database_url,
        }
        | extra
    )


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic into a scratch STATIC_ROOT: the worktree's staticfiles/ is left alone."""
    static_root = tmp_path_factory.mktemp("static")
    env = production_env("sqlite:///unused.sqlite3", STATIC_ROOT=str(static_root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True, timeout=120,
    )  # fmt: skip
    return static_root


@pytest.fixture
def proxy():
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    yield proxy
    proxy.close()


@pytest.fixture
def app(collected_static, proxy):
    """gunicorn with the deploy config, one worker and two threads, on a free port."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}"
    port = free_port()
    env = production_env(
        database_url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
        DATABASE_CONN_MAX_AGE="60",
        STATIC_ROOT=str(collected_static),
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield base, server
    server.terminate()
    server.wait(10)


def assert_503(status, headers, body):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "الموقع غير متاح مؤقتاً" in body
    assert 'lang="ar"' in body
    db = connection.settings_dict
    for leak in (db["NAME"], "5432", "Traceback", "OperationalError", "psycopg", "SELECT"):
        assert leak not in body


def test_database_cut_gives_503_then_recovers_by_itself(app, proxy, make_article):
    base, _server = app
    article = make_article(headline="خبر يبقى بعد انقطاع قاعدة البيانات")
    status, _, body = get(base + article.get_absolute_url())
    assert status == 200 and article.headline in body

    proxy.cut()
    started = time.perf_counter()
    outage = [get(base + path) for path in ["/", article.get_absolute_url(), "/sections/x/"]]
    elapsed = time.perf_counter() - started
    for response in outage:
        assert_503(*response)
    assert elapsed < 3, elapsed
    status, _, body = get(base + "/healthz")
    assert status == 200
    status, _, body = get(base + "/readyz")
    assert status == 503
    assert json.loads(body)["failing"] == ["database"]

    proxy.restore()
    # Recovery needs no restart: the next request reconnects.
    status, _, body = get(base + article.get_absolute_url())
    assert status == 200 and article.headline in body
    assert get(base + "/readyz")[0] == 200


def test_terminated_backends_do_not_reach_readers(app, make_article):
    base, _server = app
    article = make_article()
    for _ in range(3):
        assert get(base + article.get_absolute_url())[0] == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1
    # Persistent connections are health-checked at the start of each request.
    for _ in range(4):
        assert get(base + article.get_absolute_url())[0] == 200


def test_the_production_app_sends_the_security_headers(app, make_article):
    base, _server = app
    make_article()
    status, headers, _body = get(base + "/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "upgrade-insecure-requests" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # An 8 KB header is refused by gunicorn before Django, never a 500.
    request = urllib.request.Request(base + "/", headers={"X-Big": "x" * 9000})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - http only
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert status in (400, 431)


def test_statement_timeout_comes_from_the_environment():
    db = connection.settings_dict
    env = production_env(
        f"postgres://{db['USER']}@127.0.0.1:{db['PORT'] or 5432}/{db['NAME']}",
        DATABASE_STATEMENT_TIMEOUT_MS="1234",
    )
    result = subprocess.run(
        [
            sys.executable, "manage.py", "shell", "-c",
            "from django.db import connection as c\n"
            "cur = c.cursor(); cur.execute('SHOW statement_timeout'); print(cur.fetchone()[0])",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "1234ms", result.stderr


def slow_view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(10)")


def test_a_query_past_the_statement_timeout_answers_503_quickly(client, settings):
    from django.urls import path

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("slow/", slow_view)]})
    with connection.cursor() as cursor:
        # What DATABASE_STATEMENT_TIMEOUT_MS=300 sets at connection time (tested above).
        cursor.execute("SET statement_timeout = 300")
    try:
        started = time.perf_counter()
        response = client.get("/slow/")
        elapsed = time.perf_counter() - started
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert elapsed < 1.5, elapsed


def test_a_repeated_page_query_runs_as_a_prepared_statement(client, make_article):
    """Server-side binding (settings: DATABASE_PREPARE_THRESHOLD): the article page's queries
    are prepared on the connection after a few renders, so PostgreSQL stops planning them."""
    from articles.models import Article

    article = make_article()
    url = article.get_absolute_url() + "?nocache=1"
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    for _ in range(6):
        assert client.get(url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(Article._meta.db_table in statement for statement in prepared), prepared
