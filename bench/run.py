"""`make bench`: dataset, a production-like gunicorn, bounded load, one table.

    .venv/bin/python bench/run.py [--articles 10000] [--duration 5] [--connections 16]

Everything runs on 127.0.0.1: PostgreSQL database `newsroom_bench` (created if missing;
BENCH_DATABASE_URL overrides), Redis db 5 (BENCH_REDIS_URL), gunicorn on port 8115. Load comes
from wrk when installed (Debian package `wrk`), else from a Python client with the same
bounds. "uncached" requests add `?nocache=1`: the page cache never stores a page whose query
holds a parameter other than `page`/`q`, so each such request renders fully, by design.
"minimal" is a bench-only view (NEWSROOM_BENCH_VIEWS=1) returning the article page's bytes
from memory through the same middleware: the floor the others are compared with. It is
measured in the same run as every row, interleaved with it in one-second slices (minimal,
page, minimal, page...), and each row's ratio is to its own paired floor: on a small shared
machine throughput swings by 2x within seconds, and a single floor measured at the start
made the ratios swing with it. A row's req/s is the mean of its slices, p50 the median of
the slices' p50s, p99 the worst slice's p99. A second table times the uncached pages with one
client at a time (latency without queueing: the figures the 1M targets speak of).
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg

RANKED = 10_000
ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--spike-connections", type=int, default=200)
    parser.add_argument("--spike-duration", type=int, default=30)
    parser.add_argument("--port", type=int, default=8115)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--python-client", action="store_true", help="ignore wrk")
    parser.add_argument(
        "--latency-duration", type=int, default=5, help="seconds per single-client row"
    )
    parser.add_argument(
        "--uploads",
        type=int,
        default=0,
        help="instead of the page table: N concurrent 40 MP uploads while readers browse",
    )
    parser.add_argument("--job-workers", type=int, default=2, help="with --uploads")
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="only the in-process cold table (issue 26's method), no server, no load",
    )
    # Live coverage (bench/live_scenario.py): run that scenario instead of the page table.
    parser.add_argument("--live", action="store_true", help="the live coverage scenario")
    parser.add_argument("--live-readers", type=int, default=500)
    parser.add_argument("--live-poll", type=int, default=15, help="seconds between polls")
    parser.add_argument("--live-post-every", type=int, default=20, help="seconds")
    parser.add_argument("--live-minutes", type=float, default=5)
    return parser.parse_args()


def live_main(args, env):
    import live_scenario

    def shell(code):
        return json.loads(manage(env, "shell", "-c", code, capture=True).splitlines()[-1])

    server, base = start_server(args, env)
    try:
        result = live_scenario.run(base, shell, args, secrets.token_urlsafe(16))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"gunicorn gthread {args.workers} workers x {args.threads} threads; "
        f"load avg {os.getloadavg()[0]:.1f}"
    )
    live_scenario.report(result)


def environment(args):
    database = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench"
    )
    return os.environ | {
        "DATABASE_URL": database,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: in production nginx terminates TLS in front of gunicorn.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "NEWSROOM_BENCH_VIEWS": "1",
        "NEWSROOM_BENCH_PAGE": str(ROOT / "bench" / "data" / "page.html"),
        "MEDIA_ROOT": str(ROOT / "bench" / "data" / "media"),
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def ensure_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def manage(env, *command, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout


PICK_TARGETS = """
import json
from django.db.models import Count
from articles.models import Article
from sections.models import Section
from tags.models import Tag
from articles.sitemaps import article_page_range
live = Article.objects.published()
article = live.exclude(lead_image=None).order_by("-published_at").first()
oldest = live.order_by("published_at").first()
section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
tag = Tag.objects.annotate(n=Count("article_items")).order_by("-n").first()
author = article.authors.first()
print(json.dumps({
    "article": article.get_absolute_url(),
    "section": f"/sections/{section.slug}/",
    "tag": f"/tags/{tag.slug}/",
    "author": f"/authors/{author.username}/" if author else "/authors/none/",
    "word": article.headline.split()[0],
    "second_word": article.headline.split()[1].strip(":"),
    "third_word": article.headline.split()[2],
    # The generator numbers each headline: a number is a word exactly one article has.
    "rare_word": oldest.headline.rsplit("(", 1)[-1].strip(")"),
    "oldest": oldest.get_absolute_url(),
    "sitemap_pages": len(article_page_range()),
    "articles": Article.objects.count(),
}))
"""

ADMIN_TIMING = """
import json, statistics, time
from urllib.parse import urlencode
from django.contrib.auth import get_user_model
from django.test import Client
user, _ = get_user_model().objects.get_or_create(username="bench-admin",
    defaults={"is_staff": True, "is_superuser": True})
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
out = {}
for label, url in [("changelist", "/admin/articles/article/"),
                   ("changelist filtered", "/admin/articles/article/?status__exact=published"),
                   ("changelist page 100", "/admin/articles/article/?p=100"),
                   ("changelist search", "/admin/articles/article/?" + urlencode({"q": WORD}))]:
    times = []
    for _ in range(6):
        started = time.perf_counter()
        status = client.get(url).status_code
        times.append((time.perf_counter() - started) * 1000)
    out[label] = (status, statistics.median(times[1:]))
print(json.dumps(out))
"""


# What each page costs on the first request after a publication: the issue-26 method. In
# process with Django's test client, one client, a dummy cache (no page cache, no cached
# counts, no cached sitemap page), median of 5 after a warm-up, with the query count.
COLD_TIMING = """
import json, statistics, time
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
out = {}
with override_settings(CACHES={"default": dummy, "throttle": dummy}, PAGE_CACHE_ENABLED=False):
    client = Client(HTTP_HOST="127.0.0.1")
    for label, url in URLS:
        times = []
        for _ in range(6):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                status = client.get(url).status_code
                times.append((time.perf_counter() - started) * 1000)
        out[label] = [status, statistics.median(times[1:]), len(queries)]
print(json.dumps(out))
"""
# A word no article of the generated archive has.
ABSENT_WORD = "زمردستان"


def cold_shapes(targets):
    """The shapes a slow case could hide in: common, rare, absent and two-word searches,
    a deep search page, the oldest article, deep section pages and every sitemap page."""
    word, second, third = targets["word"], targets["second_word"], targets["third_word"]
    shapes = {
        "home": "/",
        "article newest": targets["article"],
        "article oldest": targets["oldest"],
        "section p1": targets["section"],
        "section p200": targets["section"] + "?page=200",
        "section p2000": targets["section"] + "?page=2000",
        f"search common word ({word})": "/search/?q=" + word,
        f"search two words ({word} {second})": "/search/?q=" + word + " " + second,
        f"search three words ({word} {second} {third})": (
            "/search/?q=" + word + " " + second + " " + third
        ),
        f"search absent word ({ABSENT_WORD})": "/search/?q=" + ABSENT_WORD,
        f"search one-article word ({targets['rare_word']})": "/search/?q=" + targets["rare_word"],
        f"search page 20 ({word})": "/search/?q=" + word + "&page=20",
        "sitemap index": "/sitemap.xml",
    }
    for page in range(1, targets["sitemap_pages"] + 1):
        shapes[f"sitemap articles p{page}"] = "/sitemap-articles.xml" + (
            f"?p={page}" if page > 1 else ""
        )
    return {name: quote(path, safe="/?=&%") for name, path in shapes.items()}


def settle(base, tries=50):
    """Wait until the server has drained the previous row's queue (an uncached row leaves
    requests queued behind wrk's closed connections, which the next row would pay for)."""
    for _ in range(tries):
        started = time.perf_counter()
        fetch(base + "/bench/minimal/")
        if time.perf_counter() - started < 0.02:
            return
        time.sleep(0.2)


def start_server(args, env):
    command = [
        GUNICORN,
        "newsroom.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        "--backlog",
        "2048",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    log = (ROOT / "bench" / "data" / "gunicorn.log").open("ab")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(60):
        try:
            urllib.request.urlopen(base + "/", timeout=10)
            return server, base
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not start (see bench/data/gunicorn.log)")


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def worker_rss_mb(server):
    children = subprocess.run(
        ["ps", "-o", "pid=,rss=", "--ppid", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    return [int(rss) / 1024 for rss in children[1::2]]


UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}


def wrk(url, connections, duration, gzip=False):
    threads = min(2, connections)
    headers = ["-H", "Accept-Encoding: gzip"] if gzip else []
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "5s",
            "--latency",
            *headers,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(match[1]) * UNITS[match[2]] if match else float("nan")

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx[1]) if non_2xx else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "errors": errors}


def python_client(url, connections, duration, gzip=False):
    """Closed-loop keep-alive client: `connections` threads, each one request at a time."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + duration

    def run():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", target, headers={"Accept-Encoding": "gzip"} if gzip else {})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return {
        "rps": len(latencies) / duration,
        "p50": pick(0.50) if latencies else float("nan"),
        "p99": pick(0.99) if latencies else float("nan"),
        "errors": errors[0],
    }


def combine(slices):
    return {
        "rps": statistics.mean(r["rps"] for r in slices),
        "p50": statistics.median(r["p50"] for r in slices),
        "p99": max(r["p99"] for r in slices),
        "errors": sum(r["errors"] for r in slices),
    }


def paired(load, base, url, connections, duration, gzip=False):
    """The minimal view and the page, alternating in one-second slices, each slice started
    on a drained server."""
    floors, pages = [], []
    for _ in range(duration):
        settle(base)
        floors.append(load(base + "/bench/minimal/", connections, 1, gzip=gzip))
        settle(base)
        pages.append(load(url, connections, 1, gzip=gzip))
    return combine(floors), combine(pages)


def row(label, result, floor):
    if result is None:
        return f"| {label} | n/a | n/a | n/a | n/a | {floor['rps']:,.0f} | n/a |"
    return (
        f"| {label} | {result['rps']:,.0f} | {result['p50']:.1f} | {result['p99']:.1f} "
        f"| {result['errors']} | {floor['rps']:,.0f} | {100 * result['rps'] / floor['rps']:.0f}% |"
    )


def latency_row(label, result):
    return (
        f"| {label} | {result['p50']:.1f} | {result['p99']:.1f} | {result['rps']:,.0f} "
        f"| {result['errors']} |"
    )


SESSION = """
from django.contrib.auth import get_user_model
from django.test import Client
user, _ = get_user_model().objects.get_or_create(username="bench-admin",
    defaults={"is_staff": True, "is_superuser": True})
client = Client()
client.force_login(user)
# Past the second step (staff/), as after typing a code: the session names a confirmed device.
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
device = StaticDevice.objects.filter(user=user).first() or StaticDevice.objects.create(
    user=user, name="bench", confirmed=True)
session = client.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
print(session.session_key)
"""

JOBS_LEFT = """
SELECT (SELECT count(*) FROM jobs_job),
       (SELECT count(*) FROM images_image
        WHERE title LIKE 'bench-upload%%' AND renditions::text <> '{}')
"""


def forty_megapixels():
    """A 7744x5164 JPEG with texture (about 10 MB), as tests/test_workers.py makes."""
    import io

    from PIL import Image as PILImage

    width, height = 7744, 5164
    grain = PILImage.effect_noise((width // 4, height // 4), 60).resize((width, height))
    gradient = PILImage.linear_gradient("L").resize(grain.size)
    out = io.BytesIO()
    PILImage.merge("RGB", (grain, gradient, grain)).save(out, "JPEG", quality=88)
    return out.getvalue()


def upload(base, session, data, n):
    """One upload through the editor's picker, as the browser sends it; (status, seconds)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    conn.request("GET", "/admin/images/image/add/", headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    response.read()
    token = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    boundary = secrets.token_hex(16)
    fields = {"title": f"bench-upload {n}", "alt_text": "صورة", "focal_x": "0.5", "focal_y": "0.5"}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "X-CSRFToken": token,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    started = time.perf_counter()
    conn.request("POST", "/editor/images/upload/", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


def upload_check(args, env, base, targets, load):
    """Readers browse (the article cached and uncached, the home page) for a while alone,
    then while `args.uploads` editors upload a 40 MP JPEG each at once, with
    `args.job-workers` workers making the renditions."""
    session = manage(env, "shell", "-c", SESSION, capture=True).splitlines()[-1]
    data = forty_megapixels()
    reader_urls = [
        base + quote(targets["article"]),
        base + quote(targets["article"]) + "?nocache=1",
        base + "/",
    ]

    def browse(seconds):
        """The three pages at once, a third of the connections each."""
        per_url = [None] * len(reader_urls)

        def one(index):
            per_url[index] = load(reader_urls[index], max(1, args.connections // 3), seconds)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(reader_urls))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return per_url

    workers = [
        subprocess.Popen(
            ["nice", "-n", "10", PYTHON, "manage.py", "run_worker"],  # as the systemd unit
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.job_workers)
    ]
    try:
        settle(base)
        alone = browse(args.duration)
        results = []
        threads = [
            threading.Thread(target=lambda n=n: results.append(upload(base, session, data, n)))
            for n in range(args.uploads)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        during = browse(args.duration)
        for thread in threads:
            thread.join()
        uploads_done = time.monotonic() - started
        renditions_done = None
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            for _ in range(600):
                left, ready = conn.execute(JOBS_LEFT).fetchone()
                if ready >= args.uploads and left == 0:
                    renditions_done = time.monotonic() - started
                    break
                time.sleep(2)
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=60)
    log = (ROOT / "bench" / "data" / "gunicorn.log").read_text(errors="replace")
    print()
    print(
        f"## {args.uploads} concurrent 40 MP uploads while readers browse, "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(
        f"gunicorn gthread {args.workers} workers x {args.threads} threads; "
        f"{args.job_workers} job workers; readers {args.connections} connections over 3 "
        f"pages, {args.duration}s; load avg {os.getloadavg()[0]:.1f}"
    )
    print()
    print(
        "| reader page | alone req/s | alone p50 ms | alone p99 ms "
        "| during req/s | during p50 ms | during p99 ms | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, a, d in zip(
        ("article cached", "article uncached", "home"), alone, during, strict=True
    ):
        print(
            f"| {name} | {a['rps']:.1f} | {a['p50']:.1f} | {a['p99']:.1f} | {d['rps']:.1f} "
            f"| {d['p50']:.1f} | {d['p99']:.1f} | {a['errors'] + d['errors']} |"
        )
    times = sorted(seconds for _, seconds in results)
    statuses = sorted({status for status, _ in results})
    print()
    print(
        f"Uploads: {len(results)} answered (HTTP {statuses}), median "
        f"{statistics.median(times):.2f}s, slowest {times[-1]:.2f}s, all answered in "
        f"{uploads_done:.1f}s; renditions of all done after "
        + (f"{renditions_done:.0f}s" if renditions_done else "more than 20 min")
    )
    print(f"gunicorn worker timeouts in its log: {log.count('WORKER TIMEOUT')}")


def print_cold(cold, load_before):
    print("Cold pages, in process (test client, dummy cache, median of 5 after a warm-up):")
    print()
    print("| page | ms | queries | HTTP |")
    print("|---|---:|---:|---:|")
    for label, (status, ms, queries) in cold.items():
        print(f"| {label} | {ms:,.0f} | {queries} | {status} |")
    print()
    # The machine may be shared: the timings mean little without it.
    print(
        "Load average (1, 5, 15 min) before: "
        + ", ".join(f"{x:.1f}" for x in load_before)
        + "; after: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    )


def main():
    args = parse_args()
    env = environment(args)
    load = python_client if args.python_client or not shutil.which("wrk") else wrk
    (ROOT / "bench" / "data").mkdir(exist_ok=True)
    ensure_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "generate_dataset", "--articles", str(args.articles))
    # COPY bypasses save(), as an import would: rank the related lists a save would have
    # stored (the newest RANKED; older ones are ranked live when opened, as after an upgrade).
    manage(env, "rank_related", "--newest", str(RANKED))
    manage(env, "collectstatic", "--noinput", "-v0")
    if args.live:
        return live_main(args, env)
    targets = json.loads(manage(env, "shell", "-c", PICK_TARGETS, capture=True).splitlines()[-1])
    timing = ADMIN_TIMING.replace("WORD", json.dumps(targets["word"]))
    admin = json.loads(manage(env, "shell", "-c", timing, capture=True).splitlines()[-1])
    shapes = cold_shapes(targets)
    cold_script = COLD_TIMING.replace("URLS", json.dumps(list(shapes.items())))
    load_before = os.getloadavg()
    cold = json.loads(manage(env, "shell", "-c", cold_script, capture=True).splitlines()[-1])
    if args.cold_only:
        return print_cold(cold, load_before)
    server, base = start_server(args, env)
    try:
        _, page = fetch(base + quote(targets["article"]))
        Path(env["NEWSROOM_BENCH_PAGE"]).write_bytes(page)
        pages = {
            "home": "/",
            "article": targets["article"],
            "section p1": targets["section"],
            "section p200": targets["section"] + "?page=200",
            "tag": targets["tag"],
            "author": targets["author"],
            "search": "/search/?q=" + targets["word"],
            "feed": "/feeds/latest/",
        }
        pages = {name: quote(path, safe="/?=&%") for name, path in pages.items()}
        if args.uploads:
            upload_check(args, env, base, targets, load)
            return
        print(f"client: {load.__name__}, {args.connections} connections, {args.duration}s each")
        # Warm every worker and thread first: the first seconds after start-up are slower.
        load(base + "/bench/minimal/", args.connections, 2)
        settle(base)
        lines, latencies = [], []
        for name, path in pages.items():
            for mode in ("cached", "uncached"):
                url = base + path
                if mode == "uncached":
                    url += ("&" if "?" in path else "?") + "nocache=1"
                settle(base)
                floor, result = None, None
                if fetch(url)[0] == 200:
                    floor, result = paired(load, base, url, args.connections, args.duration)
                else:
                    floor = load(base + "/bench/minimal/", args.connections, args.duration)
                lines.append(row(f"{name} {mode}", result, floor))
                print(lines[-1], flush=True)
        # What browsers get: both sides asked for gzip (the minimal view compresses its bytes
        # on every request, as any uncached response is; a hit replays the stored gzip).
        settle(base)
        floor, result = paired(
            load, base, base + pages["article"], args.connections, args.duration, gzip=True
        )
        lines.append(row("article cached, gzip (both sides)", result, floor))
        print(lines[-1], flush=True)
        for name, path in (pages | shapes).items():
            url = base + path + ("&" if "?" in path else "?") + "nocache=1"
            settle(base)
            latencies.append(latency_row(name, load(url, 1, args.latency_duration)))
            print(latencies[-1], flush=True)
        settle(base)
        spike = load(base + "/", args.spike_connections, args.spike_duration)
        rss = worker_rss_mb(server)
    finally:
        server.terminate()
        server.wait(timeout=30)

    load_avg = os.getloadavg()
    print()
    # The database's own count: --articles only says how many to generate when fewer exist.
    print(
        f"## {targets['articles']:,} articles, {load.__name__}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(
        f"gunicorn gthread {args.workers} workers x {args.threads} threads; "
        f"{args.connections} connections x {args.duration}s per row; load avg {load_avg[0]:.1f}"
    )
    print()
    print("| page | req/s | p50 ms | p99 ms | errors | minimal req/s (paired) | vs minimal |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(lines))
    print()
    print(f"Uncached, one client at a time, {args.latency_duration}s each:")
    print()
    print("| page | p50 ms | p99 ms | req/s | errors |")
    print("|---|---:|---:|---:|---:|")
    print("\n".join(latencies))
    print()
    print(
        f"Spike: {args.spike_connections} clients on home for {args.spike_duration}s: "
        f"{spike['rps']:,.0f} req/s, p50 {spike['p50']:.1f} ms, p99 {spike['p99']:.1f} ms, "
        f"{spike['errors']} errors"
    )
    print()
    print_cold(cold, load_before)
    print()
    print("Worker RSS after the run: " + ", ".join(f"{mb:.0f} MB" for mb in rss))
    print(
        "Admin (in-process, median of 5): "
        + ", ".join(f"{label} {ms:.0f} ms (HTTP {st})" for label, (st, ms) in admin.items())
    )


if __name__ == "__main__":
    main()
