from django.db import models


class Job(models.Model):
    """One piece of background work as people see it: queued, running, waiting to be tried
    again, or stopped after its last attempt. A job that succeeds is deleted, so the table
    holds only what is still to do and what needs a person (jobs/queue.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "في الانتظار"
        RUNNING = "running", "قيد التنفيذ"
        RETRYING = "retrying", "ستُعاد المحاولة"
        STOPPED = "stopped", "متوقفة"

    function = models.CharField("الوظيفة", max_length=200)
    args = models.JSONField("المعطيات", default=list, blank=True)
    key = models.CharField("المفتاح", max_length=200, blank=True, db_index=True)
    label = models.CharField("المهمة", max_length=200)
    status = models.CharField(
        "الحالة", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("المحاولات", default=0)
    max_attempts = models.PositiveSmallIntegerField("أقصى عدد للمحاولات", default=5)
    error = models.TextField("الخطأ", blank=True)
    progress_done = models.PositiveIntegerField("أُنجز", default=0)
    progress_total = models.PositiveIntegerField("من أصل", default=0)
    run_after = models.DateTimeField("المحاولة التالية", null=True, blank=True)
    submitted_at = models.DateTimeField("أُرسلت إلى الطابور", null=True, blank=True)
    started_at = models.DateTimeField("بدأت", null=True, blank=True)
    created_at = models.DateTimeField("أُنشئت", auto_now_add=True)
    updated_at = models.DateTimeField("آخر تغيير", auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "مهمة"
        verbose_name_plural = "المهام في الخلفية"

    def __str__(self):
        return f"{self.label} ({self.get_status_display()})"


class StoppedJob(Job):
    """The dead-letter list: jobs that failed their last attempt, with their error and a
    retry button (jobs/admin.py)."""

    class Meta:
        proxy = True
        verbose_name = "مهمة متوقفة"
        verbose_name_plural = "مهام متوقفة"
