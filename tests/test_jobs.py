"""The job layer, events and image states in this process (the immediate backend: jobs run
where they are enqueued, once the transaction commits), on every database. Real worker
processes: tests/test_workers.py."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article
from articles.signals import article_breaking_ended, article_expired, article_went_live
from events import sweep
from events.models import ArticleEvent, Watermark
from images.models import Image, PendingOriginal, processing
from jobs.models import Job
from jobs.queue import enqueue

from . import probe_jobs
from .dom import parse_html as parse


@pytest.fixture
def received():
    got = []

    def receiver(signal):
        def record(sender, article, at, **kwargs):
            got.append((signal, article.pk, at))

        return record

    receivers = {name: receiver(name) for name in ("went_live", "expired", "breaking_ended")}
    article_went_live.connect(receivers["went_live"])
    article_expired.connect(receivers["expired"])
    article_breaking_ended.connect(receivers["breaking_ended"])
    yield got
    article_went_live.disconnect(receivers["went_live"])
    article_expired.disconnect(receivers["expired"])
    article_breaking_ended.disconnect(receivers["breaking_ended"])


@pytest.fixture
def watermark(db):
    Watermark.objects.all().delete()
    return Watermark.objects.create(since=timezone.now() - timedelta(hours=1))


def test_a_failing_job_is_tried_max_attempts_times_then_listed_as_stopped_with_its_error(
    db, committed, settings
):
    settings.JOBS_RETRY_SECONDS = 0
    with committed():
        enqueue(probe_jobs.always_fails, "here")
    job = Job.objects.get()
    assert (job.status, job.attempts) == (Job.Status.STOPPED, 3)
    assert "عطل متعمد" in job.error and "RuntimeError" in job.error


def test_nothing_is_queued_when_the_transaction_rolls_back(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(probe_jobs.records_worker, 1)
        raise RuntimeError
    assert not Job.objects.exists()


def test_a_job_that_succeeds_leaves_no_row(db, committed):
    with committed():
        enqueue(probe_jobs.records_worker, 1)
    assert not Job.objects.exists()


def test_the_stopped_list_shows_the_error_and_its_button_queues_the_job_again(
    admin_client, committed, settings
):
    settings.JOBS_RETRY_SECONDS = 0
    with committed():
        enqueue(probe_jobs.always_fails, "admin")
    job = Job.objects.get()
    page = parse(admin_client.get(reverse("admin:jobs_stoppedjob_changelist")).content)
    assert "مهام متوقفة" in page.text
    assert "عطل متعمد في مهمة تجريبية" in page.text
    form = parse(admin_client.get(reverse("admin:jobs_stoppedjob_change", args=[job.pk])).content)
    assert form.one("input", name="_retry").attrs["value"] == "إعادة تشغيل المهمة"
    with committed():
        response = admin_client.post(
            reverse("admin:jobs_stoppedjob_change", args=[job.pk]), {"_retry": "1"}
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.attempts == 3 and job.status == Job.Status.STOPPED  # ran three times again
    assert job.updated_at > job.created_at


def test_an_editor_without_the_permission_cannot_retry(client, editor, committed, settings):
    settings.JOBS_RETRY_SECONDS = 0
    with committed():
        enqueue(probe_jobs.always_fails, "editor")
    job = Job.objects.get()
    client.force_login(editor)
    response = client.post(reverse("admin:jobs_stoppedjob_change", args=[job.pk]), {"_retry": "1"})
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.attempts == 3


def test_each_event_fires_once_when_its_moment_passes_by_the_database_clock(
    make_article, committed, received, watermark, db_clock
):
    now = timezone.now()
    live = make_article(published_at=now + timedelta(minutes=5))
    expiring = make_article(
        published_at=now - timedelta(minutes=1), expire_at=now + timedelta(minutes=5)
    )
    breaking = make_article(
        published_at=now - timedelta(minutes=2),
        is_breaking=True,
        breaking_until=now + timedelta(minutes=5),
    )
    db_clock(now)
    with committed():
        sweep.sweep()
    assert {kind for kind, *_ in received} == {"went_live"}  # the two already live ones
    received.clear()
    db_clock(now + timedelta(minutes=6))
    for _ in range(3):  # ticks after the moment, as two workers' clocks would
        with committed():
            sweep.sweep()
    assert sorted(received) == sorted(
        [
            ("went_live", live.pk, live.published_at),
            ("expired", expiring.pk, expiring.expire_at),
            ("breaking_ended", breaking.pk, breaking.breaking_until),
        ]
    )
    assert ArticleEvent.objects.filter(delivered_at__isnull=False).count() == 5


def test_an_article_unpublished_before_its_event_is_sent_is_not_announced(
    make_article, committed, received, watermark
):
    article = make_article(published_at=timezone.now() - timedelta(seconds=5))
    with transaction.atomic():  # fired, but the job has not run yet
        ArticleEvent.objects.create(article=article, kind="went_live", at=article.published_at)
    event = ArticleEvent.objects.get()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    with committed():
        sweep.deliver(event.pk)
    event.refresh_from_db()
    assert event.cancelled and event.delivered_at is None
    assert received == []


def test_events_are_not_fired_for_moments_before_the_app_was_installed(
    make_article, committed, received, watermark
):
    make_article(published_at=watermark.since - timedelta(minutes=1))
    with committed():
        sweep.sweep()
    assert received == [] and not ArticleEvent.objects.exists()


def test_a_receiver_that_raises_rolls_the_delivery_back_and_the_job_retries(
    make_article, committed, watermark, settings
):
    settings.JOBS_RETRY_SECONDS = 0
    calls = []

    def flaky(sender, article, at, **kwargs):
        calls.append(article.pk)
        if len(calls) == 1:
            raise ConnectionError("telegram unreachable")

    article_went_live.connect(flaky)
    try:
        make_article(published_at=timezone.now() - timedelta(seconds=1))
        with committed():
            sweep.sweep()
    finally:
        article_went_live.disconnect(flaky)
    assert len(calls) == 2
    assert ArticleEvent.objects.get().delivered_at is not None
    assert list(Job.objects.values_list("label", "status", "attempts", "error")) == []


def large_jpeg(size=(2600, 1800)):
    out = io.BytesIO()
    PILImage.effect_noise(size, 40).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def test_a_large_upload_is_stored_as_a_clean_preview_then_replaced_by_its_full_original(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.IMAGE_BACKGROUND_PIXELS = 1_000_000
    settings.TASKS = {
        "default": {"BACKEND": f"{settings.TASKS_MODULE}.backends.dummy.DummyBackend"}
    }
    data = {"title": "كبيرة", "alt_text": "وصف", "focal_x": "0.5", "focal_y": "0.5"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:images_image_add"),
            data | {"file": SimpleUploadedFile("a.jpg", large_jpeg())},
        )
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.width == 325 and processing(image)  # an eighth, decoded at that scale
    listing = parse(admin_client.get(reverse("admin:images_image_changelist")).content)
    assert "جاري تجهيز الصور" in listing.text
    change = parse(admin_client.get(reverse("admin:images_image_change", args=[image.pk])).content)
    assert "جاري تجهيز الصور" in change.text
    # The editor's picker says so too, on the search result and on the upload's answer.
    found = admin_client.get(reverse("image_picker")).json()["results"]
    assert [entry["status"] for entry in found] == ["جاري تجهيز الصور"]
    assert Job.objects.get().label == "تجهيز الصور"
    # The worker's part.
    from images.models import finish_upload

    pending = PendingOriginal.objects.get()
    finish_upload(image.pk)
    image.refresh_from_db()
    assert (image.width, image.height) == (2600, 1800) and not processing(image)
    assert admin_client.get(reverse("image_picker")).json()["results"][0]["status"] == ""
    assert not PendingOriginal.objects.exists()
    from django.core.files.storage import storages

    assert not storages["pending"].exists(pending.name)
    listing = parse(admin_client.get(reverse("admin:images_image_changelist")).content)
    assert "جاهزة" in listing.text


def test_a_large_upload_that_is_broken_past_its_header_stops_the_job_and_keeps_the_image(
    admin_client, settings, committed
):
    settings.IMAGE_BACKGROUND_PIXELS = 1_000_000
    whole = large_jpeg()
    truncated = whole[: len(whole) * 2 // 3]
    with committed():
        response = admin_client.post(
            reverse("admin:images_image_add"),
            {"title": "ناقصة", "alt_text": "وصف", "focal_x": "0.5", "focal_y": "0.5"}
            | {"file": SimpleUploadedFile("a.jpg", truncated)},
        )
    if response.status_code == 200:  # the preview's decode already saw the damage
        assert "تعذّرت قراءة الصورة" in response.content.decode()
        return
    image = Image.objects.get()
    job = Job.objects.get()
    assert job.status == Job.Status.STOPPED and job.attempts == 1
    assert "تعذّرت قراءة الصورة" in job.error
    assert image.file.storage.exists(image.file.name)  # the preview still shows
    change = parse(admin_client.get(reverse("admin:images_image_change", args=[image.pk])).content)
    assert "تعذّر تجهيز نسخ هذه الصورة" in change.text


def test_rebuilding_the_library_in_the_background_is_one_job(make_image, committed, capsys):
    images = [make_image() for _ in range(3)]
    Image.objects.filter(pk__in=[i.pk for i in images]).update(renditions={})
    with committed():
        call_command("rebuild_renditions", "--background")
    assert "Queued as job" in capsys.readouterr().out
    assert all(not processing(image) for image in Image.objects.all())
    assert not Job.objects.filter(label="إعادة تجهيز صور المكتبة").exists()  # done
