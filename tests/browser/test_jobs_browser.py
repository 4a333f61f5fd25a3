"""The admin's «مهام متوقفة» and an image's «جاري تجهيز الصور», in Chromium at 1280 and
390 px: right to left, no horizontal scroll, the retry button works."""

import pytest
from django.contrib.auth import get_user_model

from images.models import Image
from jobs.models import Job

from .conftest import pass_second_step

PASSWORD = "correct horse battery staple"


@pytest.fixture
def stopped_job(db):
    return Job.objects.create(
        function="tests.probe_jobs.always_fails",
        args=["x"],
        label="تجهيز الصور",
        status=Job.Status.STOPPED,
        attempts=5,
        max_attempts=5,
        error="Traceback (most recent call last):\nOSError: [Errno 28] لا مساحة في القرص",
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_stopped_jobs_list_reads_right_to_left_and_its_button_queues_again(
    page_at, live_server, screenshot, stopped_job, make_image, width, settings
):
    get_user_model().objects.create_superuser("chief", "chief@example.org", PASSWORD)
    image = make_image(title="صورة الميناء")
    Image.objects.filter(pk=image.pk).update(renditions={})
    page = page_at(width)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/jobs/stoppedjob/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    after_password = pass_second_step(page, get_user_model().objects.get(username="chief"))
    page.click("input[type=submit]")
    after_password()
    page.wait_for_url("**/admin/jobs/stoppedjob/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "لا مساحة في القرص" in page.inner_text("#result_list")
    assert "Task Results" not in page.inner_text("body")  # the library's internal list
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"jobs-stopped-list-{width}")
    page.goto(f"{live_server.url}/admin/jobs/stoppedjob/{stopped_job.pk}/change/")
    assert page.locator("pre.job-error").get_attribute("dir") == "ltr"
    screenshot(page, f"jobs-stopped-job-{width}")
    page.click("input[name=_retry]")
    page.wait_for_url("**/admin/jobs/stoppedjob/")
    assert "أُعيدت 1 مهمة إلى الطابور." in page.inner_text("body")
    page.goto(f"{live_server.url}/admin/images/image/")
    assert "جاري تجهيز الصور" in page.inner_text("#result_list")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"jobs-image-processing-{width}")
    assert page.console_errors == []
