from django.db import models


class HourlyReads(models.Model):
    """How many readings an article had in one hour (UTC, on the hour). Nothing else: no
    address, no cookie, no user agent, no time finer than the hour (DESIGN.md "Most read")."""

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="hourly_reads",
        verbose_name="المقال",
    )
    hour = models.DateTimeField("الساعة")
    count = models.PositiveIntegerField("القراءات", default=0)

    class Meta:
        verbose_name = "قراءات ساعة"
        verbose_name_plural = "قراءات الساعات"
        constraints = [
            # Hour first: the ranking reads the last 24 hours as one range of this index, and
            # the counter's UPDATE finds its row by both columns.
            models.UniqueConstraint(fields=["hour", "article"], name="mostread_hour_article"),
        ]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}: {self.count}"
