"""Jobs and a receiver for tests/test_workers.py. Imported by the test and by the worker
processes it starts, which write what they did to NEWSROOM_PROBE_FILE (one line each)."""

import os
import time

from articles.signals import article_went_live
from jobs.queue import job


def note(*words):
    if path := os.environ.get("NEWSROOM_PROBE_FILE"):
        with open(path, "a", encoding="utf-8") as probe:
            probe.write(" ".join(str(word) for word in words) + "\n")


def lines(path, first_word):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as probe:
        return [line.split() for line in probe if line.startswith(first_word + " ")]


@job("مهمة تجريبية تفشل دائماً", max_attempts=3)
def always_fails(tag):
    note("failed", tag, time.time())
    raise RuntimeError("عطل متعمد في مهمة تجريبية")


@job("مهمة تجريبية")
def records_worker(tag):
    time.sleep(0.3)  # long enough that one worker cannot take every job
    note("ran", tag, os.environ.get("NEWSROOM_PROBE_WORKER", "?"))


def went_live(sender, article, at, **kwargs):
    note("went_live", article.pk, at.timestamp(), time.time())


article_went_live.connect(went_live, dispatch_uid="probe-went-live")
