"""Throttling of failed admin logins, per account and per client address.

Failures are counted in the cache inside a fixed window (LOGIN_THROTTLE_WINDOW_SECONDS) that
starts at the first failure: when the window ends the counter disappears, so a lockout always
ends by itself and an attacker cannot lock a journalist out for longer than one window
without spending a fresh batch of guesses. The account counter is keyed by the submitted
name, whether or not such an account exists, and a throttled request answers the same for
both, so throttling reveals nothing about which accounts exist.

In production the counters live in a cache of their own (LOGIN_THROTTLE_CACHE, a Redis
instance holding nothing else: README "Deploy"), so pages filling the shared cache cannot
evict them and hand an attacker fresh guesses.

If the cache is unreachable the throttle fails open (logins work, a warning is logged): the
newsroom must be able to publish during an outage, and the password hash cost and the second
factor (README, "Second factor for staff") remain.
"""

import contextlib
import functools
import hashlib
import logging
import unicodedata

from django.conf import settings
from django.contrib import admin
from django.core.cache import caches
from django.shortcuts import render

from core import events

logger = logging.getLogger("security.login_throttle")

LOCKED_MESSAGE = "محاولات دخول فاشلة كثيرة. انتظر {minutes} دقيقة ثم حاول مجدداً."


def client_address(request):
    """REMOTE_ADDR, or the address the trusted proxies saw: X-Forwarded-For is only believed
    as far as DJANGO_TRUSTED_PROXY_COUNT proxies append to it."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def counters():
    return caches[settings.LOGIN_THROTTLE_CACHE]


def _key(kind, value):
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"login-fail:{kind}:{digest}"


def account_name(typed):
    """The name the account counter is kept under: the form Django signs in (the login form
    normalizes the typed name to NFKC, so "ｅditor" and "𝐞𝐝𝐢𝐭𝐨𝐫" sign in as "editor"),
    case-folded, so that no spelling of a name brings a fresh batch of guesses."""
    name = unicodedata.normalize("NFKC", typed.strip()).strip()
    return unicodedata.normalize("NFKC", name.casefold())


def throttle_keys(request):
    username = account_name(request.POST.get("username", ""))
    return {
        _key("account", username): settings.LOGIN_THROTTLE_MAX_PER_ACCOUNT,
        _key("address", client_address(request)): settings.LOGIN_THROTTLE_MAX_PER_ADDRESS,
    }


def second_step_keys(request, user):
    """The second step (a code after the password) is counted like the password: per
    account (its id: the name is known by then) and per address, with the same limits and
    the same address counter, so guesses at either step draw from one budget."""
    return {
        _key("second-step", str(user.pk)): settings.LOGIN_THROTTLE_MAX_PER_ACCOUNT,
        _key("address", client_address(request)): settings.LOGIN_THROTTLE_MAX_PER_ADDRESS,
    }


def is_throttled(keys):
    try:
        counts = counters().get_many(list(keys))
    except Exception as error:
        logger.warning("Login throttle skipped: cache unavailable (%s)", type(error).__name__)
        return False
    return any(counts.get(key, 0) >= limit for key, limit in keys.items())


def record_failure(keys):
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    try:
        cache = counters()
        for key in keys:
            # add() starts the window; incr() keeps the expiry it set (fixed window).
            if not cache.add(key, 1, window):
                try:
                    cache.incr(key)
                except ValueError:  # expired between add() and incr()
                    cache.add(key, 1, window)
    except Exception as error:
        logger.warning("Login failure not counted: cache unavailable (%s)", type(error).__name__)


def forget_account(keys):
    """A successful login clears the account's counter, never the address's: one valid
    account must not reset the counter of an address guessing at others."""
    with contextlib.suppress(Exception):  # the counter expires by itself anyway
        counters().delete(next(iter(keys)))


def locked_response(request):
    minutes = max(1, settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60)
    response = render(
        request,
        "registration/login_throttled.html",
        admin.site.each_context(request) | {"message": LOCKED_MESSAGE.format(minutes=minutes)},
        status=429,
    )
    response["Retry-After"] = str(settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    return response


def throttled(login_view):
    """Wraps a login view: refuses POSTs over a limit with 429, counts failed POSTs."""

    @functools.wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        keys = throttle_keys(request)
        typed = request.POST.get("username", "")[:150]
        if is_throttled(keys):
            logger.warning("Login throttled for address %s", client_address(request))
            events.send(__name__, "login_throttled", target_repr=typed, detail="refused: 429")
            return locked_response(request)
        response = login_view(request, *args, **kwargs)
        if response.status_code == 302 and request.user.is_authenticated:
            forget_account(keys)
        else:
            logger.info("Failed admin login from %s", client_address(request))
            record_failure(keys)
            events.send(__name__, "login_failed", target_repr=typed, detail="allowed, counted")
        return response

    return view
