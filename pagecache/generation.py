"""The content generation, its bumps, and values remembered under it.

The generation lives in the cache itself (created from the clock when missing, so a
generation lost to eviction or a Redis restart never comes back with a number already
used). Bumps run after commit, so a page rendered from a transaction's uncommitted state can
never be stored under the new generation. Every cache call is guarded: a broken cache (Redis
down) is logged and the site renders uncached, never a 500.
"""

import contextvars
import logging
import threading
import time
from collections import OrderedDict

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from .policy import policy

logger = logging.getLogger("pagecache")

CACHE_ALIAS = "default"
GENERATION_KEY = "pagecache:generation"
# Pages and remembered values (navigation, breaking strip, counts) each process also keeps
# in memory, under keys that hold the generation.
LOCAL_PAGES = 200
LOCAL_VALUES = 200

# Set when a bump could not reach the cache; the next request of this process retries it.
bump_pending = threading.Event()
# The generation as the current request first read it (the middleware opens the scope): a
# page is rendered against one generation, however many values it remembers.
request_scope = contextvars.ContextVar("pagecache_request_scope", default=None)


def page_cache():
    return caches[CACHE_ALIAS]


def safe(operation, default=None):
    """Run a cache operation; a broken cache is logged, never raised."""
    try:
        return operation()
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return default


class CachedCounter:
    """The generation in a Django cache (local memory: one process, tests)."""

    def __init__(self, cache):
        self.cache = cache

    def get(self):
        return self.cache.get(GENERATION_KEY)

    def add(self, value):
        self.cache.add(GENERATION_KEY, value, timeout=None)

    def incr(self):
        try:
            self.cache.incr(GENERATION_KEY)
        except ValueError:  # missing: a fresh clock-based generation is newer than any old one
            self.cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


class RedisCounter:
    """The generation in Redis, read on every request through one redis-py client per
    process and server: Django's Redis backend builds a client for every operation (200 us
    of CPU per read against 75 us here, most of a cached page's own cost), and offers no
    public way to keep one. Only this plain integer is kept this way; pages stay in Django's
    cache."""

    clients = {}
    lock = threading.Lock()

    def __init__(self, location, options, prefix):
        self.client = self.clients.get(location)  # the hot path: no lock once it exists
        if self.client is None:
            with self.lock:
                if location not in self.clients:
                    timeouts = {
                        name: options[name]
                        for name in ("socket_timeout", "socket_connect_timeout")
                        if name in options
                    }
                    self.clients[location] = redis.Redis.from_url(location, **timeouts)
                self.client = self.clients[location]
        self.key = f"{prefix}:{GENERATION_KEY}"

    def get(self):
        value = self.client.get(self.key)
        return None if value is None else int(value)

    def add(self, value):
        self.client.set(self.key, value, nx=True)

    def incr(self):
        # INCR of a missing key would start again at 1, below generations already used.
        self.client.set(self.key, time.time_ns(), nx=True)
        self.client.incr(self.key)


def counter(cache):
    if isinstance(cache, RedisCache):
        config = settings.CACHES[CACHE_ALIAS]
        location = config["LOCATION"]
        location = location[0] if isinstance(location, list | tuple) else location
        return RedisCounter(location, config.get("OPTIONS", {}), config.get("KEY_PREFIX", ""))
    return CachedCounter(cache)


def current_generation(cache):
    """The generation, created from the clock when missing, so that a generation lost to
    eviction or a Redis restart never comes back with a number already used."""
    generations = counter(cache)
    generation = generations.get()
    if generation is None:
        generations.add(time.time_ns())
        generation = generations.get()
    return generation


def bump_generation():
    """Make every cached page stale. Called after commit; if the cache is unreachable the
    bump is retried by this process's next request (pages also expire on their own within
    PAGE_CACHE_TIMEOUT)."""
    generations = counter(page_cache())
    if safe(lambda: generations.incr() or True, default=False):
        bump_pending.clear()
    else:
        bump_pending.set()


# Pages by key (PAGE_CACHE_BY_KEY): a page is stale once a key it shows is bumped, not at
# every change. One counter orders the bumps; each key holds the counter value of its last
# bump; a page stores the values of its keys as it saw them and is valid while they hold.
CLOCK_KEY = "pagecache:clock"
# Every page shows this key too: bumped when a bump of keys could not reach the cache.
ALL_KEY = "all"


def version_key(key):
    return f"pagecache:key:{key}"


def key_clock(cache):
    """The counter's value now (created from the clock when missing, like the generation)."""
    value = cache.get(CLOCK_KEY)
    if value is None:
        cache.add(CLOCK_KEY, time.time_ns(), timeout=None)
        value = cache.get(CLOCK_KEY)
    return value


def key_versions(cache, keys, create=False):
    """{key: value of its last bump}; a key never bumped (or evicted) is missing, or, with
    `create`, given the counter's value now: never a value an older page stored."""
    versions = dict(zip(keys, read_values(cache, [version_key(key) for key in keys]), strict=True))
    if create and None in versions.values():
        now = key_clock(cache)
        for key in [key for key, value in versions.items() if value is None]:
            cache.add(version_key(key), now, timeout=None)
            versions[key] = cache.get(version_key(key))
    return versions


def read_values(cache, names):
    """Integers stored under `names` (None where missing), in one round trip. With Redis,
    through the page cache's own client (as the generation is read): Django's backend builds
    a client per call, which doubled the cost of a hit on the home page. Django's Redis
    backend stores integers as plain integers, under `make_key` names."""
    if isinstance(cache, RedisCache):
        client = counter(cache).client
        values = client.mget([cache.make_key(name) for name in names])
        return [None if value is None else int(value) for value in values]
    found = cache.get_many(names)
    return [found.get(name) for name in names]


def bump_keys(keys):
    """Make every stored page that shows one of `keys` stale (after commit). If the cache
    is unreachable, this process's next request bumps `all`, which every page shows."""
    cache = page_cache()

    def bump():
        try:
            value = cache.incr(CLOCK_KEY)
        except ValueError:  # missing: restart from the clock, above any value used
            cache.set(CLOCK_KEY, time.time_ns(), timeout=None)
            value = cache.incr(CLOCK_KEY)
        cache.set_many({version_key(key): value for key in keys}, timeout=None)
        return True

    if not safe(bump, default=False):
        bump_pending.set()


def content_changed(**kwargs):
    """Signal receiver: content that pages show changed; invalidate once the change is
    visible to other connections (after commit), never before."""
    if kwargs.get("raw"):  # fixtures being loaded
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a staff login changes nothing a reader sees
    transaction.on_commit(bump_generation, using=kwargs.get("using"))


def next_change(cache, generation):
    """The next instant (a timestamp) at which a page changes by the clock alone, 0 if none
    is due; asked of the registered policy once per generation and kept until then."""
    key = f"pagecache:{generation}:next"
    cached = cache.get(key)
    if cached is not None:
        return cached
    moment = policy.next_clock_change() if policy.next_clock_change else None
    moment = moment.timestamp() if moment else 0
    timeout = settings.PAGE_CACHE_TIMEOUT
    if moment:
        timeout = min(timeout, max(1, int(moment - time.time())))
    cache.set(key, moment, timeout)
    return moment


def seconds_to_keep(cache, generation):
    """How long something stored now under `generation` may live: PAGE_CACHE_TIMEOUT,
    lowered to the next change by the clock; None when it must not be stored at all (the
    probe failed, or the change is due within the second)."""
    moment = safe(lambda: next_change(cache, generation), default=False)
    if moment is False:
        return None
    timeout = settings.PAGE_CACHE_TIMEOUT
    if moment:
        timeout = min(timeout, int(moment - time.time()))
    return timeout if timeout >= 1 else None


def request_generation(cache):
    """The generation, read from the cache once per request (None if unreachable)."""
    scope = request_scope.get()
    if scope is None:  # outside a request: management commands, the shell
        return safe(lambda: current_generation(cache))
    if "generation" not in scope:
        scope["generation"] = safe(lambda: current_generation(cache))
    return scope["generation"]


class Recent:
    """What this process served or remembered last, by key (which holds the generation): a
    hit on a hot page then reads only the generation from the cache, not the page, and a
    render reads the generation, not the navigation and the strip (reading and unpickling
    them on every render was about 1.2 ms). Never trusted without reading the generation:
    a stale generation simply finds nothing here."""

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
        if entry is not None and entry["expires"] > time.time():
            return entry
        return None

    def put(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


recent_pages = Recent(LOCAL_PAGES)
recent_values = Recent(LOCAL_VALUES)


def remember(name, compute):
    """A value derived from content (e.g. a listing's count), cached under the generation
    like pages, so exactly as fresh, and never past the next change by the clock. Computes
    directly when the page cache is off or unreachable."""
    if not settings.PAGE_CACHE_ENABLED:
        return compute()
    cache = page_cache()
    generation = request_generation(cache)
    if generation is None:
        return compute()
    key = f"pagecache:{generation}:value:{name}"
    entry = recent_values.get(key)
    if entry is not None:
        return entry["value"]
    entry = safe(lambda: cache.get(key))
    if entry is None or entry["expires"] <= time.time():
        value = compute()
        timeout = seconds_to_keep(cache, generation)
        if timeout is None:
            return value
        entry = {"value": value, "expires": time.time() + timeout}
        safe(lambda: cache.set(key, entry, timeout))
    recent_values.put(key, entry)
    return entry["value"]
