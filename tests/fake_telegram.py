"""A fake Telegram Bot API on 127.0.0.1: a real HTTP server in a thread that records every
request (method, token, fields, uploaded files, time) and answers as Telegram does, or as a
test scripts it (an error, a 429 with retry_after, an answer that comes too late)."""

import itertools
import json
import threading
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    token: str
    fields: dict
    files: dict
    at: float  # time.monotonic() when it arrived


def parse_body(content_type, body):
    """(fields, files) of a JSON or multipart/form-data body, parsed by the email package."""
    if content_type.startswith("application/json"):
        return json.loads(body), {}
    message = message_from_bytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email_policy
    )
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename():
            files[name] = part.get_payload(decode=True)
        else:
            fields[name] = part.get_content()
    return fields, files


class FakeTelegram:
    def __init__(self):
        self.requests = []
        self.script = {}  # method -> [answer, ...], used first; then the normal answer
        self.ids = itertools.count(1001)
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                fake.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method=None):
        return [r for r in self.requests if method is None or r.method == method]

    def answer_next(self, method, *answers):
        self.script.setdefault(method, []).extend(answers)

    def handle(self, request):
        _, bot, method = request.path.split("/", 2)
        body = request.rfile.read(int(request.headers["Content-Length"]))
        fields, files = parse_body(request.headers["Content-Type"], body)
        with self.lock:
            self.requests.append(Recorded(method, bot[3:], fields, files, time.monotonic()))
            scripted = self.script.get(method) or []
            answer = scripted.pop(0) if scripted else None
        answer = answer or {}
        payload = answer.get("body") or {"ok": True, "result": self.result(method, fields)}
        time.sleep(answer.get("delay", 0))  # past the client's timeout: accepted, answer lost
        status = answer.get("status", 200)
        data = json.dumps(payload).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting

    def result(self, method, fields):
        if method in ("sendPhoto", "sendMessage"):
            return {"message_id": next(self.ids), "chat": {"id": fields.get("chat_id")}}
        return True


def error(code, description, retry_after=None, delay=0):
    body = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return {"status": code, "body": body, "delay": delay}
