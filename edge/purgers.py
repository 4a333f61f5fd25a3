"""Purgers: how one batch of surrogate keys reaches the edge. Each raises PurgeFailed when
the edge did not confirm; the caller retries in the background (purge.py)."""

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger("edge")


class PurgeFailed(Exception):
    pass


def chunks(keys, size):
    keys = sorted(keys)
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def send(request):
    if urlsplit(request.full_url).scheme not in ("http", "https"):
        raise PurgeFailed(f"{request.full_url}: not an http(s) address")
    try:
        timeout = settings.EDGE_PURGE_TIMEOUT
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 http(s)
            body = response.read()
            return response.status, body
    except urllib.error.HTTPError as error:
        raise PurgeFailed(f"{request.full_url}: HTTP {error.code}") from error
    except (OSError, ValueError) as error:
        raise PurgeFailed(f"{request.full_url}: {error}") from error


class NoPurger:
    name = "none"

    def purge(self, keys):
        return None


class VarnishPurger:
    """`PURGE /` with `xkey-purge: k1 k2 …` to every Varnish server (deploy/varnish/
    newsroom.vcl answers 200 with the number of objects purged). Hard purges: a purged page
    is fetched again, never served stale."""

    name = "varnish"
    # Keys per request: the header stays well under Varnish's 8 KB header limit.
    BATCH = 200

    def purge(self, keys):
        failures = []
        for server in settings.EDGE_VARNISH_URLS:
            base = urlsplit(server)
            for batch in chunks(keys, self.BATCH):
                request = urllib.request.Request(  # noqa: S310 - checked in send
                    f"{base.scheme}://{base.netloc}/",
                    method="PURGE",
                    headers={"xkey-purge": " ".join(batch)},
                )
                try:
                    send(request)
                except PurgeFailed as error:
                    failures.append(str(error))
        if failures:
            raise PurgeFailed("; ".join(failures))


def post_json(url, payload, headers):
    request = urllib.request.Request(  # noqa: S310 - checked in send
        url,
        method="POST",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"} | headers,
    )
    return send(request)


class CloudflarePurger:
    """Cloudflare's purge by cache tag (`POST /zones/{zone}/purge_cache {"tags": [...]}`),
    at most 30 tags a call."""

    name = "cloudflare"
    BATCH = 30

    def purge(self, keys):
        url = f"{settings.EDGE_CLOUDFLARE_API}/zones/{settings.EDGE_CLOUDFLARE_ZONE}/purge_cache"
        auth = {"Authorization": f"Bearer {settings.EDGE_CLOUDFLARE_TOKEN}"}
        for batch in chunks(keys, self.BATCH):
            _, body = post_json(url, {"tags": batch}, auth)
            try:
                success = json.loads(body).get("success")
            except (ValueError, AttributeError):
                success = False
            if not success:
                raise PurgeFailed(f"Cloudflare refused the purge: {body[:200]!r}")


class FastlyPurger:
    """Fastly's purge by surrogate keys (`POST /service/{id}/purge` with
    `{"surrogate_keys": [...]}`), at most 256 keys a call."""

    name = "fastly"
    BATCH = 256

    def purge(self, keys):
        url = f"{settings.EDGE_FASTLY_API}/service/{settings.EDGE_FASTLY_SERVICE}/purge"
        for batch in chunks(keys, self.BATCH):
            post_json(url, {"surrogate_keys": batch}, {"Fastly-Key": settings.EDGE_FASTLY_KEY})


PURGERS = {p.name: p for p in (NoPurger, VarnishPurger, CloudflarePurger, FastlyPurger)}


def purger():
    return PURGERS[settings.EDGE_PURGER]()
