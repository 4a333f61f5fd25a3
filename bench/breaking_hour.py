"""`make bench-breaking` (`bench/run.py --breaking-hour`): the breaking-news hour (issue 24).

`--readers` (200) readers, no think time, read the home page, the breaking article and its
section in turn (wrk with a Lua script; each keeps its connection, asks for gzip as browsers
do) for `--duration` (300) seconds, while an editor signed in to the admin (password and
second step, as a person) updates the breaking article's headline every 30 s and publishes
a new article in its section every 60 s, through the admin's own forms: the request path
editors use, so the purge after commit is the one production runs.

Run twice in the same invocation, each phase with its own gunicorn (and job worker, for the
purge sent again 5 s later):
- "edge": readers and editor through Varnish (deploy/varnish/newsroom.vcl, xkey), the site
  purging it (EDGE_PURGER=varnish);
- "origin": the same readers and editor straight to gunicorn, the app's own page cache on
  (EDGE_PURGER=none): the site without the edge.

Measured per phase: reader requests, errors, p50/p99/max latency (wrk), the edge's hit ratio
(varnishstat: cache_hit / (cache_hit + cache_miss)), every request that reached gunicorn for
a reader page (varnishncsa -b) attributed to the event before it, and, after each save, how
long until a reader polling through the same front (a new connection every 50 ms) sees the
new headline on each page that shows it, counted from the moment the editor sent the save.
CPU seconds of wrk, varnishd, gunicorn, the job worker and this process say whether the load
generator was the bottleneck.
"""

import http.client
import json
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from live_scenario import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.adminform import FormReader  # noqa: E402 - the admin form as a browser posts it

VCL_DIR = ROOT / "deploy" / "varnish"
UPDATE_EVERY, UPDATE_FIRST = 30, 10  # seconds: the breaking article's headline
PUBLISH_EVERY, PUBLISH_FIRST = 60, 25  # a new article in its section
POLL_EVERY, POLL_LIMIT = 0.05, 15  # staleness: poll interval and give-up, seconds
UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}

SETUP = """
import json
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice
from articles.models import Article
User = get_user_model()
user, _ = User.objects.get_or_create(username="bench-editor", defaults={"is_staff": True,
    "is_superuser": True, "first_name": "محرر", "last_name": "الليل"})
user.set_password(PASSWORD)
user.save()
# Staff pass a second step after the password (staff/): a backup code per phase.
StaticDevice.objects.filter(user=user).delete()
device = StaticDevice.objects.create(user=user, name="bench", confirmed=True)
for code in CODES:
    device.token_set.create(token=code)
# One breaking story: the newest generated article with a picture (never one a previous
# run published), in the strip on every page, with its headline as generated (a previous
# run's update marker removed).
import re
marker = re.compile(r" bench-[0-9a-f]+[eo]?-u[0-9]+$")
for old in Article.objects.filter(is_breaking=True):
    old.is_breaking = False
    old.headline = marker.sub("", old.headline)
    old.save()
article = (Article.objects.published().exclude(lead_image=None)
           .exclude(created_by__username="bench-editor").order_by("-published_at").first())
article.is_breaking = True
article.breaking_until = None
article.headline = marker.sub("", article.headline)
article.save()
print(json.dumps({"article": article.pk, "section": article.section_id,
                  "headline": article.headline,
                  "paths": {"home": "/", "article": article.get_absolute_url(),
                            "section": f"/sections/{article.section.slug}/"}}))
"""

# What each event should make the edge fetch again (the keys it purges, as those pages
# carry them): a new article in section S purges home and S (a<new> is on no page yet); the
# breaking article's edit purges a<id>, home, S and the strip (every page).
EXPECTED = {"publish": {"home", "section"}, "update": {"home", "article", "section"}}
SHOWN_ON = {"publish": ("home", "section"), "update": ("home", "article", "section")}

LUA = """
local paths = PATHS
local requests = {}
local n = 0
init = function(args)
  for i, path in ipairs(paths) do requests[i] = wrk.format("GET", path) end
end
request = function()
  n = n + 1
  return requests[(n % #requests) + 1]
end
"""


class Processes:
    """Every process a phase starts, stopped in reverse order whatever happens."""

    def __init__(self):
        self.running = []

    def start(self, argv, **kwargs):
        process = subprocess.Popen(argv, **kwargs)
        self.running.append(process)
        return process

    def adopt(self, process):
        self.running.append(process)
        return process

    def stop(self):
        # A second Ctrl-C (or `timeout`, which signals the process and then its group) must
        # not interrupt the stopping and leave servers running.
        previous = {
            sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for process in reversed(self.running):
                if process.poll() is None:
                    process.terminate()
            for process in reversed(self.running):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            self.running.clear()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def tree_cpu(root):
    """CPU seconds (user + system) of a process and its descendants, from /proc."""
    children, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def machine_busy():
    """(busy, total) jiffies of every core, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def varnishstat(workdir):
    out = subprocess.run(
        ["varnishstat", "-n", workdir, "-1", "-j"], capture_output=True, text=True, check=True
    ).stdout
    counters = json.loads(out)
    counters = counters.get("counters", counters)  # the JSON's layout changed in Varnish 6.5
    return {
        name.removeprefix("MAIN."): value["value"]
        for name, value in counters.items()
        if name.startswith("MAIN.") and isinstance(value, dict) and "value" in value
    }


def get(base, path, gzip=False):
    """(status, body) of a reader's GET on a new connection."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip else {})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def ensure_free(port):
    """Refuse to start on a port something already answers on: its numbers would be
    taken for ours."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            raise SystemExit(f"port {port} is in use: choose others (--port, --edge-port)")
    except OSError:
        pass


def wait_for(base, path, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(base, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer 200 on {base}{path} within {seconds} s")


def form_fields(page):
    reader = FormReader("article_form")
    reader.feed(page)
    if not reader.data:
        raise SystemExit("no article form on the admin page (signed out?)")
    return {name: values[0] if len(values) == 1 else values for name, values in reader.data.items()}


class Editor:
    """A person at the admin: signed in with password and backup code, saving the article
    form as a browser without JavaScript posts it."""

    def __init__(self, base, password, code):
        self.session = Session(base)
        status, _ = self.session.post_form(
            "/admin/login/?next=/admin/", {"username": "bench-editor", "password": password}
        )
        if status != 302:
            raise SystemExit(f"the bench editor's login answered {status}")
        status, _ = self.session.post_form(
            "/admin/second-factor/?next=/admin/", {"code": code, "next": "/admin/"}
        )
        if status != 302:
            raise SystemExit(f"the bench editor's second step answered {status}")

    def form(self, path, changes):
        """The admin form at `path` as the browser would post it, with `changes` (None if
        the page did not open)."""
        status, page = self.session.request("GET", path)
        return form_fields(page) | changes if status == 200 else None

    def post(self, path, data):
        """(status, seconds the POST took)."""
        sent = time.monotonic()
        status, page = self.session.request("POST", path, urlencode(data, doseq=True))
        if status != 302:
            errors = re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', page, re.S)
            print(f"  the admin refused the save ({status}): {errors[:3]}", file=sys.stderr)
        return status, time.monotonic() - sent


class Watch:
    """Readers polling pages for a marker from the moment the save is sent (a page can show
    it before the editor's answer arrives): seconds until each page showed it (None: not
    within POLL_LIMIT)."""

    def __init__(self, base, paths, marker):
        self.base, self.marker = base, marker
        self.sent = time.monotonic()
        self.seen = {}
        self.cancelled = threading.Event()
        self.threads = [threading.Thread(target=self.poll, args=item) for item in paths.items()]
        for thread in self.threads:
            thread.start()

    def poll(self, name, path):
        while time.monotonic() - self.sent < POLL_LIMIT and not self.cancelled.is_set():
            try:
                status, body = get(self.base, path)
                if status == 200 and self.marker in body:
                    self.seen[name] = time.monotonic() - self.sent
                    return
            except OSError:
                pass
            time.sleep(POLL_EVERY)
        self.seen[name] = None

    def result(self, refused=False):
        if refused:
            self.cancelled.set()
        for thread in self.threads:
            thread.join()
        return {} if refused else self.seen


def schedule(duration):
    """(second, kind) of each edit, none in the last 5 s."""
    events = [(t, "update") for t in range(UPDATE_FIRST, duration - 4, UPDATE_EVERY)]
    events += [(t, "publish") for t in range(PUBLISH_FIRST, duration - 4, PUBLISH_EVERY)]
    return sorted(events)


def parse_wrk(out):
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(match[1]) * UNITS[match[2]] if match else float("nan")

    maximum = re.search(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)", out, re.M)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": latency(50),
        "p99": latency(99),
        "max": float(maximum[1]) * UNITS[maximum[2]] if maximum else float("nan"),
        "socket_errors": errors,
        "non_2xx": int(non_2xx[1]) if non_2xx else 0,
    }


def start_varnish(processes, work, args):
    """varnishd with the repository's VCL, its backend this phase's gunicorn."""
    backend = (
        (VCL_DIR / "backend.vcl").read_text().replace('.port = "8000"', f'.port = "{args.port}"')
    )
    (work / "backend.vcl").write_text(backend)
    workdir = str(work / "varnish")
    varnishd = processes.start(
        [
            "varnishd", "-F", "-j", "none", "-n", workdir, "-a", f"127.0.0.1:{args.edge_port}",
            "-T", "none", "-f", str(VCL_DIR / "newsroom.vcl"),
            "-p", f"vcl_path={work}:{VCL_DIR}", "-s", "malloc,256m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(work / "varnishd.log").open("ab"),
    )  # fmt: skip
    edge = f"http://127.0.0.1:{args.edge_port}"
    try:
        wait_for(edge, "/healthz", 30, "varnishd")
    except SystemExit:
        print((work / "varnishd.log").read_text(errors="replace"), file=sys.stderr)
        raise
    fetches = []
    # Every backend request, as it is made: the origin's share of the reader traffic.
    ncsa = processes.start(
        ["varnishncsa", "-n", workdir, "-b", "-F", "%m %s %U%q"],
        stdout=subprocess.PIPE,
        text=True,
    )

    def read():
        for line in ncsa.stdout:
            method, status, url = [*line.rstrip("\n").split(" ", 2), "", ""][:3]
            fetches.append((time.monotonic(), method, status, url))

    threading.Thread(target=read, daemon=True).start()
    time.sleep(1)  # varnishncsa attaches to the shared log
    return varnishd, edge, workdir, fetches


def run_phase(name, args, env, start_server, target, editor_login, work):
    """One phase ('edge' or 'origin'): its own gunicorn, worker and (edge) varnishd."""
    processes = Processes()
    edge = name == "edge"
    phase_env = env | {
        "EDGE_PURGER": "varnish" if edge else "none",
        "EDGE_VARNISH_URLS": f"http://127.0.0.1:{args.edge_port}",
    }
    for port in (args.port, args.edge_port):
        ensure_free(port)
    try:
        server, origin = start_server(args, phase_env)
        processes.adopt(server)
        worker = processes.start(
            ["nice", "-n", "10", sys.executable, "manage.py", "run_worker"],  # as systemd runs it
            cwd=ROOT,
            env=phase_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base, workdir, fetches, varnish = origin, None, [], None
        if edge:
            varnish, base, workdir, fetches = start_varnish(processes, work, args)
        editor = editor_login(base)
        paths = {k: quote(v, safe="/?=&%") for k, v in target["paths"].items()}
        names = {path: key for key, path in paths.items()}
        for path in paths.values():  # the edge and the page cache hold each page
            for _ in range(2):
                get(base, path, gzip=True)

        script = work / f"readers-{name}.lua"
        script.write_text(
            LUA.replace("PATHS", "{" + ", ".join(map(json.dumps, paths.values())) + "}")
        )
        wrk_out = (work / f"wrk-{name}.txt").open("w+")
        stats_before = varnishstat(workdir) if edge else {}
        cpu_before = {
            "gunicorn": tree_cpu(server.pid),
            "job worker": tree_cpu(worker.pid),
            "varnishd": tree_cpu(varnish.pid) if varnish else 0.0,
        }
        self_before = resource.getrusage(resource.RUSAGE_SELF)
        busy_before = machine_busy()
        started = time.monotonic()
        wrk = processes.start(
            [
                "wrk", "-t2", f"-c{args.readers}", f"-d{args.duration}s", "--timeout", "5s",
                "--latency", "-H", "Accept-Encoding: gzip", "-s", str(script), base,
            ],
            stdout=wrk_out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

        events = []
        token = target["token"]
        for number, (at, kind) in enumerate(schedule(args.duration), start=1):
            time.sleep(max(0.0, started + at - time.monotonic()))
            begin = time.monotonic()
            # Unique to the run and the phase: the origin phase must not find the edge's.
            marker = f"bench-{token}{name[0]}-{kind[0]}{number}"
            if kind == "publish":
                path = "/admin/articles/article/add/"
                changes = {
                    "headline": f"خبر جديد في القصة {marker}",
                    "section": str(target["section"]),
                    "body": f"<p>تفاصيل الخبر {marker}</p>",
                    "_workflow": "publish",
                }
            else:
                path = f"/admin/articles/article/{target['article']}/change/"
                changes = {"headline": f"{target['headline']} {marker}"}
            data = editor.form(path, changes)
            watch = Watch(base, {page: paths[page] for page in SHOWN_ON[kind]}, marker)
            status, took = editor.post(path, data) if data is not None else ("form", 0.0)
            seen = watch.result(refused=status != 302)
            sent = watch.sent
            events.append(
                {"at": begin - started, "kind": kind, "status": status, "post": took,
                 "sent": sent, "seen": seen}
            )  # fmt: skip
            print(
                f"  {name} {begin - started:5.1f}s {kind}: save {status} in {took * 1000:.0f} ms; "
                + ", ".join(
                    f"{page} {'never' if s is None else f'{s:.2f}s'}" for page, s in seen.items()
                ),
                flush=True,
            )
        _, wait_status, usage = os.wait4(wrk.pid, 0)
        wrk.returncode = os.waitstatus_to_exitcode(wait_status)
        ended = time.monotonic()
        self_after = resource.getrusage(resource.RUSAGE_SELF)
        busy_after = machine_busy()
        cpu = {
            "wrk (readers)": usage.ru_utime + usage.ru_stime,
            "varnishd": (tree_cpu(varnish.pid) if varnish else 0.0) - cpu_before["varnishd"],
            "gunicorn": tree_cpu(server.pid) - cpu_before["gunicorn"],
            "job worker": tree_cpu(worker.pid) - cpu_before["job worker"],
            "bench (editor, pollers)": (self_after.ru_utime + self_after.ru_stime)
            - (self_before.ru_utime + self_before.ru_stime),
        }
        wrk_out.seek(0)
        out = wrk_out.read()
        if wrk.returncode != 0 or "requests in" not in out:
            raise SystemExit(f"wrk failed ({wrk.returncode}):\n{out}")
        stats = {}
        if edge:
            after = varnishstat(workdir)
            stats = {k: after.get(k, 0) - stats_before.get(k, 0) for k in after}
        time.sleep(1)  # the last backend requests reach varnishncsa
        return {
            "name": name,
            "wrk": parse_wrk(out),
            "events": events,
            "stats": stats,
            "fetches": attribute(fetches, events, started, ended, names),
            "cpu": cpu,
            "seconds": ended - started,
            "busy": (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1]),
            "load": os.getloadavg()[0],
        }
    finally:
        processes.stop()


def attribute(fetches, events, started, ended, names):
    """Reader pages the origin served during the readers' run, per event (from its save to
    the next event), each as (page, seconds after the save); and those before any event."""
    reader = [
        (at, names.get(url, url))
        for at, method, status, url in fetches
        if started <= at <= ended
        and method in ("GET", "HEAD")
        and not url.startswith(("/admin/", "/editor/", "/static/", "/media/"))
    ]
    bounds = [event["sent"] for event in events] + [ended + 1]
    before = [page for at, page in reader if at < bounds[0]]
    for index, event in enumerate(events):
        event["fetched"] = [
            (page, at - bounds[index])
            for at, page in reader
            if bounds[index] <= at < bounds[index + 1]
        ]
    return {"total": len(reader), "before_events": Counter(before)}


def interrupted(signum, frame):
    """SIGTERM (`kill`, a CI runner) unwinds like Ctrl-C: every server started is stopped."""
    raise KeyboardInterrupt


def run(args, env, start_server, shell):
    password = os.urandom(12).hex()
    codes = [os.urandom(8).hex() for _ in range(2)]
    target = shell(SETUP.replace("PASSWORD", repr(password)).replace("CODES", repr(codes)))
    target["token"] = os.urandom(3).hex()
    logins = iter(codes)

    def editor_login(base):
        return Editor(base, password, next(logins))

    signal.signal(signal.SIGTERM, interrupted)
    results = []
    with tempfile.TemporaryDirectory(prefix="newsroom-breaking-") as work:
        for phase in args.breaking_phases.split(","):
            print(f"phase {phase}: {args.readers} readers for {args.duration}s", flush=True)
            results.append(
                run_phase(phase, args, env, start_server, target, editor_login, Path(work))
            )
    return target, results


def seconds(values):
    values = [v for v in values if v is not None]
    return f"{max(values):.2f}" if values else "n/a"


def report(target, results, args):
    by = {r["name"]: r for r in results}
    columns = [name for name in ("edge", "origin") if name in by]
    titles = {"edge": "through Varnish", "origin": "gunicorn alone (page cache)"}
    print()
    print(
        f"## Breaking hour: {args.readers} readers on home, the breaking article and its "
        f"section for {args.duration} s, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print()
    print(
        f"gunicorn gthread {args.workers} workers x {args.threads} threads, one job worker; "
        f"wrk -t2 -c{args.readers}, no think time, Accept-Encoding: gzip; the editor through "
        f"the admin's forms (headline of the breaking article every {UPDATE_EVERY} s, a new "
        f"article every {PUBLISH_EVERY} s); staleness polled every {POLL_EVERY * 1000:.0f} ms "
        "from the moment the save was sent."
    )
    print()
    print("| | " + " | ".join(titles[c] for c in columns) + " |")
    print("|---|" + "---:|" * len(columns))

    def line(label, value):
        print(f"| {label} | " + " | ".join(value(by[c]) for c in columns) + " |")

    line("reader requests (req/s)", lambda r: f"{r['wrk']['requests']:,} ({r['wrk']['rps']:,.0f})")
    line(
        "errors (socket / non-2xx / refused saves / never seen)",
        lambda r: (
            f"{r['wrk']['socket_errors']} / {r['wrk']['non_2xx']} / "
            f"{sum(e['status'] != 302 for e in r['events'])} / "
            f"{sum(v is None for e in r['events'] for v in e['seen'].values())}"
        ),
    )
    line(
        "p50 / p99 / max ms",
        lambda r: f"{r['wrk']['p50']:.1f} / {r['wrk']['p99']:.1f} / {r['wrk']['max']:.0f}",
    )

    def hit_ratio(r):
        hits, misses = r["stats"].get("cache_hit", 0), r["stats"].get("cache_miss", 0)
        if not r["stats"]:
            return "n/a (no edge)"
        return f"{100 * hits / max(1, hits + misses):.3f}% ({misses} misses)"

    line("edge hit ratio", hit_ratio)

    def renders(kind):
        def cell(r):
            events = [e for e in r["events"] if e["kind"] == kind]
            if r["name"] != "edge":
                return "every request"
            if not events:
                return "n/a"
            counts = [len(e["fetched"]) for e in events]
            pages = Counter(page for e in events for page, _ in e["fetched"])
            unexpected = sorted(set(pages) - EXPECTED[kind])
            return (
                f"{statistics.mean(counts):.1f} ("
                + ", ".join(f"{p} {n}" for p, n in sorted(pages.items()))
                + (f"; unexpected: {', '.join(unexpected)}" if unexpected else "")
                + ")"
            )

        return cell

    line(
        "reader requests that reached gunicorn",
        lambda r: f"{r['fetches']['total']:,}" if r["stats"] else f"{r['wrk']['requests']:,} (all)",
    )
    line("origin fetches per new article: mean (per page, all edits summed)", renders("publish"))
    line("origin fetches per breaking update: mean (per page, all edits summed)", renders("update"))

    def stale(kind):
        def cell(r):
            events = [e for e in r["events"] if e["kind"] == kind]
            sent = [v for e in events for v in e["seen"].values()]
            # Seen before the editor's page came back counts as 0 after it.
            answered = [max(0, v - e["post"]) for e in events for v in e["seen"].values() if v]
            return f"{seconds(sent)} / {seconds(answered)}"

        return cell

    line(
        "staleness, new article: max s from save sent / answered (home, section)", stale("publish")
    )
    line(
        "staleness, breaking update: max s from save sent / answered (home, article, section)",
        stale("update"),
    )
    line(
        "editor's save (POST) median / max ms",
        lambda r: (
            f"{statistics.median(e['post'] for e in r['events']) * 1000:.0f} / "
            f"{max(e['post'] for e in r['events']) * 1000:.0f}"
            if r["events"]
            else "n/a"
        ),
    )
    for process in (
        "wrk (readers)",
        "varnishd",
        "gunicorn",
        "job worker",
        "bench (editor, pollers)",
    ):
        line(f"CPU {process}, cores", lambda r, p=process: f"{r['cpu'][p] / r['seconds']:.2f}")
    line(
        "machine busy (both cores, all processes) / load avg",
        lambda r: f"{100 * r['busy']:.0f}% / {r['load']:.1f}",
    )

    if "edge" in by:
        print()
        print("Edge phase, each edit: what readers waited for and what reached gunicorn after it")
        print(
            "(page @ seconds after the save; the second round is the purge sent again 5 s later):"
        )
        print()
        print("| at s | edit | save ms | seen after s from sent (answered) | origin fetches |")
        print("|---:|---|---:|---|---|")
        for e in by["edge"]["events"]:
            seen = ", ".join(
                f"{p} never" if s is None else f"{p} {s:.2f} ({max(0, s - e['post']):.2f})"
                for p, s in e["seen"].items()
            )
            fetched = ", ".join(f"{p} @{t:.1f}" for p, t in e["fetched"]) or "none"
            print(f"| {e['at']:.0f} | {e['kind']} | {e['post'] * 1000:.0f} | {seen} | {fetched} |")
        before = by["edge"]["fetches"]["before_events"]
        print()
        print(
            "Origin fetches for reader pages before the first edit (the cache was warmed): "
            + (", ".join(f"{p} {n}" for p, n in before.items()) or "none")
        )
