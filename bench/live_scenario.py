"""`make bench BENCH_ARGS="--live"`: live coverage under its readers (issue 21).

`--live-readers` (500) readers keep one live page open; each polls its update endpoint every
`--live-poll` (15) seconds, as static/js/live.js does: with the ETag of its last answer, so
an unchanged endpoint is a 304 with an empty body. Their polls are spread evenly over the
interval. Meanwhile a journalist signed in to the admin posts an entry through the desk's
form every `--live-post-every` (20) seconds, for `--live-minutes` (5). Reported: errors,
the endpoint's p50/p99 latency (200s and 304s), bytes per poll, the desk POST's latency, and
for each entry how long until every reader had seen it (target: within one poll interval).
"""

import gzip
import http.client
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from urllib.parse import urlencode, urlsplit

SETUP = """
import json
from django.contrib.auth import get_user_model
from articles.models import Article
from live.models import LiveCoverage
User = get_user_model()
user, _ = User.objects.get_or_create(username="bench-live", defaults={"is_staff": True,
    "is_superuser": True, "first_name": "مراسل", "last_name": "الميدان"})
user.set_password(PASSWORD)
user.save()
# Staff pass a second step after the password (staff/): one backup code for this run.
from django_otp.plugins.otp_static.models import StaticDevice
StaticDevice.objects.filter(user=user).delete()
device = StaticDevice.objects.create(user=user, name="bench", confirmed=True)
device.token_set.create(token=PASSWORD[:16].lower())
article = Article.objects.published().order_by("-published_at").first()
coverage, _ = LiveCoverage.objects.get_or_create(article=article)
print(json.dumps({"article": article.pk, "coverage": coverage.pk,
                  "url": article.get_absolute_url()}))
"""
MARK = re.compile(r"bench-live-entry-(\d+)-")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Session:
    """A browser's cookies over plain HTTP on loopback (the bench runs without TLS, and the
    site's cookies are Secure, which http.cookiejar would then never send back)."""

    def __init__(self, base):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {}

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}{path}",
                "Origin": f"http://{self.host}:{self.port}",
            }
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, content.decode(errors="replace")

    def post_form(self, path, fields):
        _, page = self.request("GET", path)
        token = CSRF_INPUT.search(page)[1]
        return self.request("POST", path, urlencode({"csrfmiddlewaretoken": token, **fields}))


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def run(base, manage_shell, args, password):
    target = manage_shell(SETUP.replace("PASSWORD", repr(password)))
    endpoint = f"/live/{target['article']}/updates/"
    desk = f"/admin/live/livecoverage/{target['coverage']}/desk/"
    journalist = Session(base)
    status, _ = journalist.post_form(
        "/admin/login/?next=/admin/", {"username": "bench-live", "password": password}
    )
    if status != 302:
        raise SystemExit(f"the bench journalist's login answered {status}")
    status, _ = journalist.post_form(
        "/admin/second-factor/?next=/admin/", {"code": password[:16].lower(), "next": "/admin/"}
    )
    if status != 302:
        raise SystemExit(f"the bench journalist's second step answered {status}")

    parts = urlsplit(base)
    lock = threading.Lock()
    polls = []  # (status, ms, bytes)
    seen = {}  # entry number -> [time each reader first saw it]
    posted = {}  # entry number -> time the desk answered
    post_ms = []
    errors = [0]
    duration = args.live_minutes * 60
    started = time.monotonic()
    stop = started + duration + args.live_poll  # a last round of polls after the last post

    class Reader:
        def __init__(self):
            self.etag = None
            self.known = set()

        def poll(self):
            headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
            if self.etag:
                headers["If-None-Match"] = self.etag
            begin = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                conn.request("GET", endpoint, headers=headers)
                response = conn.getresponse()
                content = response.read()
                conn.close()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                return
            ms = (time.perf_counter() - begin) * 1000
            now = time.monotonic()
            with lock:
                polls.append((response.status, ms, len(content)))
                if response.status not in (200, 304):
                    errors[0] += 1
            if response.status == 200:
                self.etag = response.getheader("ETag")
                if response.getheader("Content-Encoding") == "gzip":
                    content = gzip.decompress(content)
                numbers = {int(n) for n in MARK.findall(unescape(content.decode()))}
                with lock:
                    for number in numbers - self.known:
                        seen.setdefault(number, []).append(now)
                self.known |= numbers

    readers = [Reader() for _ in range(args.live_readers)]
    pool = ThreadPoolExecutor(max_workers=64)

    def schedule_polls():
        step = args.live_poll / len(readers)
        tick = 0
        while True:
            for index, reader in enumerate(readers):
                due = started + tick * args.live_poll + index * step
                if due > stop:
                    return
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(reader.poll)
            tick += 1

    scheduler = threading.Thread(target=schedule_polls)
    scheduler.start()
    number = 0
    while time.monotonic() < started + duration:
        number += 1
        begin = time.perf_counter()
        status, _ = journalist.post_form(
            desk,
            {
                "entry-body": f"<p>bench-live-entry-{number}- تحديث من الميدان رقم {number}</p>",
                "action": "publish",
            },
        )
        post_ms.append((time.perf_counter() - begin) * 1000)
        posted[number] = time.monotonic()
        if status != 302:
            errors[0] += 1
        time.sleep(max(0, posted[number] + args.live_post_every - time.monotonic()))
    scheduler.join()
    pool.shutdown(wait=True)

    lags = []
    for entry, at in posted.items():
        times = seen.get(entry, [])
        if len(times) < len(readers):
            errors[0] += 1  # a reader never saw it
        lags.extend(t - at for t in times)
    ok = [ms for status, ms, _ in polls]
    not_modified = [size for status, _, size in polls if status == 304]
    fresh = [size for status, _, size in polls if status == 200]
    return {
        "minutes": args.live_minutes,
        "readers": args.live_readers,
        "poll": args.live_poll,
        "entries": len(posted),
        "polls": len(polls),
        "rps": len(polls) / (stop - started),
        "errors": errors[0],
        "p50": percentile(ok, 0.50),
        "p99": percentile(ok, 0.99),
        "share_304": len(not_modified) / max(1, len(polls)),
        "bytes_304": statistics.mean(not_modified) if not_modified else 0,
        "bytes_200": statistics.mean(fresh) if fresh else 0,
        "post_p50": percentile(post_ms, 0.5),
        "post_max": max(post_ms, default=float("nan")),
        "lag_max": max(lags, default=float("nan")),
        "lag_p50": percentile(lags, 0.5),
    }


def report(result):
    print()
    print(
        f"## Live coverage: {result['readers']} readers polling every {result['poll']} s, "
        f"an entry every 20 s, {result['minutes']} min ({result['entries']} entries)"
    )
    print()
    print(
        f"- polls: {result['polls']:,} ({result['rps']:.0f}/s), errors {result['errors']}; "
        f"endpoint p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms"
    )
    print(
        f"- {100 * result['share_304']:.0f}% answered 304 "
        f"({result['bytes_304']:.0f} bytes of body); "
        f"a 200 carried {result['bytes_200']:,.0f} bytes (gzip)"
    )
    print(
        f"- desk POST (entry saved, generation bumped, redirect): p50 {result['post_p50']:.0f} ms, "
        f"max {result['post_max']:.0f} ms"
    )
    print(
        f"- an entry reached every reader within {result['lag_max']:.1f} s "
        f"(median {result['lag_p50']:.1f} s; poll interval {result['poll']} s)"
    )
