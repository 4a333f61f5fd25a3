"""Django's Redis cache, with two additions the page cache uses.

One client object per connection pool instead of one per call: Django's
`RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation (cheap
connections, costly Python: about a quarter of a page-cache hit's time). The client is
thread-safe and holds no connection of its own, so one per pool is enough.

Watched counters (`bump()`, `watched()`): the page cache's generation is read on every
request, and that read was a quarter of a cached page's cost (80 us of a worker's CPU, plus
Redis's own). A bump now announces the new value on a pub/sub channel in the same atomic
step, and each process keeps the value it heard in memory (`Watch`), confirmed by a read
every second. A request reads the counter from Redis only when the process's copy is not
known to be current: before the subscription is up, or once it has gone quiet for longer
than two heartbeats (Redis restarted, a network fault), so a lost announcement can leave a
stale copy in use for at most that long; losing the connection itself is seen at once.
"""

import logging
import os
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
RETRY_SECONDS = 1.0

# Increment the counter, or create it from ARGV[1] when it is missing, and announce the new
# value, atomically. Values stay strings in Lua (its numbers are doubles: a generation made
# from the clock in nanoseconds has more digits than they keep).
BUMP = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCR', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
local value = redis.call('GET', KEYS[1])
redis.call('PUBLISH', ARGV[2], value)
return value
"""


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


def channel_of(key):
    return f"{key}:bumps"


class Watch:
    """This process's copy of one counter, kept current by listening to its channel.

    `current()` is the value only while it is known to be current: the subscription is up
    and something (an announcement or the heartbeat read) confirmed it within the last two
    heartbeats. Otherwise None, and the caller reads Redis itself.
    """

    def __init__(self, client, key, heartbeat=HEARTBEAT_SECONDS):
        self.client = client
        self.key = key
        self.heartbeat = heartbeat
        self.pid = os.getpid()
        self.state = (None, 0.0)  # (value, when confirmed), replaced whole: no lock needed
        self.pubsub = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"watch {key}", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=5)

    def current(self):
        value, confirmed = self.state
        if value is not None and time.monotonic() - confirmed < 2 * self.heartbeat:
            return value
        return None

    def heard(self, value):
        """A value learned from an announcement or a bump of this process. Announcements
        arrive in order, but a bump's own answer can overtake an earlier one: never go back."""
        known, _ = self.state
        self.state = (value if known is None else max(known, value), time.monotonic())

    def read(self):
        value = self.client.get(self.key)
        self.state = (None if value is None else int(value), time.monotonic())

    def run(self):
        while not self.stopped.is_set():
            pubsub = self.pubsub = self.client.pubsub()
            try:
                pubsub.subscribe(channel_of(self.key))
                # Read only once Redis confirmed the subscription, so that no bump falls
                # between the two.
                confirmation = pubsub.get_message(timeout=self.heartbeat)
                if confirmation is None or confirmation["type"] != "subscribe":
                    raise ConnectionError(f"no subscription to {channel_of(self.key)}")
                self.read()
                while not self.stopped.is_set():
                    message = pubsub.get_message(timeout=min(self.heartbeat, 1.0))
                    kind = message and message["type"]
                    if kind == "message":
                        self.heard(int(message["data"]))
                    elif kind == "subscribe" or time.monotonic() - self.state[1] >= self.heartbeat:
                        # Also when redis-py has reconnected and subscribed again by itself:
                        # what was announced in between was never heard.
                        self.read()
            except Exception:  # Redis down or restarted: untrusted until subscribed again
                if self.state[0] is not None:
                    logger.warning("stopped watching %s", self.key, exc_info=True)
                self.state = (None, 0.0)
                self.stopped.wait(RETRY_SECONDS)
            finally:
                pubsub.close()


_watches = {}
_watches_lock = threading.Lock()


class NewsroomRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingClient

    def bump(self, key, initial):
        """Increment the integer at `key` (set it to `initial` when missing) and announce
        the new value to every process watching it; returns the new value."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        value = int(client.eval(BUMP, 1, key, initial, channel_of(key)))
        watch = _watches.get((tuple(self._servers), key))
        if watch is not None:
            watch.heard(value)
        return value

    def watched(self, key):
        """The integer at `key` as this process knows it, without a round trip; None while
        that copy is not known to be current (see Watch). Starts the watch on first use in
        each process (gunicorn forks workers: a thread does not survive the fork)."""
        key = self.make_and_validate_key(key)
        name = (tuple(self._servers), key)
        watch = _watches.get(name)
        if watch is None or watch.pid != os.getpid():
            with _watches_lock:
                watch = _watches.get(name)
                if watch is None or watch.pid != os.getpid():
                    client = self._cache.get_client(key)
                    watch = _watches[name] = Watch(client, key).start()
        return watch.current()
