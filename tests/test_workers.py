"""Real worker processes (`manage.py run_worker`) against the test database, and against
Redis with two workers: what the issue asks to be shown, not an in-process eager mode.

They need the workers to reach the test database, so PostgreSQL only (SQLite's test database
lives in the test process's memory); the jobs' logic runs on every database in
tests/test_jobs.py. A missing Redis fails in CI, never skips."""

import io
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from events.models import ArticleEvent, Watermark
from images import renditions
from images.models import Image, PendingOriginal
from jobs.models import Job
from jobs.queue import enqueue

from . import probe_jobs
from .conftest import IN_CI

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
REDIS_URL = "redis://127.0.0.1:6379/8"
WORKER = (
    "import django; django.setup(); import tests.probe_jobs; "
    "from django.core.management import call_command; "
    "call_command('run_worker', interval=0.2)"
)


def database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def workers(settings, tmp_path):
    """start(name, queue="database") runs a worker process; all are stopped at the end."""
    started = []
    probe = tmp_path / "probe.txt"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOBS_RETRY_SECONDS = 0.3

    def start(name, queue="database"):
        env = os.environ | {
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PENDING_UPLOADS_ROOT": str(settings.STORAGES["pending"]["OPTIONS"]["location"]),
            "NEWSROOM_TASKS": queue,
            "NEWSROOM_TASKS_REDIS_URL": REDIS_URL,
            "NEWSROOM_JOBS_RETRY_SECONDS": "0.3",
            "NEWSROOM_EVENTS_TICK_SECONDS": "1",
            "NEWSROOM_PROBE_FILE": str(probe),
            "NEWSROOM_PROBE_WORKER": name,
        }
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and code)
            [sys.executable, "-c", WORKER],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=open(log, "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        process.log = log
        return process

    start.probe = str(probe)
    yield start
    for process in started:
        stop(process)


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ready(*processes, seconds=60):
    """Wait until each worker says it is listening (db_worker's or RQ's first line)."""

    def listening(process):
        text = process.log.read_text(errors="replace") if process.log.exists() else ""
        return "Starting worker" in text or "Listening on" in text

    assert wait_for(lambda: all(listening(p) for p in processes), seconds), "a worker never started"


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    return condition()


def forty_megapixels():
    """A 7744×5164 JPEG with texture (real bytes, ~10 MB) and EXIF that must not survive."""
    width, height = 7744, 5164
    grain = PILImage.effect_noise((width // 4, height // 4), 60).resize((width, height))
    picture = PILImage.merge(
        "RGB", (grain, PILImage.linear_gradient("L").resize(grain.size), grain)
    )
    exif = PILImage.Exif()
    exif[0x010F] = "SecretCam"  # Make
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def test_a_40_megapixel_upload_answers_in_under_a_second_and_its_renditions_follow(
    client, editor, workers
):
    data = forty_megapixels()
    ready(workers("one"))  # the worker's start-up (Django, imports) is not the upload's time
    client.force_login(editor)
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(
        reverse("image_picker_upload"),
        {"file": SimpleUploadedFile("big.jpg", data), "title": "صورة كبيرة", "alt_text": "وصف"}
        | {"focal_x": "0.5", "focal_y": "0.5"},
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert response.status_code == 201, response.content
    # The request's own work (client and view run in this process) is under a second. On a
    # machine running more than it has cores (CI is alone; a shared development machine may
    # not be), the wall-clock bound stretches by the oversubscription, and says so.
    stretch = max(1.0, os.getloadavg()[0] / os.cpu_count())
    assert cpu < 1.0, f"the upload used {cpu:.2f}s of CPU"
    assert elapsed < stretch, f"the upload took {elapsed:.2f}s (load x{stretch:.1f})"
    print(f"40 MP upload: {elapsed:.2f}s wall, {cpu:.2f}s CPU, load x{stretch:.1f}")
    image = Image.objects.get()
    # Meanwhile: a clean preview, never a broken image, and «جاري تجهيز الصور».
    assert response.json()["image"]["src"] == image.file.url
    with image.file.open("rb") as preview, PILImage.open(preview) as shown:
        assert shown.width < 7744 and "exif" not in shown.info

    def made():
        image.refresh_from_db()
        return image.renditions

    assert wait_for(made, 60), "no renditions after 60 s"
    assert (image.width, image.height) == (7744, 5164)
    assert not PendingOriginal.objects.exists()
    assert wait_for(lambda: not Job.objects.exists(), 5)  # done jobs are deleted
    with image.file.open("rb") as stored, PILImage.open(stored) as original:
        assert original.size == (7744, 5164) and "exif" not in original.info
        assert b"SecretCam" not in image.file.open("rb").read()
    assert [w for _, w, _ in image.renditions["widths"]["jpg"]] == list(renditions.WIDTHS)
    for name in renditions.files_of(image.renditions):
        assert image.file.storage.exists(name)


def test_a_scheduled_article_goes_live_once_at_its_time_across_a_worker_restart(
    make_article, workers
):
    Watermark.objects.get_or_create(defaults={"since": timezone.now() - timedelta(minutes=1)})
    first = workers("first")
    ready(first)
    moment = timezone.now() + timedelta(seconds=5)
    article = make_article(published_at=moment)
    time.sleep(1)
    stop(first)  # the worker that saw the article scheduled goes away before its time...
    assert not ArticleEvent.objects.exists()
    ready(workers("second"), workers("third"))  # ...two others come up: two clocks

    def delivered():
        return ArticleEvent.objects.filter(delivered_at__isnull=False).first()

    event = wait_for(delivered, 15)
    assert event is not None, "no event within 15 s"
    assert (event.article_id, event.kind, event.at) == (article.pk, "went_live", moment)
    sent = probe_jobs.lines(workers.probe, "went_live")
    assert len(sent) == 1
    assert abs(float(sent[0][3]) - moment.timestamp()) < 10
    time.sleep(2.5)  # more ticks of both clocks fire nothing more
    assert len(probe_jobs.lines(workers.probe, "went_live")) == 1
    assert ArticleEvent.objects.count() == 1


def test_a_failing_job_is_retried_with_backoff_then_stopped_and_the_admin_retries_it(
    admin_client, workers
):
    ready(workers("one"))
    enqueue(probe_jobs.always_fails, "x")

    def stopped():
        return Job.objects.filter(status=Job.Status.STOPPED).first()

    job = wait_for(stopped, 20)
    assert job is not None, "the job did not stop"
    assert job.attempts == 3 and "عطل متعمد" in job.error
    times = [float(line[2]) for line in probe_jobs.lines(workers.probe, "failed")]
    assert len(times) == 3
    assert times[2] - times[1] >= times[1] - times[0] > 0.25  # 0.3 s, then 0.6 s

    listing = admin_client.get(reverse("admin:jobs_stoppedjob_changelist"))
    assert "مهمة تجريبية تفشل دائماً" in listing.content.decode()
    admin_client.post(reverse("admin:jobs_stoppedjob_change", args=[job.pk]), {"_retry": "1"})
    assert wait_for(lambda: len(probe_jobs.lines(workers.probe, "failed")) >= 6, 20)
    assert wait_for(stopped, 10).attempts == 3


@pytest.fixture
def redis_queue(settings):
    raw = redis.Redis.from_url(REDIS_URL)
    try:
        raw.ping()
    except redis.ConnectionError:
        (pytest.fail if IN_CI else pytest.skip)("Redis is not running on 127.0.0.1:6379")
    raw.flushdb()
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    yield raw
    raw.flushdb()


def test_two_rq_workers_on_redis_share_the_jobs_and_retry_a_failing_one(
    redis_queue, workers, settings
):
    ready(workers("alpha", queue="rq"), workers("beta", queue="rq"))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    for n in range(8):
        enqueue(probe_jobs.records_worker, n)
    enqueue(probe_jobs.always_fails, "rq")

    def all_ran():
        return len(probe_jobs.lines(workers.probe, "ran")) == 8

    assert wait_for(all_ran, 30), probe_jobs.lines(workers.probe, "ran")
    ran = probe_jobs.lines(workers.probe, "ran")
    assert sorted(int(line[1]) for line in ran) == list(range(8))
    assert {line[2] for line in ran} == {"alpha", "beta"}
    stopped = wait_for(lambda: Job.objects.filter(status=Job.Status.STOPPED).first(), 30)
    assert stopped is not None and stopped.attempts == 3
    assert Job.objects.count() == 1  # the eight that succeeded are gone
