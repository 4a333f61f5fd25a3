"""Admin login throttling: per account and per address, bounded, no enumeration."""

import contextlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache, caches
from django.test import Client
from freezegun import freeze_time

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_THROTTLE_MAX_PER_ACCOUNT = 3
    settings.LOGIN_THROTTLE_MAX_PER_ADDRESS = 6
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 900
    cache.clear()
    yield
    with contextlib.suppress(Exception):  # a test may have pointed the cache at a closed port
        cache.clear()


@pytest.fixture
def reporter(db):
    return get_user_model().objects.create_user("reporter", password=PASSWORD, is_staff=True)


WRONG = "not the password"


def attempt(client, username, password=WRONG, address="10.0.0.1", **extra):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def test_repeated_failures_on_one_account_are_throttled(client, reporter):
    for _ in range(3):
        assert attempt(client, "reporter").status_code == 200
    response = attempt(client, "reporter", password=PASSWORD)
    assert response.status_code == 429
    assert "محاولات دخول فاشلة كثيرة" in response.content.decode()
    assert int(response["Retry-After"]) == 900


def test_account_throttle_applies_from_every_address(client, reporter):
    for n in range(3):
        attempt(client, "reporter", address=f"10.0.1.{n}")
    assert attempt(client, "reporter", PASSWORD, address="10.0.9.9").status_code == 429


def test_every_spelling_django_signs_in_as_counts_against_one_account(client, reporter):
    """Django signs in the NFKC form of the typed name: full-width or mathematical letters
    reach the same account, so they must not bring a fresh batch of guesses each."""
    spellings = ["ｒｅｐｏｒｔｅｒ", "𝐫𝐞𝐩𝐨𝐫𝐭𝐞𝐫", "REPORTER"]
    assert attempt(Client(), spellings[0], PASSWORD, address="10.0.5.9").status_code == 302
    for n, name in enumerate(spellings):
        assert attempt(client, name, address=f"10.0.5.{n}").status_code == 200
    assert attempt(client, "reporter", PASSWORD, address="10.0.5.8").status_code == 429


def test_one_address_trying_many_accounts_is_throttled(client, reporter):
    for n in range(6):
        assert attempt(client, f"someone{n}").status_code == 200
    assert attempt(client, "reporter", PASSWORD).status_code == 429
    # Another address still logs in.
    assert attempt(client, "reporter", PASSWORD, address="10.0.0.2").status_code == 302


def test_lockout_ends_by_itself_after_the_window(client, reporter):
    """The journalist gets back in after one window, however many attempts were made."""
    with freeze_time("2026-01-01 10:00:00") as clock:
        for _ in range(10):
            attempt(client, "reporter")
        assert attempt(client, "reporter", PASSWORD).status_code == 429
        clock.tick(901)
        assert attempt(client, "reporter", PASSWORD).status_code == 302


def test_success_clears_the_account_counter_not_the_address_counter(client, reporter):
    attempt(client, "reporter")
    attempt(client, "reporter")
    assert attempt(client, "reporter", PASSWORD).status_code == 302
    client.logout()
    attempt(client, "reporter")
    attempt(client, "reporter")
    assert attempt(client, "reporter", PASSWORD).status_code == 302


def test_throttled_unknown_and_known_accounts_answer_identically(client, reporter):
    for name in ("reporter", "nobody-here"):
        for _ in range(3):
            attempt(client, name, address="10.0.2.1" if name == "reporter" else "10.0.2.2")
    known = attempt(client, "reporter", address="10.0.2.1")
    unknown = attempt(client, "nobody-here", address="10.0.2.2")
    assert known.status_code == unknown.status_code == 429
    assert known.content.decode().replace("reporter", "") == unknown.content.decode().replace(
        "nobody-here", ""
    )


def test_failed_logins_for_known_and_unknown_accounts_look_the_same(client, reporter):
    known = attempt(client, "reporter")
    unknown = attempt(client, "nobody-here", address="10.0.0.3")
    assert known.status_code == unknown.status_code == 200
    strip = [("reporter", ""), ("nobody-here", "")]

    def errors(response):
        text = response.content.decode()
        for old, new in strip:
            text = text.replace(old, new)
        return [line for line in text.splitlines() if "errornote" in line]

    assert errors(known) == errors(unknown) != []


def test_spoofed_forwarded_for_is_ignored_without_a_trusted_proxy(client, reporter):
    for n in range(6):
        attempt(client, f"user{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert attempt(client, "reporter", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429


def test_behind_one_proxy_the_address_nginx_saw_is_counted(client, reporter, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(6):
        attempt(client, f"user{n}", address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    # A different client behind the same proxy is not throttled by that one.
    ok = attempt(
        client, "reporter", PASSWORD, address="127.0.0.1", HTTP_X_FORWARDED_FOR="x, 198.51.100.8"
    )
    assert ok.status_code == 302


def test_logins_work_when_the_cache_is_down(client, reporter, settings):
    """Decision: fail open. The newsroom must be able to log in and publish during a cache
    outage; the password hash and the second factor still stand."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/6",
        }
    }
    # (Django's setting_changed handler rebuilds the cache handler from the new CACHES.)
    assert attempt(client, "reporter").status_code == 200
    assert attempt(client, "reporter", PASSWORD).status_code == 302


def test_page_cache_pressure_cannot_evict_the_counters_from_their_own_cache(
    client, reporter, settings
):
    """With LOGIN_THROTTLE_REDIS_URL the counters have a Redis of their own: pages filling
    the shared cache (here: emptied, as eviction would) must not hand out fresh guesses."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "a"},
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "b"},
    }
    settings.LOGIN_THROTTLE_CACHE = "throttle"
    caches["throttle"].clear()
    for _ in range(3):
        attempt(client, "reporter")
    caches["default"].clear()
    assert attempt(client, "reporter", PASSWORD).status_code == 429
    caches["throttle"].clear()


class CountingHasher(MD5PasswordHasher):
    """Counts hash computations: the slow step an attacker would time."""

    algorithm = "counting-md5"
    computations = 0

    def encode(self, password, salt):
        CountingHasher.computations += 1
        return super().encode(password, salt).replace("md5$", "counting-md5$", 1)

    def verify(self, password, encoded):
        return super().verify(password, encoded.replace("counting-md5$", "md5$", 1))


def test_known_and_unknown_names_cost_the_same_hashing(client, settings, db):
    """No timing oracle: a wrong password for an existing account and any password for a
    name that does not exist both compute exactly one password hash."""
    settings.PASSWORD_HASHERS = ["tests.test_login_throttle.CountingHasher"]
    get_user_model().objects.create_user("known", password=PASSWORD, is_staff=True)
    costs = {}
    for name in ("known", "unknown-name"):
        CountingHasher.computations = 0
        attempt(client, name, address=f"10.0.3.{len(costs)}")
        costs[name] = CountingHasher.computations
    assert costs == {"known": 1, "unknown-name": 1}
