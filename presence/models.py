"""Who has which article's change form open, kept by the page's heartbeat (presence.js).

A row per (article, person), refreshed by every heartbeat and deleted when the tab leaves;
a row not refreshed for PRESENCE_EXPIRY_SECONDS is gone for every reader, even if the tab
died without saying goodbye. Nothing here guards a save: the article's version lock
(articles/workflow.py) does. Presence only tells people before they collide.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Article


def expiry_cutoff():
    return timezone.now() - timedelta(seconds=settings.PRESENCE_EXPIRY_SECONDS)


class PresenceQuerySet(models.QuerySet):
    def active(self):
        """Rows refreshed recently enough to mean an open tab."""
        return self.filter(seen_at__gte=expiry_cutoff())

    def expired(self):
        return self.filter(seen_at__lt=expiry_cutoff())


class Presence(models.Model):
    article = models.ForeignKey(
        Article, verbose_name="المقال", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="المحرر",
        on_delete=models.CASCADE,
        related_name="+",
    )
    opened_at = models.DateTimeField("فتحه منذ")
    seen_at = models.DateTimeField("آخر نبضة", db_index=True)
    # An editor who took over: this person's banner says so until they leave.
    taken_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="تولّى التحرير",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_over_at = models.DateTimeField("وقت تولّي التحرير", null=True, blank=True)

    objects = PresenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="presence_article_user")
        ]
        verbose_name = "حضور على مقال"
        verbose_name_plural = "من يحرر الآن"

    def __str__(self):
        return f"{self.user} @ {self.article_id}"
