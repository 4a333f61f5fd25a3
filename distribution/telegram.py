"""A small client of Telegram's Bot API (https://core.telegram.org/bots/api): the four
methods we use, over urllib, so that nothing of ours or of a library logs the request's
address, which carries the bot's token.

Three outcomes of a call, which the exactly-once rule depends on:
- an answer: its `result`, or `Refused` with the API's description (the message was not
  posted; a 429 carries the seconds to wait);
- `Unreachable`: the request was never sent whole (connection refused, DNS): not posted;
- `Unconfirmed`: the request was sent but no answer came back (a timeout, a dropped
  connection): the message may or may not be in the channel.
"""

import http.client
import json
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.views.decorators.debug import sensitive_variables


class Error(Exception):
    """The call failed; `description` is what editors are shown."""

    def __init__(self, description, code=None, retry_after=None):
        self.description = scrub(str(description))
        self.code = code
        self.retry_after = retry_after
        super().__init__(self.description)


class Refused(Error):
    """Telegram answered ok: false."""


class Unreachable(Error):
    """The request did not reach Telegram."""


class Unconfirmed(Error):
    """The request reached Telegram, or may have, but its answer was lost."""


def configured():
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_CHANNELS)


def scrub(text):
    """Whatever we keep or show, without the token (in case an error ever quoted the URL)."""
    token = settings.TELEGRAM_BOT_TOKEN
    return text.replace(token, "[token]") if token else text


def call(method, fields, files=None):
    """Call `method`; a short rate limit (429 asking to wait at most
    TELEGRAM_WAIT_INLINE_SECONDS) is waited here, twice at most, then raised."""
    for _ in range(2):
        try:
            return call_once(method, fields, files)
        except Refused as error:
            wait = error.retry_after
            if wait is None or wait > settings.TELEGRAM_WAIT_INLINE_SECONDS:
                raise
            time.sleep(wait)
    return call_once(method, fields, files)


@sensitive_variables("url", "request")
def call_once(method, fields, files=None):
    if not settings.TELEGRAM_API_URL.startswith(("https://", "http://")):
        raise Unreachable("TELEGRAM_API_URL must be an http(s) address")
    url = f"{settings.TELEGRAM_API_URL}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"
    if files:
        body, content_type = multipart(fields, files)
    else:
        body, content_type = json.dumps(fields).encode(), "application/json"
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, data=body, headers={"Content-Type": content_type}, method="POST"
    )
    try:
        timeout = settings.TELEGRAM_TIMEOUT_SECONDS
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        # Telegram answers errors with a status and a JSON body saying why.
        try:
            answer = json.loads(error.read())
        except (OSError, ValueError, http.client.HTTPException):
            raise Unconfirmed(f"HTTP {error.code}", code=error.code) from None
    except urllib.error.URLError as error:
        # urlopen wraps what fails while connecting and sending (before any answer).
        raise Unreachable(f"تعذّر الوصول إلى خادم تيليغرام ({error.reason})") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise Unconfirmed(f"أُرسل الطلب ولم يصل رد تيليغرام ({type(error).__name__})") from None
    if not isinstance(answer, dict):
        raise Unconfirmed("رد غير مفهوم من تيليغرام")
    if not answer.get("ok"):
        parameters = answer.get("parameters") or {}
        raise Refused(
            answer.get("description") or "خطأ غير مسمى",
            code=answer.get("error_code"),
            retry_after=parameters.get("retry_after"),
        )
    return answer.get("result")


def multipart(fields, files):
    """multipart/form-data of text `fields` and `files` ({name: (filename, bytes, type)})."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n'
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{value}\r\n".encode()
        )
    for name, (filename, data, mime) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
