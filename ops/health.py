"""Probes for the load balancer and the process supervisor."""

import logging

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("ops.health")


@never_cache
def healthz(request):
    """The process answers. Touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


def _database_ready():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_ready():
    cache.set("newsroom:readyz", "1", 5)
    if cache.get("newsroom:readyz") != "1":
        raise RuntimeError("value written was not read back")


CHECKS = {"database": _database_ready, "cache": _cache_ready}


@never_cache
def readyz(request):
    """Ready for traffic: the database and the cache answer. 503 naming the failing parts;
    the errors themselves go to the log only, since the probe answers anyone."""
    failing = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.warning("readyz: %s unavailable (%s)", name, type(error).__name__)
            failing.append(name)
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
