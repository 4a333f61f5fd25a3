"""The newsroom's day in a real browser: a journalist writes in the real editor and submits;
an editor schedules it for the near future in Damascus time; an anonymous reader cannot see
it until its time, then can.

Nobody sleeps until the time comes: the DATABASE clock is moved (the visibility rule reads
the database's Now()). The live server answers from other threads, so the clock must move
for them too:
- Every request the live server handles runs in a new thread. On PostgreSQL that thread
  opens a NEW connection (Django's ThreadedWSGIServer closes them after each request); on
  SQLite it either shares the test's in-memory connection (when the live server started
  after the test database) or opens its own to the same shared-cache memory database. A
  connection_created receiver puts every new connection on the moved clock (on SQLite the
  redefined strftime('NOW') of tests/conftest.py; on PostgreSQL a statement_timestamp()
  found first on the search_path, reading the moved time from a table so that connections
  kept open by HTTP keep-alive follow later moves), and the test's own connection directly.
Python's clock is left alone (freezegun would also freeze Playwright's event loop); the
editor schedules against the real time, then the database clock jumps past it.
"""

import zoneinfo
from datetime import timedelta

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from django.utils import timezone

from articles.models import Article
from articles.roles import EDITORS, JOURNALISTS

from ..conftest import sqlite_now
from .conftest import pass_second_step

PASSWORD = "correct horse battery staple"
DAMASCUS = zoneinfo.ZoneInfo("Asia/Damascus")


def follow_moved_clock(conn):
    with conn.cursor() as cursor:
        cursor.execute("SET search_path TO newsroom_live_clock, pg_catalog, public")


@pytest.fixture
def server_clock(live_server):
    """server_clock(when): the database clock reads `when` for the test and the live server."""
    moved = {}

    def on_connect(sender, connection, **kwargs):
        if "when" not in moved:
            return
        if connection.vendor == "sqlite":
            sqlite_now(connection.connection, lambda: moved["when"])
        else:
            follow_moved_clock(connection)

    def move(when):
        moved["when"] = when
        if connection.vendor == "sqlite":
            sqlite_now(connection.connection, lambda: when)
            return
        # The moved time lives in a table, not in a session setting: a live-server thread
        # kept alive by the browser keeps its connection, and must see the next move too.
        # With no row the function is the real clock, so a stray connection stays correct.
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA IF NOT EXISTS newsroom_live_clock")
            cursor.execute("CREATE TABLE IF NOT EXISTS newsroom_live_clock.moved (at timestamptz)")
            cursor.execute(
                "CREATE OR REPLACE FUNCTION newsroom_live_clock.statement_timestamp() "
                "RETURNS timestamptz LANGUAGE sql STABLE AS $$ SELECT coalesce("
                "(SELECT at FROM newsroom_live_clock.moved LIMIT 1), "
                "pg_catalog.statement_timestamp()) $$"
            )
            cursor.execute("DELETE FROM newsroom_live_clock.moved")
            cursor.execute("INSERT INTO newsroom_live_clock.moved VALUES (%s)", [when])
        follow_moved_clock(connection)

    connection_created.connect(on_connect)
    yield move
    connection_created.disconnect(on_connect)
    if connection.vendor == "sqlite":
        sqlite_now(connection.connection, lambda: timezone.now())
    elif moved:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM newsroom_live_clock.moved")
            cursor.execute("RESET search_path")


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    second_step = pass_second_step(page, user)
    page.click("input[type=submit]")
    second_step()
    page.wait_for_url("**/admin/articles/article/")


def pick(page, field, text):
    """Choose in an admin autocomplete (select2) the way a person does."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_journalist_writes_editor_schedules_reader_sees_it_on_time(
    page_at, live_server, make_user, make_section, server_clock, screenshot
):
    journalist = make_user("journalist", JOURNALISTS, first_name="عمر", last_name="الخطيب")
    editor = make_user("editor", EDITORS, first_name="سارة", last_name="الأحمد")
    make_section(name="الشأن السوري")
    headline = "الحسكة: عودة الكهرباء إلى أحياء المدينة"

    # The journalist writes in the real editor (ProseMirror) and submits for review.
    page = page_at(1280)
    log_in(page, live_server, journalist)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", headline)
    pick(page, "section", "الشأن السوري")
    page.click(".prose-editor .ProseMirror[contenteditable=true]")
    page.keyboard.type("عادت الكهرباء مساء اليوم إلى معظم أحياء المدينة.")
    page.click("button[name=_workflow][value=submit]")
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(headline=headline)
    assert article.status == Article.Status.REVIEW
    assert "عادت الكهرباء مساء اليوم" in article.body
    assert article.created_by == journalist
    assert page.console_errors == [] and page.foreign_requests == []

    # The editor schedules it for an hour from now, typed in Damascus time.
    due = (
        (timezone.now() + timedelta(hours=1)).astimezone(DAMASCUS).replace(second=0, microsecond=0)
    )
    page = page_at(1280)
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    assert "بتوقيت دمشق، UTC+03:00" in page.inner_text("fieldset:has(#id_published_at_0)")
    page.fill("#id_published_at_0", due.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", due.strftime("%H:%M:%S"))
    page.click("button[name=_workflow][value=schedule]")
    page.wait_for_url("**/admin/articles/article/")
    assert "مجدول" in page.inner_text("#result_list")
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.PUBLISHED, due)

    # An anonymous reader: nothing a second before its time, the article a second after.
    reader = page_at(390)
    server_clock(due - timedelta(seconds=1))
    response = reader.goto(f"{live_server.url}/articles/{article.pk}/")
    assert response.status == 404
    reader.goto(f"{live_server.url}/")
    assert headline not in reader.content()
    server_clock(due + timedelta(seconds=1))
    response = reader.goto(f"{live_server.url}/articles/{article.pk}/")
    assert response.status == 200
    assert reader.inner_text("h1") == headline
    reader.goto(f"{live_server.url}/")
    assert headline in reader.content()


@pytest.mark.parametrize("width", [390, 1280])
def test_admin_change_form_and_list_work_in_arabic_rtl(
    page_at, live_server, make_user, make_article, width, screenshot
):
    journalist = make_user("journalist", JOURNALISTS, first_name="عمر", last_name="الخطيب")
    editor = make_user("editor", EDITORS, first_name="سارة", last_name="الأحمد")
    article = make_article(
        headline="“داعش” يواصل سيطرته بقلب الحسكة و”قسد” تستخدم المدفعية",
        status=Article.Status.DRAFT,
        published_at=None,
        created_by=journalist,
    )
    make_article(
        headline="مقال مجدول للغد",
        published_at=timezone.now() + timedelta(hours=20),
        created_by=journalist,
    )
    for user in (journalist, editor):
        page = page_at(width)
        log_in(page, live_server, user)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        screenshot(page, f"workflow-changelist-{user.username}-{width}")
        page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        if user == journalist:
            assert page.is_visible(".prose-editor .ProseMirror[contenteditable=true]")
        assert page.locator("button[name=_workflow]").count() >= 1
        screenshot(page, f"workflow-change-form-{user.username}-{width}")
        assert page.console_errors == [] and page.foreign_requests == []
    # The share link, opened by someone without an account.
    reader = page_at(width)
    article.refresh_from_db()
    reader.goto(live_server.url + article.get_preview_url())
    assert reader.inner_text("h1") == article.headline
    assert reader.is_visible(".preview-banner")
    assert reader.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(reader, f"workflow-preview-{width}")
    assert reader.console_errors == [] and reader.foreign_requests == []
