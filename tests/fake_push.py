"""A fake Web Push service on 127.0.0.1: a real HTTP server in a thread that records every
POST (path, headers, encrypted body) and answers 201 as push services do, or what a test
scripts for a path (410 for a browser that unsubscribed, 500 once...)."""

import base64
import os
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Browser:
    """A subscriber's keys, as a browser makes them: what it gives the site, and what it
    keeps to decrypt the messages."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.p256dh, self.auth = b64(point), b64(self.auth_secret)

    def decrypt(self, body):
        return http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )


@dataclass
class Recorded:
    path: str
    headers: dict
    body: bytes


class FakePushService:
    def __init__(self):
        self.requests = []
        self.script = {}  # path -> [status, ...] answered first, then 201
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with fake.lock:
                    fake.requests.append(
                        Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    statuses = fake.script.get(self.path) or []
                    status = statuses.pop(0) if statuses else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def endpoint(self, name):
        return f"{self.origin}/push/{name}"

    def paths(self):
        with self.lock:
            return [r.path for r in self.requests]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
