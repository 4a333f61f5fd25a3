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

`--live` runs the live coverage scenario (bench/live_scenario.py), `--uploads N` uploads
while readers browse, `--breaking-hour` the breaking-news hour through Varnish and without it
(bench/breaking_hour.py, `make bench-breaking`), each instead of the page table.
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
    parser.add_argument(
        "--duration",
        type=int,
        default=None,
        help="seconds per measurement (5); with --breaking-hour, of each phase (300)",
    )
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
        "--upload-shape",
        choices=["pool", "single"],
        default="pool",
        help="with --uploads: 'pool' = production's shape, nginx (deploy/nginx/newsroom.conf) "
        "on --port in front of the reader gunicorn (--port+1) and the upload pool (--port+2, "
        "nice 5, as deploy/systemd/newsroom-uploads.service); 'single' = one gunicorn on "
        "--port, no nginx (the shape measured before session 10)",
    )
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
    # The breaking-news hour (bench/breaking_hour.py): through Varnish, then without it.
    parser.add_argument(
        "--breaking-hour", action="store_true", help="the breaking-news scenario (issue 24)"
    )
    parser.add_argument("--readers", type=int, default=200, help="with --breaking-hour")
    parser.add_argument(
        "--edge-port", type=int, default=8116, help="varnishd's port with --breaking-hour"
    )
    parser.add_argument(
        "--breaking-phases",
        default="edge,origin",
        help="with --breaking-hour: edge (through Varnish), origin (gunicorn alone), or both",
    )
    args = parser.parse_args()
    if args.duration is None:
        args.duration = 300 if args.breaking_hour else 5
    if args.breaking_hour and not set(args.breaking_phases.split(",")) <= {"edge", "origin"}:
        parser.error("--breaking-phases: edge, origin or edge,origin")
    return args


def breaking_main(args, env):
    import breaking_hour

    missing = [
        tool for tool in ("wrk", "varnishd", "varnishstat", "varnishncsa") if not shutil.which(tool)
    ]
    if missing:
        sys.exit(
            f"--breaking-hour needs {', '.join(missing)}: "
            "apt-get install wrk varnish varnish-modules"
        )

    def shell(code):
        return json.loads(manage(env, "shell", "-c", code, capture=True).splitlines()[-1])

    try:
        target, results = breaking_hour.run(args, env, start_server, shell)
    except KeyboardInterrupt:
        sys.exit("interrupted: every server it started is stopped")
    breaking_hour.report(target, results, args)


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
oldest, unranked = live.order_by("published_at", "id")[:2]
section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
tag = Tag.objects.annotate(n=Count("article_items")).order_by("-n").first()
author = article.authors.first()
def last_page(articles):
    return max(1, -(-articles.count() // 20))
print(json.dumps({
    "article": article.get_absolute_url(),
    "section": f"/sections/{section.slug}/",
    "tag": f"/tags/{tag.slug}/",
    "author": f"/authors/{author.username}/" if author else "/authors/none/",
    "tag_last": last_page(live.filter(tagged_items__tag=tag)),
    "author_last": last_page(live.filter(authors=author)) if author else 1,
    "word": article.headline.split()[0],
    "second_word": article.headline.split()[1].strip(":"),
    "third_word": article.headline.split()[2],
    # The generator numbers each headline: a number is a word exactly one article has.
    "rare_word": oldest.headline.rsplit("(", 1)[-1].strip(")"),
    "oldest": oldest.get_absolute_url(),
    "unranked": unranked.get_absolute_url(),
    "sitemap_pages": len(article_page_range()),
    "articles": Article.objects.count(),
}))
"""

# The oldest article ranked, as every article is once `rank_related` has gone through the
# archive (ranking a million takes hours: the bench ranks the newest RANKED and this one), and
# the next oldest left unranked, as after a bulk import before `rank_related` reaches it: its
# page ranks the list live. At every size, so that both rows compare across sizes.
SET_RANKING = """
from articles.models import Article
from articles.related import remember_related
oldest, unranked = Article.objects.published().order_by("published_at", "id")[:2]
remember_related([oldest.pk], neighbours=False)
Article.objects.filter(pk=unranked.pk).update(suggested_ids=None)
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
# Staff pass a second step (django-otp): mark this session as having passed it with a
# confirmed authenticator, as the tests do (tests/second_factor.py); else every admin URL
# answers 302 to the second step and the timings below would be of that redirect.
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
session = client.session
session[DEVICE_ID_SESSION_KEY] = device.persistent_id
session.save()
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
    assert status == 200, (label, status)
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
        "article unranked (ranked live)": targets["unranked"],
        "section p1": targets["section"],
        "section p200": targets["section"] + "?page=200",
        "section p2000": targets["section"] + "?page=2000",
        # The biggest tag's and the newest article's author's first and last pages.
        "tag p1": targets["tag"],
        f"tag last page (p{targets['tag_last']})": targets["tag"] + f"?page={targets['tag_last']}",
        "author p1": targets["author"],
        f"author last page (p{targets['author_last']})": (
            targets["author"] + f"?page={targets['author_last']}"
        ),
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


def start_server(args, env, port=None, workers=None, threads=None, nice=0):
    port = port or args.port
    command = [
        *(["nice", "-n", str(nice)] if nice else []),
        GUNICORN,
        "newsroom.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers or args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads or args.threads),
        "--backlog",
        "2048",
        "--keep-alive",
        "5",
        "--log-level",
        "warning",
    ]
    log = (ROOT / "bench" / "data" / "gunicorn.log").open("ab")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    if wait_until_up(base, server):
        return server, base
    server.terminate()
    sys.exit(f"gunicorn did not start on port {port} (in use? see bench/data/gunicorn.log)")


def wait_until_up(base, process, tries=60):
    """Whether `process` answers on `base`. One that has exited (say, its port was taken by
    something else, which would then answer instead) is a failure, not a success."""
    for _ in range(tries):
        if process.poll() is not None:
            return False
        try:
            urllib.request.urlopen(base + "/healthz", timeout=10)
            time.sleep(0.5)
            return process.poll() is None
        except OSError:
            time.sleep(0.5)
    return False


# The upload pool as deploy/systemd/newsroom-uploads.service runs it.
UPLOAD_POOL = {"workers": 2, "threads": 2, "nice": 5}
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SOCKETS = {
    "reader": "unix:/run/newsroom/gunicorn.sock",
    "uploads": "unix:/run/newsroom-uploads/gunicorn.sock",
}


def nginx_config(port, reader_port, uploads_port, media_root, directory):
    """deploy/nginx/newsroom.conf as production runs it, made runnable on loopback: its
    upstreams and its TLS server block with the listen, certificate and name lines replaced by
    a plain-HTTP listen on `port`, the sockets by loopback ports, the /srv paths by ours. The
    routing (which URLs go to the upload pool), buffering and limits are the file's own."""
    site = (ROOT / "deploy" / "nginx" / "newsroom.conf").read_text()
    upstreams = re.findall(r"^upstream \w+ \{.*?^\}", site, re.S | re.M)
    server = site[site.rindex("\nserver {") :]
    server = re.sub(r"^\s*(listen|ssl_\w+|server_name)\b[^;]*;\n", "", server, flags=re.M)
    server = server.replace("server {", f"server {{\n    listen 127.0.0.1:{port};", 1)
    text = "\n".join(upstreams) + "\n" + server
    replacements = {
        SOCKETS["reader"]: f"127.0.0.1:{reader_port}",
        SOCKETS["uploads"]: f"127.0.0.1:{uploads_port}",
        "/srv/newsroom/app/staticfiles/": f"{ROOT}/staticfiles/",
        "/srv/newsroom/media/": f"{media_root}/",
    }
    for old, new in replacements.items():
        if old not in text:
            sys.exit(f"deploy/nginx/newsroom.conf no longer names {old}: update bench/run.py")
        text = text.replace(old, new)
    temp = " ".join(
        f"{kind}_temp_path {directory}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"daemon off; worker_processes 1; pid {directory}/nginx.pid;\n"
        f"error_log {directory}/error.log error;\n"
        "events { worker_connections 4096; }\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; {temp}\n{text}\n}}\n"
    )


def start_nginx(args, env):
    """nginx on --port in front of the two pools (already started on --port+1 and +2)."""
    import atexit
    import tempfile

    if not Path(NGINX).exists():
        sys.exit("--upload-shape pool needs nginx (apt-get install nginx), or use 'single'")
    directory = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    # nginx's workers run as an unprivileged user when started as root: they write here.
    directory.chmod(0o777)
    conf = directory / "nginx.conf"
    conf.write_text(
        nginx_config(args.port, args.port + 1, args.port + 2, env["MEDIA_ROOT"], directory)
    )
    check = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(directory)], capture_output=True, text=True
    )
    if check.returncode:
        sys.exit(f"nginx -t failed:\n{check.stderr}")
    server = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / "bench" / "data" / "nginx.log").open("ab"),
    )
    base = f"http://127.0.0.1:{args.port}"
    if wait_until_up(base, server):
        return server, base
    server.terminate()
    sys.exit(f"nginx did not start on port {args.port} (in use? see {directory}/error.log)")


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

# This run's images: rendition jobs still queued or running (stopped ones are failures, shown
# by the missing renditions), and images with renditions. Earlier runs' leftovers are ignored.
JOBS_LEFT = """
SELECT (SELECT count(*) FROM jobs_job WHERE status <> 'stopped' AND key IN (
            SELECT 'renditions:' || id FROM images_image WHERE title LIKE %(run)s)),
       (SELECT count(*) FROM images_image WHERE title LIKE %(run)s AND renditions::text <> '{}')
"""
RENDITIONS = "SELECT renditions::text FROM images_image WHERE title LIKE %s"


def gunicorn_log_size():
    log = ROOT / "bench" / "data" / "gunicorn.log"
    return log.stat().st_size if log.exists() else 0


def rendition_names(record):
    """Every file name in an image's renditions record (nested lists and dicts)."""
    if isinstance(record, str):
        return [record] if "/" in record else []
    if isinstance(record, dict):
        record = list(record.values())
    if isinstance(record, list):
        return [name for value in record for name in rendition_names(value)]
    return []


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


def upload(base, session, data, title):
    """One upload through the editor's picker, as the browser sends it; (status, seconds)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    conn.request("GET", "/admin/images/image/add/", headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    response.read()
    token = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    boundary = secrets.token_hex(16)
    fields = {"title": title, "alt_text": "صورة", "focal_x": "0.5", "focal_y": "0.5"}
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


def upload_check(args, env, base, targets, load, log_start):
    """Readers browse (the article cached and uncached, the home page) for a while alone,
    then while `args.uploads` editors upload a 40 MP JPEG each at once, then (if they are
    not done) while the job workers make the renditions. `args.job_workers` workers."""
    session = manage(env, "shell", "-c", SESSION, capture=True).splitlines()[-1]
    data = forty_megapixels()
    run = secrets.token_hex(4)  # this run's images only, whatever earlier runs left
    pattern = f"bench-upload {run} %"
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

    def renditions_state(conn):
        return conn.execute(JOBS_LEFT, {"run": pattern}).fetchone()

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
    load_before = os.getloadavg()
    after = None
    try:
        settle(base)
        alone = browse(args.duration)
        results = []
        threads = [
            threading.Thread(
                target=lambda n=n: results.append(
                    upload(base, session, data, f"bench-upload {run} {n}")
                )
            )
            for n in range(args.uploads)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        during = browse(args.duration)
        load_during = os.getloadavg()
        for thread in threads:
            thread.join()
        uploads_done = time.monotonic() - started
        renditions_done = None
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            left, ready = renditions_state(conn)
            if ready < args.uploads:
                # The uploads are answered; the job workers (nice 10) are making renditions.
                after = browse(args.duration)
            for _ in range(900):
                left, ready = renditions_state(conn)
                if ready >= args.uploads and left == 0:
                    renditions_done = time.monotonic() - started
                    break
                time.sleep(2)
            records = [json.loads(row[0]) for row in conn.execute(RENDITIONS, [pattern])]
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=60)
    names = [name for record in records for name in rendition_names(record)]
    missing = [name for name in names if not (Path(env["MEDIA_ROOT"]) / name).exists()]
    with (ROOT / "bench" / "data" / "gunicorn.log").open("rb") as log:
        log.seek(log_start)
        timeouts = log.read().decode(errors="replace").count("WORKER TIMEOUT")
    shape = (
        f"nginx on :{args.port} (deploy/nginx/newsroom.conf) -> reader gunicorn "
        f"{args.workers} workers x {args.threads} threads; upload pool "
        f"{UPLOAD_POOL['workers']} x {UPLOAD_POOL['threads']} at nice {UPLOAD_POOL['nice']}"
        if args.upload_shape == "pool"
        else f"one gunicorn {args.workers} workers x {args.threads} threads, no nginx"
    )
    print()
    print(
        f"## {args.uploads} concurrent 40 MP uploads while readers browse, "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(
        f"{shape}; {args.job_workers} job workers (nice 10); readers {args.connections} "
        f"connections over 3 pages, {args.duration}s windows; load average (1 min) "
        f"{load_before[0]:.1f} before the uploads, {load_during[0]:.1f} at the end of "
        f"'during', {os.getloadavg()[0]:.1f} at the end; {os.cpu_count()} cores"
    )
    print()
    windows = [("alone", alone), ("during uploads", during)]
    if after is not None:
        windows.append(("while renditions are made", after))
    print("| reader page | window | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    for index, name in enumerate(("article cached", "article uncached", "home")):
        for label, results_of in windows:
            r = results_of[index]
            print(
                f"| {name} | {label} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} "
                f"| {r['errors']} |"
            )
    times = sorted(seconds for _, seconds in results)
    statuses = sorted({status for status, _ in results})
    print()
    print(
        f"Uploads: {len(results)} answered (HTTP {statuses}), median "
        f"{statistics.median(times):.2f}s, slowest {times[-1]:.2f}s, all answered in "
        f"{uploads_done:.1f}s; renditions of all done after "
        + (f"{renditions_done:.0f}s" if renditions_done else "more than 30 min")
        + f"; {len(records)} images, {len(names)} rendition files named, "
        f"{len(missing)} missing from storage"
    )
    print(f"gunicorn worker timeouts in this run's log: {timeouts}")


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
    manage(env, "shell", "-c", SET_RANKING)
    manage(env, "collectstatic", "--noinput", "-v0")
    if args.live:
        return live_main(args, env)
    if args.breaking_hour:
        return breaking_main(args, env)
    targets = json.loads(manage(env, "shell", "-c", PICK_TARGETS, capture=True).splitlines()[-1])
    timing = ADMIN_TIMING.replace("WORD", json.dumps(targets["word"]))
    admin = json.loads(manage(env, "shell", "-c", timing, capture=True).splitlines()[-1])
    shapes = cold_shapes(targets)
    cold_script = COLD_TIMING.replace("URLS", json.dumps(list(shapes.items())))
    load_before = os.getloadavg()
    cold = json.loads(manage(env, "shell", "-c", cold_script, capture=True).splitlines()[-1])
    if args.cold_only:
        return print_cold(cold, load_before)
    log_start = gunicorn_log_size()
    extra = []
    if args.uploads and args.upload_shape == "pool":
        # Production's shape: nginx in front of the reader pool and the upload pool.
        server, _ = start_server(args, env, port=args.port + 1)
        try:
            extra.append(start_server(args, env, port=args.port + 2, **UPLOAD_POOL)[0])
            nginx, base = start_nginx(args, env)
            extra.append(nginx)
        except SystemExit:
            for process in [*extra, server]:
                process.terminate()
            raise
    else:
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
            upload_check(args, env, base, targets, load, log_start)
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
        for process in [*extra, server]:
            process.terminate()
            process.wait(timeout=30)

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
