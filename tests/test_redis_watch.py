"""The page cache on real Redis (newsroom/redis_cache.py): a bump is announced to every
process, which then knows the generation without reading it; a process that cannot be sure
its copy is current reads Redis as before, and a reader never gets a page older than the
last bump another process announced."""

import threading
import time
import uuid
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import caches

from articles import pagecache
from articles.pagecache import GENERATION_KEY, known_generation, page_cache
from newsroom import redis_cache
from newsroom.redis_cache import BUMP, Watch, channel_of

from .tcp_proxy import TcpProxy

REDIS = ("127.0.0.1", 6379)
DB = 7


def settle(condition, seconds=5.0):
    """Wait until condition() is true (False if it never is within `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def redis_page_cache(settings):
    """The page cache on Redis, as in production; `use(port)` points it elsewhere (a proxy)."""
    prefix = f"test-{uuid.uuid4()}"

    def use(port=REDIS[1], **options):
        settings.CACHES = {
            "default": {
                "BACKEND": "newsroom.redis_cache.NewsroomRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/{DB}",
                "KEY_PREFIX": prefix,
                "OPTIONS": options,
            }
        }
        return page_cache()

    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TIMEOUT = 600
    use()
    yield use
    for watch in redis_cache._watches.values():
        watch.stop()
    redis_cache._watches.clear()
    pagecache.recent_pages.clear()
    pagecache.recent_values.clear()
    direct = redis.Redis(*REDIS, db=DB)
    for key in direct.scan_iter(f"{prefix}:*"):
        direct.delete(key)


def raw_key(cache):
    return cache.make_key(GENERATION_KEY)


def bump_from_another_process(cache):
    """What another worker's bump_generation() sends: this process only hears of it."""
    key = raw_key(cache)
    return int(redis.Redis(*REDIS, db=DB).eval(BUMP, 1, key, time.time_ns(), channel_of(key)))


@contextmanager
def watching(cache, heartbeat):
    """(watch, generation): a watch of the generation such as another worker process holds,
    once it knows the current value."""
    start = pagecache.current_generation(cache)
    watch = Watch(redis.Redis(*REDIS, db=DB), raw_key(cache), heartbeat=heartbeat).start()
    try:
        assert settle(lambda: watch.current() == start)
        yield watch, start
    finally:
        watch.stop()


def commands_sent(test):
    """How many commands this thread sends to Redis while running test()."""
    sent = []
    original = redis.connection.AbstractConnection.send_packed_command
    me = threading.get_ident()

    def counting(self, command, *args, **kwargs):
        if threading.get_ident() == me:
            sent.append(command)
        return original(self, command, *args, **kwargs)

    redis.connection.AbstractConnection.send_packed_command = counting
    try:
        result = test()
    finally:
        redis.connection.AbstractConnection.send_packed_command = original
    return len(sent), result


def test_a_bump_creates_a_missing_generation_from_the_clock_and_keeps_every_digit(
    redis_page_cache,
):
    cache = redis_page_cache()
    cache.delete(GENERATION_KEY)
    initial = time.time_ns()  # 19 digits: more than a Lua number (a double) holds
    assert cache.bump(GENERATION_KEY, initial) == initial
    assert cache.bump(GENERATION_KEY, 1) == initial + 1
    assert cache.get(GENERATION_KEY) == initial + 1


def test_a_watch_hears_another_process_bump_at_once_without_reading(redis_page_cache):
    cache = redis_page_cache()
    # A heartbeat of a minute: only the announcement can tell this watch of the bump.
    with watching(cache, heartbeat=60) as (watch, start):
        bumped_at = time.monotonic()
        bumped = bump_from_another_process(cache)
        assert settle(lambda: watch.current() == bumped, seconds=2)
        assert time.monotonic() - bumped_at < 0.5
        assert bumped == start + 1


def test_a_hit_asks_redis_nothing_once_the_process_watches_the_generation(
    client, make_article, redis_page_cache
):
    article = make_article()
    url = article.get_absolute_url()
    first = client.get(url)
    assert settle(lambda: known_generation(page_cache()) is not None)
    client.get(url)  # stored in this process's memory under the watched generation
    sent, again = commands_sent(lambda: client.get(url))
    assert sent == 0
    assert again.content == first.content


def test_an_edit_shows_at_once_on_the_next_request_of_the_editing_process(
    client, make_article, redis_page_cache, committed
):
    article = make_article()
    url = article.get_absolute_url()
    client.get(url)
    assert settle(lambda: known_generation(page_cache()) is not None)
    with committed():
        article.headline = "عنوان بعد التصحيح"
        article.save()
    assert "عنوان بعد التصحيح" in client.get(url).content.decode()


def test_a_bump_announced_by_another_process_makes_this_process_render_again(
    client, make_article, redis_page_cache
):
    article = make_article()
    url = article.get_absolute_url()
    client.get(url)
    assert settle(lambda: known_generation(page_cache()) is not None)
    # Changed by another worker: this process saw no save, only the announcement.
    type(article).objects.filter(pk=article.pk).update(headline="عنوان من عامل آخر")
    assert "عنوان من عامل آخر" not in client.get(url).content.decode()
    bumped = bump_from_another_process(page_cache())
    assert settle(lambda: known_generation(page_cache()) == bumped, seconds=2)
    assert "عنوان من عامل آخر" in client.get(url).content.decode()


def test_a_watch_that_loses_redis_is_distrusted_at_once_and_catches_up_when_it_returns(
    redis_page_cache,
):
    proxy = TcpProxy(*REDIS)
    try:
        cache = redis_page_cache(proxy.port, socket_timeout=0.5, socket_connect_timeout=0.5)
        pagecache.current_generation(cache)
        assert settle(lambda: cache.watched(GENERATION_KEY) is not None)
        proxy.cut()
        assert settle(lambda: cache.watched(GENERATION_KEY) is None, seconds=1)
        # While this process cannot hear, another one bumps.
        bumped = bump_from_another_process(cache)
        proxy.restore()
        assert settle(lambda: cache.watched(GENERATION_KEY) == bumped, seconds=5)
    finally:
        proxy.close()


def test_a_watch_that_goes_quiet_is_distrusted_after_two_heartbeats(redis_page_cache):
    with watching(redis_page_cache(), heartbeat=0.2) as (watch, _):
        watch.stop()  # as a thread stuck on a silent network would: nothing confirms it
        time.sleep(0.45)
        assert watch.current() is None


def test_the_site_keeps_serving_when_the_watched_redis_is_down(
    client, make_article, redis_page_cache, committed
):
    redis_page_cache(1, socket_timeout=0.2, socket_connect_timeout=0.2)
    article = make_article()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert known_generation(caches["default"]) is None
    with committed():
        article.headline = "تعديل أثناء تعطل Redis"
        article.save()
    assert "تعديل أثناء تعطل Redis" in client.get(article.get_absolute_url()).content.decode()


def test_a_bump_made_while_the_subscription_reconnects_is_not_missed(redis_page_cache):
    cache = redis_page_cache()
    # Heartbeats a minute apart: only the announcement or the read after resubscribing can
    # bring the new value.
    with watching(cache, heartbeat=60) as (watch, _):
        host, port = watch.pubsub.connection._sock.getsockname()
        redis.Redis(*REDIS, db=DB).client_kill(f"{host}:{port}")  # redis-py resubscribes
        bumped = bump_from_another_process(cache)
        assert settle(lambda: watch.current() == bumped, seconds=3)
