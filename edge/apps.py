"""The edge: caches in front of the site (Varnish, Cloudflare, Fastly) told to forget exactly
the pages a change touches, by surrogate key, after the change commits (DESIGN.md, "The
edge"). The keys pages carry are written by pagecache/surrogate.py; this app purges them."""

from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "edge"
    verbose_name = "ذاكرة الحافة"

    def ready(self):
        from . import receivers

        receivers.connect()
