"""Playwright (Python) driving Debian's Chromium. Playwright cannot download browsers here,
so it launches /usr/bin/chromium; in CI a missing browser fails the run instead of skipping."""

import os
import time
from pathlib import Path

import pytest

from ..conftest import IN_CI, OneRequestAtATime

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told the loop is not serving async code, which is the case here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    # This hook sees every collected test, not only this folder's: mark ours only, or
    # `-m 'not browser'` deselects the whole suite.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser, live_server):
    """page_at(width) -> a fresh page of that viewport width, recording console errors and
    every request that leaves the live server's host."""
    contexts = []

    def open_page(width=1280, height=900, user_agent=None):
        # user_agent: Chromium's own says HeadlessChrome, which the most-read count treats
        # as a bot; tests of a reader's count pass a desktop or phone browser's.
        context = browser.new_context(
            viewport={"width": width, "height": height}, user_agent=user_agent
        )
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.foreign_requests = []
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))
        page.on(
            "request",
            lambda r: (
                not r.url.startswith((live_server.url, "data:", "blob:"))
                and page.foreign_requests.append(r.url)
            ),
        )
        return page

    yield open_page
    # Closing a page runs its pagehide handlers (autosave, presence's leave), whose beacons
    # would reach the live server while the test database is flushed: on SQLite the server
    # thread shares the test's one in-memory connection, and a row written in the middle of
    # the flush failed its foreign keys and left the connection unusable for every later
    # test. Offline first, so those beacons fail in the browser; a moment for requests
    # already on their way.
    for context in contexts:
        context.set_offline(True)
    if contexts:
        time.sleep(0.3)
    for context in contexts:
        context.close()
    # A request still on its way would meet the flush on SQLite's shared connection ("database
    # table is locked"): the live server answers nothing more until the next test.
    OneRequestAtATime.pause()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def wait_for_js(page, expression, timeout=5.0):
    """page.wait_for_function() evaluates its predicate with eval() inside the page, which
    the site's CSP (no 'unsafe-eval') forbids; page.evaluate() goes through the DevTools
    protocol and is not subject to the page's CSP. Poll with it instead."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(20)


def pass_second_step(page, user):
    """Call before submitting the login form; returns a function to call after it, which
    types a code from the user's authenticator when the second step is asked for. A fresh
    authenticator each time: a code is accepted once, and tests log in several times
    within 30 seconds."""
    from staff.policy import second_factor_required

    from ..second_factor import code_for, fresh_app_for

    device = fresh_app_for(user) if second_factor_required(user) else None

    def after_password():
        if device is None:
            return
        page.wait_for_url("**/admin/second-factor/**")
        page.fill("#id_code", code_for(device))
        page.click("#second-step-form input[type=submit]")

    return after_password
