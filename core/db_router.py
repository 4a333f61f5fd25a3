"""Read replica routing (active only when DATABASE_REPLICA_URL is set).

Anonymous reads of public pages go to the replica. Everything else stays on the primary:
writes, the whole request after any unsafe method, the admin (editors must read what they
just saved) and sessions/auth (a login must not be lost to replication lag).
"""

import contextlib
import contextvars

from django.db import connections

_use_primary = contextvars.ContextVar("newsroom_use_primary", default=False)

PRIMARY_APPS = {"sessions", "auth", "admin", "contenttypes", "reversion"}
PRIMARY_PATH_PREFIXES = ("/admin/",)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def request_needs_primary(request):
    return request.method not in SAFE_METHODS or request.path.startswith(PRIMARY_PATH_PREFIXES)


class PrimaryForWritesMiddleware:
    """Pins the whole request to the primary when it writes or is an admin request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _use_primary.set(request_needs_primary(request))
        try:
            return self.get_response(request)
        finally:
            _use_primary.reset(token)


@contextlib.contextmanager
def reading_primary():
    """Route reads to the primary inside the block, e.g. work done right after a commit
    outside any request (a management command, a shell), which a replica may not have yet."""
    token = _use_primary.set(True)
    try:
        yield
    finally:
        _use_primary.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            "replica" not in connections.settings
            or _use_primary.get()
            or model._meta.app_label in PRIMARY_APPS
        ):
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the schema through replication.
        return db == "default"
