from django.db import models


class ArticleEvent(models.Model):
    """An event fired for an article: one row per article, kind and moment (unique), which
    is what makes each event fire once whatever the number of workers or ticks."""

    class Kind(models.TextChoices):
        WENT_LIVE = "went_live", "نُشر"
        EXPIRED = "expired", "انتهت صلاحيته"
        BREAKING_ENDED = "breaking_ended", "انتهى شريط العاجل"

    article = models.ForeignKey(
        "articles.Article", verbose_name="المقال", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("الحدث", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("موعده")
    fired_at = models.DateTimeField("رُصد", auto_now_add=True)
    delivered_at = models.DateTimeField("أُرسل", null=True, blank=True)
    # The article no longer matched when the job ran (unpublished, rescheduled): not sent.
    cancelled = models.BooleanField("أُلغي", default=False)

    class Meta:
        ordering = ["-at"]
        verbose_name = "حدث نشر"
        verbose_name_plural = "أحداث النشر"
        constraints = [
            models.UniqueConstraint(fields=["article", "kind", "at"], name="event_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article_id} {self.at:%Y-%m-%d %H:%M}"


class Watermark(models.Model):
    """One row, made by the migration: events are fired only for moments after it, so that
    installing this app does not announce the whole archive."""

    since = models.DateTimeField()

    def __str__(self):
        return f"events since {self.since:%Y-%m-%d %H:%M}"
