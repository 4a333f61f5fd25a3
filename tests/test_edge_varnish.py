"""A real Varnish (deploy/varnish/newsroom.vcl, the xkey vmod) in front of the live server:
pages are hits the second time, a publication purges exactly its keys, a retraction is gone
at once, and with the origin down the edge serves stale pages. Then nginx in front of it
(deploy/nginx/edge-front.conf, TLS and brotli). Started by the test on free ports; in CI
(CI=true) a missing varnishd, nginx or brotli module fails, it never skips."""

import ctypes
import ctypes.util
import gzip
import http.client
import io
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import workflow
from articles.models import Article

from .tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parent.parent
VCL_DIR = ROOT / "deploy" / "varnish"
Status = Article.Status


def missing(message):
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI must run this test, not skip it)")
    pytest.skip(message)


def varnishd_path():
    found = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.access("/usr/sbin/varnishd", os.X_OK) else None
    )
    if found is None:
        missing("varnishd is missing: apt-get install varnish varnish-modules")
    return found


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Edge:
    def __init__(self, url, origin):
        self.url = url
        self.origin = origin  # the TCP proxy between Varnish and the live server

    def get(self, path):
        """(status, X-Cache, body) of a reader's GET through Varnish."""
        request = urllib.request.Request(self.url + path)  # noqa: S310 - http only
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.headers.get("X-Cache"), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("X-Cache"), error.read().decode()


@pytest.fixture
def edge(live_server, settings, tmp_path):
    """varnishd -a 127.0.0.1:<free port> -f deploy/varnish/newsroom.vcl, its backend the live
    server through a TCP proxy (cut to stop the origin), purged by the site."""
    binary = varnishd_path()
    origin = TcpProxy("127.0.0.1", urlsplit(live_server.url).port)
    backend = (VCL_DIR / "backend.vcl").read_text()
    backend = backend.replace('.port = "8000"', f'.port = "{origin.port}"')
    (tmp_path / "backend.vcl").write_text(backend)
    listen = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own argv
        [
            binary,
            "-F",
            "-j",
            "none",
            "-n",
            str(tmp_path / "work"),
            "-a",
            f"127.0.0.1:{listen}",
            "-T",
            "none",
            "-f",
            str(VCL_DIR / "newsroom.vcl"),
            "-p",
            f"vcl_path={tmp_path}:{VCL_DIR}",
            "-s",
            "malloc,64m",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{listen}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", listen), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.stdout.read().decode(errors="replace")
                pytest.fail(f"varnishd did not start:\n{output}")
            time.sleep(0.1)
    settings.EDGE_PURGER = "varnish"
    settings.EDGE_VARNISH_URLS = [url]
    yield Edge(url, origin)
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    origin.cut()


def test_a_publication_purges_home_and_its_section_while_another_section_stays_a_hit(
    edge, transactional_db, make_article, make_section, editor
):
    politics = make_section(name="سياسة", in_navigation=True)
    sport = make_section(name="رياضة", in_navigation=True)
    make_article(section=politics, headline="خبر سياسي قديم")
    make_article(section=sport, headline="خبر رياضي")
    pages = {
        "home": reverse("home"),
        "politics": reverse("section", args=[politics.slug]),
        "sport": reverse("section", args=[sport.slug]),
    }
    for path in pages.values():
        status, cache, _ = edge.get(path)
        assert (status, cache) == (200, "MISS"), path
        status, cache, _ = edge.get(path)
        assert (status, cache) == (200, "HIT"), path

    draft = Article.objects.create(headline="خبر عاجل جديد", section=politics, status=Status.REVIEW)
    assert edge.get(pages["home"])[1] == "HIT"  # a draft purges nothing
    workflow.perform(draft.pk, editor, "publish")  # commits, then purges

    for name in ("home", "politics"):
        status, cache, body = edge.get(pages[name])
        assert (status, cache) == (200, "MISS"), name
        assert "خبر عاجل جديد" in body, name
    status, cache, body = edge.get(pages["sport"])
    assert (status, cache) == (200, "HIT")
    assert "خبر رياضي" in body


def test_a_retraction_is_gone_from_the_edge_within_two_seconds(
    edge, transactional_db, make_article, editor
):
    article = make_article(headline="خبر سيُسحب")
    path = article.get_absolute_url()
    edge.get(path)
    assert edge.get(path)[:2] == (200, "HIT")
    assert "خبر سيُسحب" in edge.get(reverse("home"))[2]
    retracted = time.monotonic()
    workflow.perform(article.pk, editor, "unpublish")
    while edge.get(path)[0] != 404:
        assert time.monotonic() - retracted < 2, "still served by the edge after 2 s"
        time.sleep(0.05)
    assert "خبر سيُسحب" not in edge.get(reverse("home"))[2]


def test_purge_pages_forgets_every_page_at_the_edge_after_a_deploy(
    edge, transactional_db, make_article
):
    article = make_article()
    pages = [reverse("home"), article.get_absolute_url(), reverse("robots")]
    for path in pages:
        edge.get(path)
        assert edge.get(path)[:2] == (200, "HIT")
    call_command("purge_pages", stdout=io.StringIO())
    assert [edge.get(path)[1] for path in pages] == ["MISS"] * 3


def test_with_the_origin_down_the_edge_serves_the_stale_page(
    edge, transactional_db, make_article, settings
):
    settings.EDGE_MAX_AGE = 1  # expires at once, so what follows is stale, not fresh
    article = make_article(headline="خبر يبقى على الحافة")
    path = article.get_absolute_url()
    assert edge.get(path)[:2] == (200, "MISS")
    time.sleep(2)
    edge.origin.cut()
    status, cache, body = edge.get(path)
    assert (status, cache) == (200, "HIT")
    assert "خبر يبقى على الحافة" in body
    # Never fetched while down: a page the edge never had is an error, not a blank 200.
    assert edge.get(reverse("section", args=[article.section.slug]))[0] == 503


def test_a_page_revalidated_at_the_edge_keeps_its_keys(
    edge, transactional_db, make_article, settings
):
    """Past its s-maxage Varnish revalidates with If-None-Match; Django's 304 carries no
    Surrogate-Key, and the refreshed object must still be purgeable by its keys."""
    settings.EDGE_MAX_AGE = 1
    article = make_article(headline="عنوان أول")
    path = article.get_absolute_url()
    assert edge.get(path)[:2] == (200, "MISS")
    time.sleep(1.5)
    assert edge.get(path)[:2] == (200, "HIT")  # stale, revalidated in the background
    time.sleep(0.5)
    settings.EDGE_MAX_AGE = 3600
    article.headline = "عنوان معدّل"
    article.save()  # commits, then purges a<id>
    status, cache, body = edge.get(path)
    assert (status, cache) == (200, "MISS")
    assert "عنوان معدّل" in body


# nginx in front of Varnish: TLS and brotli (deploy/nginx/edge-front.conf) ----------------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")


def brotli_decompress(data):
    """libbrotlidec, which Debian's brotli module for nginx depends on (libbrotli1): no
    Python package for one call in a test."""
    library = ctypes.CDLL(ctypes.util.find_library("brotlidec") or "libbrotlidec.so.1")
    size = len(data) * 20 + 65536
    while True:
        out = ctypes.create_string_buffer(size)
        out_size = ctypes.c_size_t(size)
        result = library.BrotliDecoderDecompress(
            ctypes.c_size_t(len(data)), data, ctypes.byref(out_size), out
        )
        if result == 1:  # BROTLI_DECODER_RESULT_SUCCESS
            return out.raw[: out_size.value]
        if result != 3 or size > 64 * 1024 * 1024:  # 3: needs more output
            raise ValueError(f"not a brotli stream (decoder result {result})")
        size *= 4


class Front:
    def __init__(self, port, cafile):
        self.port = port
        self.tls = ssl.create_default_context(cafile=cafile)
        self.tls.check_hostname = False  # 127.0.0.1 here; the certificate still verifies

    def request(self, path, accept_encoding=None, method="GET"):
        """(status, headers, body as sent) of a browser's request over TLS."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.tls, timeout=10)
        headers = {"Host": "news.example.org"}
        if accept_encoding is not None:
            headers["Accept-Encoding"] = accept_encoding
        try:
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()


@pytest.fixture
def front(edge, settings, tmp_path):
    """nginx with deploy/nginx/edge-front.conf as deployed (a self-signed certificate for
    news.example.org, free ports), its upstream the test's varnishd."""
    if not Path(NGINX).exists():
        missing("nginx is missing: apt-get install nginx libnginx-mod-http-brotli-filter")
    if not BROTLI_MODULE.exists():
        missing("nginx's brotli module is missing: apt-get install libnginx-mod-http-brotli-filter")
    subprocess.run(  # noqa: S603
        [
            OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=news.example.org", "-addext", "subjectAltName=DNS:news.example.org",
            "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
        ],
        check=True, capture_output=True,
    )  # fmt: skip
    tls_port, plain_port = free_port(), free_port()
    site = (ROOT / "deploy/nginx/edge-front.conf").read_text()
    for deployed, here in [
        ("/etc/letsencrypt/live/news.example.org/fullchain.pem", str(tmp_path / "cert.pem")),
        ("/etc/letsencrypt/live/news.example.org/privkey.pem", str(tmp_path / "key.pem")),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{tls_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{plain_port};"),
        ("listen [::]:80;", ""),
        ("server 127.0.0.1:6081;", f"server 127.0.0.1:{urlsplit(edge.url).port};"),
    ]:
        assert deployed in site, deployed
        site = site.replace(deployed, here)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"load_module {BROTLI_MODULE};\n"  # what the Debian package's modules-enabled/ does
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ include /etc/nginx/mime.types; access_log off;\n"
        f"client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};\n"
        f"fastcgi_temp_path {tmp_path}; uwsgi_temp_path {tmp_path}; scgi_temp_path {tmp_path};\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    command = [NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)  # noqa: S603
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)  # noqa: S603
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", tls_port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not start:\n{process.stderr.read().decode()}")
            time.sleep(0.05)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example.org"]
    yield Front(tls_port, str(tmp_path / "cert.pem"))
    process.terminate()
    process.wait(10)


def test_nginx_in_front_of_the_edge_sends_brotli_to_browsers_that_accept_it(
    front, transactional_db, make_article
):
    article = make_article(headline="خبر يصل مضغوطًا")
    path = article.get_absolute_url()
    status, headers, plain = front.request(path)
    assert (status, headers["X-Cache"], headers["Content-Encoding"]) == (200, "MISS", None)
    assert "خبر يصل مضغوطًا" in plain.decode()

    # A browser's header: brotli made by nginx from the edge's one stored copy.
    status, headers, body = front.request(path, "gzip, deflate, br")
    assert (status, headers["X-Cache"], headers["Content-Encoding"]) == (200, "HIT", "br")
    assert "Accept-Encoding" in headers["Vary"]
    assert brotli_decompress(body) == plain
    assert len(body) < len(plain) / 3

    # Without br (or br refused), the edge's gzip copy, passed on as it is.
    for accepted in ("gzip", "br;q=0, gzip"):
        status, headers, body = front.request(path, accepted)
        assert (status, headers["X-Cache"], headers["Content-Encoding"]) == (200, "HIT", "gzip")
        assert "Accept-Encoding" in headers["Vary"]
        assert gzip.decompress(body) == plain

    # Every request through nginx reaches Varnish from 127.0.0.1, which may purge: nginx
    # refuses the method, and the page stays at the edge.
    status, _, _ = front.request("/", method="PURGE")
    assert status == 405
    assert front.request(path, "br")[1]["X-Cache"] == "HIT"
