"""Uploads off the readers' threads (issue 20, session 10): the request's own work stays a
header check and a draft-mode preview (upright, an eighth, no metadata; hostile headers still
refused in Arabic before any decoding), and nginx sends the upload URLs, whole bodies only,
to their own gunicorn pool (deploy/nginx/newsroom.conf, deploy/systemd/newsroom-uploads.service)."""

import io
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageDraw

from bench.run import NGINX, nginx_config
from images.models import Image, PendingOriginal, finish_upload, processing

from .conftest import IN_CI

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {"title": "صورة كبيرة", "alt_text": "وصف", "focal_x": "0.5", "focal_y": "0.5"}


def halves(size):
    """Left half red, right half blue, with noise so it is a photograph's size on disk."""
    image = PILImage.new("RGB", size, "blue")
    ImageDraw.Draw(image).rectangle([0, 0, size[0] // 2 - 1, size[1]], fill="red")
    return image


def jpeg(image, orientation=None):
    exif = PILImage.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "CANARY-MAKE"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def jpeg_claiming(width, height):
    """A small real JPEG whose frame header (SOF0) is rewritten to claim another size."""
    data = bytearray(jpeg(PILImage.new("RGB", (16, 16), "gray")))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def post(client, data):
    return client.post(
        reverse("image_picker_upload"), FIELDS | {"file": SimpleUploadedFile("a.jpg", data)}
    )


def test_a_large_jpeg_turned_by_exif_gets_an_upright_eighth_size_preview_without_metadata(
    client, editor, settings
):
    """Orientation 6 (turn 90° clockwise): the draft-mode preview is decoded at an eighth,
    then turned upright, like the full re-encode the job makes later."""
    settings.IMAGE_BACKGROUND_PIXELS = 1_000_000
    client.force_login(editor)
    response = post(client, jpeg(halves((2400, 1600)), orientation=6))
    assert response.status_code == 201, response.content
    image = Image.objects.get()
    assert processing(image) and PendingOriginal.objects.filter(image=image).exists()
    assert (image.width, image.height) == (200, 300)  # 1600/8 × 2400/8, turned upright
    body = response.json()["image"]
    assert (body["width"], body["height"]) == (200, 300)
    assert body["status"] == "جاري تجهيز الصور"
    with image.file.open("rb") as stored:
        data = stored.read()
    assert b"CANARY-MAKE" not in data and b"Exif" not in data
    with PILImage.open(io.BytesIO(data)) as preview:
        assert preview.size == (200, 300) and not preview.getexif()
        rgb = preview.convert("RGB")
        # The left half (red) is on top once turned clockwise.
        top, bottom = rgb.getpixel((100, 40)), rgb.getpixel((100, 260))
        assert top[0] > 200 and top[2] < 60, top
        assert bottom[2] > 200 and bottom[0] < 60, bottom

    finish_upload(image.pk)
    image.refresh_from_db()
    assert (image.width, image.height) == (1600, 2400) and not processing(image)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        # Past Pillow's bomb limit: refused while the header is read.
        ((60_000, 60_000), "أبعاد الصورة أكبر من المسموح"),
        # Under it, past ours (48 MP): refused from the header with its dimensions.
        ((8_000, 6_000), "أبعاد الصورة 8000×6000 بكسل أكبر من المسموح"),
    ],
)
def test_a_jpeg_header_claiming_too_many_pixels_is_refused_in_arabic_before_decoding(
    client, editor, settings, size, message
):
    """The picker's large-JPEG path (draft-mode preview) checks the header first, like every
    upload: nothing is decoded, nothing stored, nothing queued."""
    settings.IMAGE_BACKGROUND_PIXELS = 1_000_000
    client.force_login(editor)
    started = time.monotonic()
    response = post(client, jpeg_claiming(*size))
    assert time.monotonic() - started < 1
    assert response.status_code == 400
    errors = response.json()["errors"]["file"]
    assert any(message in error for error in errors), errors
    assert not Image.objects.exists() and not PendingOriginal.objects.exists()


# nginx in front of two pools, for real: stub upstreams that record what reaches them.


class Recorder(BaseHTTPRequestHandler):
    def handle_one(self, method):
        # When the request reaches the upstream (its headers), before its body is read.
        self.server.arrived.append((self.path, time.monotonic()))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((method, self.path, len(body), time.monotonic()))
        reply = self.server.name.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def log_message(self, *args):
        pass


def stub(name):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.name, server.seen, server.arrived = name, [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def nginx_in_front():
    """deploy/nginx/newsroom.conf as the bench runs it (bench/run.py nginx_config: plain HTTP
    on loopback, same upstreams, locations and buffering), in front of two stubs."""
    if not Path(NGINX).exists():
        (pytest.fail if IN_CI else pytest.skip)("nginx is not installed: apt-get install nginx")
    app, uploads = stub("app"), stub("uploads")
    port = free_port()
    # Not tmp_path: nginx's workers (an unprivileged user under root) write request bodies here.
    directory = Path(tempfile.mkdtemp(prefix="test-nginx-"))
    directory.chmod(0o777)
    conf = directory / "nginx.conf"
    conf.write_text(
        nginx_config(port, app.server_port, uploads.server_port, directory / "media", directory)
    )
    check = subprocess.run(  # noqa: S603
        [NGINX, "-t", "-c", str(conf), "-p", str(directory)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(  # noqa: S603
        [NGINX, "-c", str(conf), "-p", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, app, uploads
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        app.shutdown()
        uploads.shutdown()
        shutil.rmtree(directory, ignore_errors=True)


def request(port, method, path, body=b""):
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    head += f"Content-Length: {len(body)}\r\n\r\n" if method == "POST" else "\r\n"
    conn.sendall(head.encode() + body)
    answer = b""
    while chunk := conn.recv(65536):
        answer += chunk
    conn.close()
    return answer.rsplit(b"\r\n\r\n", 1)[-1].decode()


def test_nginx_sends_the_upload_urls_to_the_upload_pool_and_the_rest_to_the_app(nginx_in_front):
    port, _, _ = nginx_in_front
    to_uploads = [
        ("POST", "/editor/images/upload/"),
        ("GET", "/admin/images/image/add/"),
        ("POST", "/admin/images/image/add/"),
        ("POST", "/admin/images/image/12/change/"),
    ]
    to_app = [
        ("GET", "/"),
        ("GET", "/editor/images/"),
        ("GET", "/editor/images/upload/extra/"),
        ("GET", "/admin/images/image/"),
        ("POST", "/admin/images/image/12/delete/"),
        ("POST", "/admin/articles/article/add/"),
        ("GET", "/admin/images/image/12/change/x/"),
    ]
    for method, path in to_uploads:
        assert request(port, method, path, b"x" * 10) == "uploads", path
    for method, path in to_app:
        assert request(port, method, path, b"x" * 10) == "app", path


def test_an_upload_reaches_its_pool_only_once_nginx_has_the_whole_body(nginx_in_front):
    """A slow uploader holds nginx's buffer, never a gunicorn thread."""
    port, app, uploads = nginx_in_front
    body = b"y" * 300_000
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(
        b"POST /editor/images/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body[:100_000]
    )
    time.sleep(1.0)
    assert uploads.arrived == [] and app.arrived == []  # nothing passed on meanwhile
    sent_at = time.monotonic()
    conn.sendall(body[100_000:])
    answer = b""
    while chunk := conn.recv(65536):
        answer += chunk
    conn.close()
    assert answer.endswith(b"uploads")
    [(method, path, length, _)] = uploads.seen
    assert (method, path, length) == ("POST", "/editor/images/upload/", 300_000)
    [(_, arrived_at)] = uploads.arrived
    assert arrived_at >= sent_at and app.arrived == []


def test_the_upload_pool_unit_runs_the_same_gunicorn_settings_on_its_own_socket():
    unit = (ROOT / "deploy/systemd/newsroom-uploads.service").read_text()
    site = (ROOT / "deploy/nginx/newsroom.conf").read_text()
    readers = (ROOT / "deploy/systemd/newsroom.service").read_text()
    assert "-c deploy/gunicorn.conf.py" in unit
    assert "--bind unix:/run/newsroom-uploads/gunicorn.sock" in unit
    assert "server unix:/run/newsroom-uploads/gunicorn.sock" in site
    assert "RuntimeDirectory=newsroom-uploads" in unit and "Nice=5" in unit
    # Its own runtime directory: the reader pool's unit removes /run/newsroom when it stops.
    assert "RuntimeDirectory=newsroom\n" in readers
