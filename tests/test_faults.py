"""Survives faults, in-process: database errors become the Arabic 503 page, the probes
report what is wrong, a cache outage does not take pages down, bad input never makes a 500,
logs escape control characters. Real outages (a TCP proxy cut in front of PostgreSQL, a
statement timeout) are in test_outages.py."""

import io
import logging
import socket
import time

import pytest
from django.db import connection

from ops.faults import service_unavailable

CLOSED_PORT_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/6",
    }
}
LEAKY_MESSAGE = 'connection to server at "db-7.internal" (10.9.8.7), port 5432 failed'


@pytest.fixture
def database_down(db):
    """Every new cursor fails the way a refused connection does, through Django's error
    wrapper (so the app sees django.db.OperationalError). Undone before the test database's
    own teardown needs a cursor."""

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError(LEAKY_MESSAGE)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "create_cursor", refuse)
        yield


def assert_is_the_503_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert 'lang="ar"' in html
    assert "الموقع غير متاح مؤقتاً" in html
    assert "/static/css/site.css" in html
    for leak in ("db-7.internal", "10.9.8.7", "5432", "Traceback", "SELECT", "OperationalError"):
        assert leak not in html


@pytest.mark.parametrize("path", ["/", "/sections/x/", "/articles/1/x/", "/articles/1/"])
def test_database_down_answers_503_in_arabic_without_leaks(client, database_down, path):
    response = client.get(path)
    assert_is_the_503_page(response)


def test_database_down_admin_login_answers_503(client, database_down):
    # The login form itself needs no database; submitting it does.
    assert client.get("/admin/login/").status_code == 200
    response = client.post("/admin/login/", {"username": "a", "password": "b"})
    assert_is_the_503_page(response)


def test_database_down_is_logged_once_without_the_message(client, database_down, caplog):
    with caplog.at_level(logging.WARNING):
        client.get("/")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["ops.faults"]
    assert "db-7.internal" not in caplog.text


def test_the_503_page_renders_without_any_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = service_unavailable()
    assert_is_the_503_page(response)


def test_database_errors_outside_views_still_answer_503(rf, database_down):
    from ops.faults import handler500

    try:
        with connection.cursor():
            pass
    except Exception:
        response = handler500(rf.get("/"))
    assert_is_the_503_page(response)


def test_other_errors_still_answer_500(rf):
    from ops.faults import handler500

    try:
        raise ValueError("boom")
    except ValueError:
        response = handler500(rf.get("/"))
    assert response.status_code == 500


def test_context_processors_do_not_touch_the_database(rf, db, django_assert_num_queries):
    from django.conf import settings
    from django.utils.module_loading import import_string

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        for path in settings.TEMPLATES[0]["OPTIONS"]["context_processors"]:
            context = import_string(path)(request)
            # Lazy values (user, perms, messages) are left unevaluated by the 503 page.
            assert isinstance(context, dict)


def test_healthz_touches_neither_database_nor_cache(client, database_down, settings):
    settings.CACHES = CLOSED_PORT_CACHE
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_everything_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_names_the_database_when_it_is_down_and_logs_the_error(
    client, database_down, caplog
):
    """The probe is public: it names the failing part, the error's class goes to the log
    only (it tells an outsider which driver and server software answer)."""
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["database"]}
    assert "Error" not in response.content.decode()
    assert "db-7" not in response.content.decode()
    assert "readyz: database unavailable (OperationalError)" in caplog.text


def test_readyz_names_the_cache_when_it_is_down(client, db, settings, caplog):
    settings.CACHES = CLOSED_PORT_CACHE
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert "Error" not in response.content.decode()
    assert "readyz: cache unavailable (ConnectionError)" in caplog.text


def test_pages_are_served_when_the_cache_is_down(client, make_article, settings):
    article = make_article()
    settings.CACHES = CLOSED_PORT_CACHE
    for path in ["/", article.get_absolute_url(), f"/sections/{article.section.slug}/"]:
        assert client.get(path).status_code == 200, path


BAD_QUERIES = [
    "page=-1",
    "page=0",
    "page=abc",
    f"page={10**12}",
    "page=1e3",
    "page=%00",
    "page=%FF%FE",
    "page=" + "9" * 5000,
    "q=" + "((((((((" * 1000,
    "x=" + "a" * (1024 * 1024),
]


def timed(request):
    """(response, seconds): the fastest of three runs, so that what is measured is the cost of
    handling the input, not the other processes sharing this machine's two cores."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        response = request()
        runs.append(time.perf_counter() - started)
    return response, min(runs)


@pytest.mark.parametrize("query", BAD_QUERIES, ids=lambda q: q[:20])
def test_bad_query_strings_answer_fast_and_never_500(client, make_article, query):
    article = make_article()
    for path in ["/", f"/sections/{article.section.slug}/"]:
        response, elapsed = timed(lambda path=path: client.get(f"{path}?{query}"))
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        assert elapsed < 0.3, elapsed


BAD_PATHS = [
    "/articles/%00/",
    "/sections/%E0%A4%A/",
    "/sections/%ZZ/",
    "/sections/%C0%AF/",
    "/sections/a%0d%0aSet-Cookie:x=1/",
    "/articles/1/%1b[31m/",
    "/articles/99999999999999999999999/",
    "/sections/" + "ب" * 3000 + "/",
]


@pytest.mark.parametrize("path", BAD_PATHS, ids=lambda p: p[:30])
def test_bad_paths_answer_404_fast(client, db, path):
    response, elapsed = timed(lambda: client.get(path))
    assert elapsed < 0.3, elapsed
    assert response.status_code in (400, 404)


def test_big_headers_answer_fast_and_never_500(client, make_article):
    make_article()
    response, elapsed = timed(
        lambda: client.get("/", HTTP_ACCEPT_LANGUAGE="ar," * 2700, HTTP_X_JUNK="j" * 8192)
    )
    assert elapsed < 0.3, elapsed
    assert response.status_code == 200


def raw_request(live_server, request_line, headers=b""):
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(
            request_line + b"\r\nHost: localhost\r\n" + headers + b"Connection: close\r\n\r\n"
        )
        started = time.perf_counter()
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), time.perf_counter() - started


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "target",
    [
        b"/sections/%E0%A4%A/",
        b"/sections/%/",
        b"/sections/\xff\xfe/",
        b"/articles/1/\x1b[31m/",
        b"/%0d%0aFAKE-LOG-LINE",
        b"/?page=%",
    ],
)
def test_raw_socket_broken_encodings_never_500(live_server, target):
    runs = [raw_request(live_server, b"GET " + target + b" HTTP/1.1") for _ in range(3)]
    status, elapsed = min(runs, key=lambda run: run[1])
    assert {run[0] for run in runs} == {status}
    assert status in (200, 400, 404), status
    assert elapsed < 0.3


@pytest.fixture
def console_log():
    """The text the configured console handler writes (with the escaping filter)."""
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_logs_escape_control_characters_from_request_paths(client, db, console_log):
    client.get("/%0d%0aFAKE-LOG-LINE")
    client.get("/x%1b[31mred")
    text = console_log.getvalue()
    lines = text.splitlines()
    assert not any(line.startswith("FAKE-LOG-LINE") for line in lines)
    assert "\\r\\nFAKE-LOG-LINE" in text
    assert "\x1b" not in text and "\\x1b[31mred" in text


def test_log_escaping_keeps_arabic_and_escapes_bidi_controls():
    from security.log_escaping import escape_controls

    assert escape_controls("خبر عاجل") == "خبر عاجل"
    assert escape_controls("a\u202eb\u2028c\x00") == "a\\u202eb\\u2028c\\x00"


def test_cached_pages_are_served_while_the_database_is_down(client, make_article, settings):
    """The cached article and home answer 200; an uncached article the 503 page."""
    from django.core.cache import cache

    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    cached, uncached = make_article(), make_article()
    assert client.get(cached.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError(LEAKY_MESSAGE)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "create_cursor", refuse)
        hit = client.get(cached.get_absolute_url())
        home = client.get("/")
        miss = client.get(uncached.get_absolute_url())
    assert hit.status_code == 200 and cached.headline in hit.content.decode()
    assert home.status_code == 200
    assert_is_the_503_page(miss)


def test_database_down_on_an_unknown_url_never_answers_500(client, database_down):
    """The 404 page shows the site's navigation, which needs the database: with the database
    down it must become the 503 page (through handler500), not a 500 or a traceback."""
    client.raise_request_exception = False  # answer as production does
    response = client.get("/no-such-page/")
    assert_is_the_503_page(response)
