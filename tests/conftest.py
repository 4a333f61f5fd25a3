import datetime
import io
import itertools
import os
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from django.utils import timezone
from PIL import Image as PILImage

from articles import related
from articles.models import Article
from articles.roles import EDITORS, JOURNALISTS
from images.models import Image
from mostread import ranking
from pagecache.generation import recent_pages, recent_values
from sections.models import Section

IN_CI = os.environ.get("CI") == "true"
_counter = itertools.count(1)

# On SQLite the test database lives in memory, and Django hands the live server the test's own
# connection: two requests at once (an autosave or a presence heartbeat crossing a form's
# submit) ran on that one connection in two threads and broke each other ("Database
# unavailable (InterfaceError)", then a navigation that never ends). Django's documentation
# warns against simultaneous queries on that shared connection. So on SQLite the live server
# runs the application for one request at a time, body and close() included (connections
# stay threaded: a browser keeps several open). PostgreSQL gives each request thread its own
# connection and runs them at once (the concurrency tests run there).


class OneRequestAtATime(ThreadedWSGIServer):
    lock = threading.Lock()
    # Set by a browser test as it ends: a request arriving afterwards (a closed page's
    # beacon) is refused without touching the database the test's teardown is flushing.
    paused = False

    @classmethod
    def pause(cls):
        cls.paused = True
        with cls.lock:  # the request in progress, if any, finishes first
            pass

    def set_app(self, application):
        def serial(environ, start_response):
            with self.lock:
                if self.paused:
                    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                    return [b"test over"]
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(serial)


if connection.vendor == "sqlite":
    LiveServerThread.server_class = OneRequestAtATime


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are excluded from a SQLite run by name (never silently skipped
    in a PostgreSQL run): CI runs the suite once against each database."""
    if connection.vendor != "postgresql":
        kept = [item for item in items if "postgres" not in item.keywords]
        if len(kept) != len(items):
            config.hook.pytest_deselected(items=[i for i in items if i not in kept])
            items[:] = kept


@pytest.fixture(autouse=True)
def _live_server_answers():
    OneRequestAtATime.paused = False


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    pending = settings.STORAGES["pending"] | {"OPTIONS": {"location": tmp_path / "pending"}}
    settings.STORAGES = settings.STORAGES | {"pending": pending}


def jpeg_bytes(size=(120, 80), colour=(200, 30, 30), **save_kwargs):
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, "JPEG", **save_kwargs)
    return out.getvalue()


@pytest.fixture
def make_section(db):
    def make(**overrides):
        n = next(_counter)
        fields = {"name": f"قسم {n}"} | overrides
        return Section.objects.create(**fields)

    return make


@pytest.fixture
def make_image(db):
    def make(**overrides):
        n = next(_counter)
        image = Image(**({"title": f"صورة {n}", "alt_text": f"وصف الصورة {n}"} | overrides))
        image.file.save("x.jpg", ContentFile(jpeg_bytes()), save=False)
        image.save()
        return image

    return make


@pytest.fixture
def make_article(db, make_section):
    """A published, visible article unless overridden."""
    default_section = []

    def make(tags=(), authors=(), **overrides):
        if "section" not in overrides:
            if not default_section:
                default_section.append(make_section(name="الشأن السوري"))
            overrides["section"] = default_section[0]
        n = next(_counter)
        fields = {
            "headline": f"خبر رقم {n} عن الحسكة",
            "summary": f"ملخص الخبر {n}",
            "body": f"<p>فقرة أولى من الخبر {n}.</p><h2>عنوان فرعي</h2><p>فقرة ثانية.</p>",
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(hours=n),
        } | overrides
        article = Article.objects.create(**fields)
        if tags:
            article.tags.set(list(tags))
        if authors:
            article.authors.set(authors)
        return article

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if its transaction committed: tests never commit, so what runs after
    commit (page-cache invalidation, related-list ranking, renditions) runs at the end of
    the `with committed():` block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def make_user(db):
    def make(username, group=None, **fields):
        user = get_user_model().objects.create_user(
            username=username, password="correct horse battery staple", is_staff=True, **fields
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def editor(make_user):
    return make_user("editor", EDITORS, first_name="سارة", last_name="الأحمد")


@pytest.fixture
def journalist(make_user):
    return make_user("journalist", JOURNALISTS, first_name="عمر", last_name="الخطيب")


def sqlite_now(raw_connection, clock):
    """Redefine SQLite's strftime(format, 'NOW'), the form Django's Now() compiles to."""

    def strftime(fmt, value):
        assert value == "NOW", value
        return clock().astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]

    raw_connection.create_function("STRFTIME", 2, strftime, deterministic=False)


@pytest.fixture
def db_clock(db):
    """Moves the database's clock, which is the one the visibility rule reads (Now()).

    PostgreSQL: a function named statement_timestamp() in a schema searched before
    pg_catalog. SQLite: strftime(format, 'NOW') redefined on this connection. Python's clock
    is frozen at the same instant with freezegun, so both sides agree.
    """
    from freezegun import freeze_time

    frozen = []

    def move(when):
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("CREATE SCHEMA IF NOT EXISTS newsroom_clock")
                cursor.execute(
                    "CREATE OR REPLACE FUNCTION newsroom_clock.statement_timestamp() "
                    "RETURNS timestamptz LANGUAGE sql STABLE AS "
                    "$$ SELECT current_setting('newsroom.now')::timestamptz $$"
                )
                cursor.execute("SELECT set_config('newsroom.now', %s, false)", [when.isoformat()])
                cursor.execute("SET search_path TO newsroom_clock, pg_catalog, public")
        else:
            sqlite_now(connection.connection, lambda: when)
        if frozen:
            frozen.pop().stop()
        freezer = freeze_time(when)
        freezer.start()
        frozen.append(freezer)

    yield move
    if frozen:
        frozen.pop().stop()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET search_path")
    elif connection.connection is not None:
        # The in-memory test database outlives the test, and sqlite3 caches statements
        # compiled against our function: hand it the real clock rather than removing it.
        sqlite_now(connection.connection, lambda: datetime.datetime.now(datetime.UTC))


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    """Jobs run where they are enqueued (on commit), in the test's process and transaction;
    tests/test_workers.py runs real worker processes against the database or Redis."""
    settings.TASKS = {
        "default": {"BACKEND": f"{settings.TASKS_MODULE}.backends.immediate.ImmediateBackend"}
    }


@pytest.fixture(autouse=True)
def _page_cache_off(settings):
    """Tests run inside transactions that never commit, so the page cache's after-commit
    invalidation never fires there. tests/test_page_cache.py turns it on where it is proven.
    Pages a process keeps in memory are forgotten too: frozen clocks can give two tests the
    same generation number."""
    settings.PAGE_CACHE_ENABLED = False
    recent_pages.clear()
    recent_values.clear()
    # Articles queued for ranking by a test whose transaction never committed.
    related.forget_pending()


@pytest.fixture(autouse=True)
def _no_remembered_most_read():
    """The most-read ranking lives in the cache, which outlives a test's transaction: another
    test's ids could name this test's articles. Every test starts with a fresh, empty ranking
    (the block then costs no query, as on a site nobody has read yet); tests/test_mostread.py
    starts from none."""
    cache.delete(ranking.LOCK)
    cache.set(ranking.STATE, ranking.fresh_state([]), timeout=None)


@pytest.fixture(autouse=True)
def _force_login_passes_second_step(monkeypatch):
    """force_login logs staff in with both steps (tests/second_factor.py); the second-step
    middleware is on in every test."""
    from django.test import Client

    from .second_factor import verified_force_login

    monkeypatch.setattr(Client, "force_login", verified_force_login)


@pytest.fixture
def month_names(settings):
    """month_names(name): the newsroom switched to that set, as settings.py does it."""

    def switch(name):
        settings.NEWSROOM_MONTH_NAMES = name
        settings.LOCALE_PATHS = [
            settings.BASE_DIR / "locale" / "months" / name,
            settings.BASE_DIR / "locale",
        ]

    return switch
