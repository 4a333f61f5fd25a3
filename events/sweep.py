"""Finds the moments that passed (by the database clock) and fires each event once: a row
per article, kind and moment (unique), and a job that sends the signal."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone

from articles import signals
from articles.models import Article
from jobs.queue import enqueue, job

from .models import ArticleEvent, Watermark

Kind = ArticleEvent.Kind
SIGNALS = {
    Kind.WENT_LIVE: signals.article_went_live,
    Kind.EXPIRED: signals.article_expired,
    Kind.BREAKING_ENDED: signals.article_breaking_ended,
}
FIELDS = {
    Kind.WENT_LIVE: "published_at",
    Kind.EXPIRED: "expire_at",
    Kind.BREAKING_ENDED: "breaking_until",
}
LIMIT = 500  # per kind and tick; a backlog drains over the next ticks


def moments(since):
    """{kind: queryset of (pk, moment)} whose moment is in (since, database now]."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    return {
        Kind.WENT_LIVE: Article.objects.published()
        .filter(published_at__gt=since)
        .values_list("pk", "published_at"),
        Kind.EXPIRED: published.filter(
            expire_at__gt=since, expire_at__lte=Now(), published_at__lt=F("expire_at")
        ).values_list("pk", "expire_at"),
        Kind.BREAKING_ENDED: Article.objects.published()
        .filter(is_breaking=True, breaking_until__gt=since, breaking_until__lte=Now())
        .values_list("pk", "breaking_until"),
    }


def database_now():
    return Watermark.objects.annotate(now=Now()).values_list("now", flat=True).first()


def sweep():
    """One tick: fire what is due and not fired yet. Catches up on what a stopped worker
    missed, as far back as EVENTS_CATCH_UP_HOURS."""
    watermark = Watermark.objects.first()
    now = database_now()
    if watermark is None or now is None:
        return
    since = max(watermark.since, now - timedelta(hours=settings.EVENTS_CATCH_UP_HOURS))
    for kind, found in moments(since).items():
        found = list(found.order_by("pk")[:LIMIT])
        fired = set(
            ArticleEvent.objects.filter(
                kind=kind, article_id__in=[pk for pk, _ in found]
            ).values_list("article_id", "at")
        )
        for pk, at in found:
            if (pk, at) not in fired:
                fire(kind, pk, at)


def fire(kind, pk, at):
    try:
        with transaction.atomic():
            event = ArticleEvent.objects.create(article_id=pk, kind=kind, at=at)
            enqueue(deliver, event.pk, key=f"event:{event.pk}")
    except IntegrityError:
        pass  # another worker's clock fired it first


@job("إرسال حدث نشر")
def deliver(event_pk):
    """Send the event's signal once, if the article still matches it (by the database clock);
    a receiver that raises rolls the delivery back, and the job is tried again."""
    with transaction.atomic():
        event = ArticleEvent.objects.select_for_update().filter(pk=event_pk).first()
        if event is None or event.delivered_at or event.cancelled:
            return
        since = event.at - timedelta(seconds=1)
        still = moments(since)[event.kind].filter(
            pk=event.article_id, **{FIELDS[event.kind]: event.at}
        )
        article = Article.objects.filter(pk__in=still.values("pk")).first()
        if article is None:
            event.cancelled = True
            event.save(update_fields=["cancelled"])
            return
        SIGNALS[event.kind].send(sender=Article, article=article, at=event.at)
        event.delivered_at = timezone.now()
        event.save(update_fields=["delivered_at"])
