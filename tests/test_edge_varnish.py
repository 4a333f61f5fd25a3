"""A real Varnish (deploy/varnish/newsroom.vcl, the xkey vmod) in front of the live server:
pages are hits the second time, a publication purges exactly its keys, a retraction is gone
at once, and with the origin down the edge serves stale pages. Started by the test on a free
port; in CI (CI=true) a missing varnishd fails, it never skips."""

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article

from .tcp_proxy import TcpProxy

VCL_DIR = Path(__file__).resolve().parent.parent / "deploy" / "varnish"
Status = Article.Status


def varnishd_path():
    found = shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.access("/usr/sbin/varnishd", os.X_OK) else None
    )
    if found is None:
        message = "varnishd is missing: apt-get install varnish varnish-modules"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must run this test, not skip it)")
        pytest.skip(message)
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
