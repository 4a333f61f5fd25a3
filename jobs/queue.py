"""Our small layer over Django's Tasks API: what the library leaves to us.

- `enqueue(func, *args, key=...)` records a Job row in the caller's transaction and hands it
  to the queue only once that transaction commits: a rolled-back save queues nothing, and a
  committed one is never lost (a row the queue never got is sent again by `resubmit_lost`).
- One Django task, `run_job`, runs every job: it calls the registered function, deletes the
  row when it succeeds, and otherwise tries again later (JOBS_RETRY_SECONDS, doubled at each
  attempt, at most an hour) until the job's attempts are spent; then the row stays, stopped,
  with its error, in the admin's «مهام متوقفة», whose button queues it again.
- Jobs are idempotent: each function may run twice (a retry after a crash, a row sent again)
  and must leave the same result.

The Tasks API has no retries, no dead letters and no "after commit" of its own (django-tasks
issue #11, retries planned upstream); this is that, on its public API only.
"""

import contextvars
import logging
import traceback
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, transaction
from django.utils import timezone

from .api import task, task_backends
from .models import Job

logger = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 3600
# A job seen running this long ago by a worker that is gone (killed, its machine lost) is sent
# again: jobs are idempotent.
RUNNING_TOO_LONG = timedelta(minutes=15)
# A queued row the queue never received (the process ended between commit and sending, or the
# broker was unreachable) is sent again after this.
NEVER_SENT = timedelta(seconds=20)


@dataclass(frozen=True)
class Spec:
    func: object
    label: str
    max_attempts: int


REGISTRY = {}
current_job = contextvars.ContextVar("current_job", default=None)


class PermanentError(Exception):
    """Raised by a job that no retry can fix (a broken file): it stops at once."""


class RetryLater(Exception):
    """Raised by a job that was told when to come back (an API's rate limit, 429 with
    retry_after): the next attempt waits at least `seconds`, not just the usual backoff."""

    def __init__(self, seconds, message=""):
        self.seconds = seconds
        super().__init__(message or f"retry after {seconds}s")


def job(label, max_attempts=None):
    """Register a module-level function as a job; `label` is what editors read (Arabic)."""

    def register(func):
        name = f"{func.__module__}.{func.__qualname__}"
        REGISTRY[name] = Spec(func, label, max_attempts or settings.JOBS_MAX_ATTEMPTS)
        func.job_name = name
        return func

    return register


def enqueue(func, *args, key="", delay=None):
    """Queue `func(*args)` once the current transaction commits, `delay` (a timedelta) later
    if given and the queue can defer. With `key`, a job with the same key already in the
    queue and not started is not queued twice (it will read the state this transaction
    commits). Arguments are JSON."""
    spec = REGISTRY[func.job_name]
    waiting = Job.objects.filter(key=key, status=Job.Status.QUEUED, submitted_at__isnull=False)
    if key and waiting.exists():
        return None
    run_after = timezone.now() + delay if delay else None
    row = Job.objects.create(
        function=func.job_name,
        args=list(args),
        key=key,
        label=spec.label,
        max_attempts=spec.max_attempts,
        run_after=run_after,
    )
    transaction.on_commit(partial(submit, row.pk, run_after), robust=True)
    return row


def submit(pk, run_after=None):
    """Hand job `pk` to the configured queue (the database's, or Redis through RQ)."""
    backend = task_backends["default"]
    runner = run_job.using(run_after=run_after) if run_after and backend.supports_defer else run_job
    runner.enqueue(pk)
    Job.objects.filter(pk=pk, submitted_at=None).update(submitted_at=timezone.now())


@task()
def run_job(pk):
    """The one Django task: run job `pk` if it is still to do; idempotent."""
    with transaction.atomic():
        row = Job.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.status not in (Job.Status.QUEUED, Job.Status.RETRYING):
            return  # done, stopped, or running elsewhere
        row.status, row.attempts = Job.Status.RUNNING, row.attempts + 1
        row.started_at = timezone.now()
        row.save(update_fields=["status", "attempts", "started_at", "updated_at"])
    spec = REGISTRY.get(row.function)
    token = current_job.set(row.pk)
    try:
        if spec is None:
            raise PermanentError(f"unknown job {row.function}")
        spec.func(*row.args)
    except Exception as error:
        failed(row, error)
    else:
        Job.objects.filter(pk=row.pk).delete()
    finally:
        current_job.reset(token)


def failed(row, error):
    permanent = isinstance(error, PermanentError | ValidationError)
    row.error = "".join(traceback.format_exception(error))[-20000:]
    if permanent or row.attempts >= row.max_attempts:
        row.status, row.run_after = Job.Status.STOPPED, None
        logger.error("Job %s (%s) stopped after %s attempts", row.pk, row.label, row.attempts)
        row.save(update_fields=["status", "error", "run_after", "updated_at"])
        return
    delay = min(settings.JOBS_RETRY_SECONDS * 2 ** (row.attempts - 1), MAX_BACKOFF_SECONDS)
    if isinstance(error, RetryLater):
        delay = max(delay, error.seconds)
    row.status, row.run_after = Job.Status.RETRYING, timezone.now() + timedelta(seconds=delay)
    logger.warning("Job %s (%s) failed, again in %.0fs: %s", row.pk, row.label, delay, error)
    row.save(update_fields=["status", "error", "run_after", "updated_at"])
    submit(row.pk, run_after=row.run_after)


def progress(done, total):
    """For a long job: how far it is, shown in the admin while it runs."""
    pk = current_job.get()
    if pk is not None:
        Job.objects.filter(pk=pk).update(progress_done=done, progress_total=total)


def retry(rows):
    """The admin's button: queue stopped jobs again, with their attempts reset."""
    pks = list(rows.filter(status=Job.Status.STOPPED).values_list("pk", flat=True))
    Job.objects.filter(pk__in=pks).update(
        status=Job.Status.QUEUED, attempts=0, run_after=None, submitted_at=None, started_at=None
    )
    for pk in pks:
        transaction.on_commit(partial(submit, pk), robust=True)
    return len(pks)


def resubmit_lost():
    """Run by every worker's clock: send again what the queue may never have received."""
    now = timezone.now()
    lost = Job.objects.filter(
        status=Job.Status.QUEUED, submitted_at=None, created_at__lt=now - NEVER_SENT
    ) | Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=now - RUNNING_TOO_LONG)
    for pk in lost.values_list("pk", flat=True)[:100]:
        Job.objects.filter(pk=pk, status=Job.Status.RUNNING).update(status=Job.Status.RETRYING)
        submit(pk)
    close_old_connections()
