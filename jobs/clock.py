"""Periodic checks run by each worker (`manage.py run_worker`) in a thread beside it: the
Tasks API has no scheduler of its own. Each check is cheap and idempotent, so several workers
running the same ones is harmless: the rows they insert have unique keys (events/)."""

import logging
import threading
import time

from django.db import close_old_connections

logger = logging.getLogger(__name__)
PERIODIC = []


def every(seconds):
    def register(func):
        PERIODIC.append((seconds, func))
        return func

    return register


def run(stop):
    """Call each registered check on its period until `stop` (a threading.Event) is set."""
    due = dict.fromkeys(range(len(PERIODIC)), 0.0)
    while not stop.is_set():
        now = time.monotonic()
        for index, (seconds, func) in enumerate(PERIODIC):
            if now >= due[index]:
                due[index] = now + seconds
                try:
                    func()
                except Exception:
                    logger.exception("Periodic check %s failed", func.__qualname__)
                finally:
                    close_old_connections()
        stop.wait(min(seconds for seconds, _ in PERIODIC) / 2 if PERIODIC else 1)


def start():
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(stop,), name="jobs-clock", daemon=True)
    thread.start()
    return stop
