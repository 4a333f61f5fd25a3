"""Web Push: an article an editor marked «إشعار عاجل» reaches every browser subscribed to
breaking news, once, when it goes live.

- `want(article)`: the `fan_out` job (key `push:<id>`), from the same triggers as Telegram.
- `fan_out(article_pk)`: cuts the breaking subscriptions not yet reached into batches of
  PUSH_BATCH_SIZE and queues one `send_batch` job for each.
- Live stories: `fan_out_entry` / `send_entry_batch` do the same for a key entry of a
  coverage ticked «إشعار بالأحداث المهمة», to the `live:<coverage id>` subscriptions, from
  Telegram's entry triggers (post_save of LiveEntry, the clock for scheduled entries).
- `send_batch(article_pk, first_pk, last_pk)`: for each subscription in the range, a
  PushDelivery row is written (unique per article and subscription) before the message
  leaves: a run that finds the row sends nothing. The push service said 404/410 (the
  browser unsubscribed): the subscription is deleted. Any other failure (5xx, 429, never
  reached): the row is removed and the job raises, so the queue retries the rest with
  backoff. An answer lost after the request left (read timeout) keeps the row: a second
  notification is worse than a missing one (as for Telegram, at most once).

The protocol (RFC 8291 encryption, RFC 8292 VAPID) is pywebpush's; the private key is read
from settings at call time and never put in a log line, an exception or the database.
"""

import json
import logging
from datetime import timedelta

import requests
from django.conf import settings
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from articles.models import Article
from jobs.queue import enqueue, job
from live.models import LiveEntry

from .models import PushDelivery, PushSubscription

logger = logging.getLogger(__name__)
BODY_LIMIT = 180  # characters of the summary: what a phone's notification shows


def configured():
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def want(article):
    if configured() and article.push_breaking:
        enqueue(fan_out, article.pk, key=f"push:{article.pk}")


def live(article_pk):
    return Article.objects.published().filter(pk=article_pk).exists()


@job("إرسال إشعار عاجل")
def fan_out(article_pk):
    if not live(article_pk):
        return
    for first, last in batches(PushSubscription.BREAKING, article_id=article_pk):
        enqueue(send_batch, article_pk, first, last, key=f"push:{article_pk}:{first}")


def batches(topic, **owner):
    """(first pk, last pk) of each PUSH_BATCH_SIZE run of `topic`'s subscriptions that
    `owner` (article_id= or entry_id=) has not reached."""
    ((field, pk),) = owner.items()
    pks = list(
        PushSubscription.objects.filter(topic=topic)
        .exclude(**{f"deliveries__{field}": pk})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = settings.PUSH_BATCH_SIZE
    return [(pks[i], pks[min(i + size, len(pks)) - 1]) for i in range(0, len(pks), size)]


def cut(text):
    """`text` on one line, at most BODY_LIMIT characters, cut between words with «…»."""
    text = " ".join(text.split())
    if len(text) > BODY_LIMIT:
        text = text[:BODY_LIMIT].rsplit(" ", 1)[0] + "…"
    return text


def payload(article):
    """What the service worker shows: JSON, Arabic, at most a few hundred bytes (push
    services take 4 KB)."""
    summary = cut(article.summary)
    image = ""
    social = (article.lead_image.renditions or {}).get("social") if article.lead_image else None
    if social:
        image = storages["default"].url(social[0])
        if image.startswith("/"):
            image = settings.SITE_URL + image
    return {
        "title": article.headline,
        "body": summary,
        "url": settings.SITE_URL + article.get_absolute_url(),
        "image": image,
        "tag": f"article-{article.pk}",
    }


class Failed(Exception):
    """Some pushes of a batch failed for a reason a retry can fix."""


@job("إرسال دفعة إشعارات")
def send_batch(article_pk, first_pk, last_pk):
    article = Article.objects.select_related("lead_image").filter(pk=article_pk).first()
    if article is None or not live(article_pk) or not configured():
        return
    data = json.dumps(payload(article), ensure_ascii=False)
    send_range(PushSubscription.BREAKING, {"article_id": article_pk}, first_pk, last_pk, data)


def send_range(topic, owner, first_pk, last_pk, data):
    """Push `data` to the subscriptions of `topic` in [first_pk, last_pk] that `owner`
    ({"article_id": pk} or {"entry_id": pk}) has not reached yet."""
    ((field, pk),) = owner.items()
    subscriptions = (
        PushSubscription.objects.filter(topic=topic, pk__gte=first_pk, pk__lte=last_pk)
        .exclude(**{f"deliveries__{field}": pk})
        .order_by("pk")
    )
    failed = 0
    with requests.Session() as session:
        for subscription in subscriptions:
            try:
                with transaction.atomic():
                    delivery = PushDelivery.objects.create(subscription=subscription, **owner)
            except IntegrityError:
                continue  # another run sent it
            outcome = deliver(subscription, data, session)
            if outcome == "gone":
                subscription.delete()
            elif outcome == "retry":
                delivery.delete()
                failed += 1
    if failed:
        raise Failed(f"{failed} إشعارات لم تصل، ستُعاد المحاولة.")


@sensitive_variables("key")
def deliver(subscription, data, session):
    """Send one message. "sent", "gone" (404/410: unsubscribed), "retry", or "lost" (the
    request left and no answer came: not sent again)."""
    key = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    try:
        webpush(
            {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data,
            vapid_private_key=key,
            vapid_claims={"sub": settings.VAPID_CONTACT},  # a new dict: webpush adds aud/exp
            timeout=settings.PUSH_TIMEOUT_SECONDS,
            ttl=3600,
            requests_session=session,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            return "gone"
        logger.warning("push to subscription %s refused: %s", subscription.pk, status)
        return "retry"
    except requests.ReadTimeout:
        logger.warning("push to subscription %s: no answer, not sent again", subscription.pk)
        return "lost"
    except (requests.RequestException, ValueError, TypeError) as error:
        # Never reached (refused, DNS) or a subscription whose keys cannot be used.
        logger.warning("push to subscription %s failed: %s", subscription.pk, type(error).__name__)
        return "retry"
    return "sent"


# Receivers (connected in apps.py): the same moments as Telegram's ---------------------------


def went_live(sender, article, at, **kwargs):
    want(article)


def form_saved(sender, article, user, request, **kwargs):
    """Published now, or ticked on an article already live and never pushed: at once. A
    later save of a pushed article pushes nothing (not even to newer subscribers)."""
    if (
        article.push_breaking
        and live(article.pk)
        and not PushDelivery.objects.filter(article_id=article.pk).exists()
    ):
        want(article)


# Live stories' key entries (README "Web Push"): the same moments as Telegram's -------------
# A key entry («مهم») of a coverage whose editor ticked «إشعار بالأحداث المهمة» reaches the
# browsers subscribed to `live:<coverage id>` once, when readers can see it.


def topic_for(coverage_pk):
    return f"live:{coverage_pk}"


def pushable_entries():
    return LiveEntry.objects.public().filter(is_key=True, coverage__push_key_entries=True)


def want_entry(entry):
    if configured():
        enqueue(fan_out_entry, entry.pk, key=f"push-entry:{entry.pk}")


@job("إرسال إشعار بحدث مهم في تغطية مباشرة")
def fan_out_entry(entry_pk):
    entry = pushable_entries().filter(pk=entry_pk).first()
    if entry is None:
        return
    for first, last in batches(topic_for(entry.coverage_id), entry_id=entry_pk):
        enqueue(send_entry_batch, entry_pk, first, last, key=f"push-entry:{entry_pk}:{first}")


def entry_payload(entry):
    article = entry.coverage.article
    return {
        "title": article.headline,
        "body": cut(entry.title or entry.body_text),
        "url": settings.SITE_URL + entry.get_absolute_url(),
        "image": "",
        "tag": f"live-entry-{entry.pk}",
    }


@job("إرسال دفعة إشعارات تغطية مباشرة")
def send_entry_batch(entry_pk, first_pk, last_pk):
    entry = pushable_entries().select_related("coverage__article").filter(pk=entry_pk).first()
    if entry is None or not configured():
        return
    data = json.dumps(entry_payload(entry), ensure_ascii=False)
    send_range(topic_for(entry.coverage_id), {"entry_id": entry_pk}, first_pk, last_pk, data)


def entry_saved(sender, instance, raw=False, **kwargs):
    """post_save of LiveEntry: a key entry readers see now, never pushed, is pushed at once.
    A later save (an edit) pushes nothing, not even to newer subscribers."""
    if raw or not instance.is_key or not configured():
        return
    if (
        pushable_entries().filter(pk=instance.pk).exists()
        and not PushDelivery.objects.filter(entry_id=instance.pk).exists()
    ):
        want_entry(instance)


def scheduled_entries_due():
    """The clock's check (every EVENTS_TICK_SECONDS, beside Telegram's): key entries whose
    scheduled time has come in the last EVENTS_CATCH_UP_HOURS and that reached nobody yet,
    in a coverage someone follows."""
    if not configured():
        return
    since = timezone.now() - timedelta(hours=settings.EVENTS_CATCH_UP_HOURS)
    due = pushable_entries().filter(
        ~Exists(PushDelivery.objects.filter(entry=OuterRef("pk"))),
        published_at__gt=F("created_at"),
        published_at__gte=since,
    )
    for entry in due.order_by("pk")[:100]:
        if PushSubscription.objects.filter(topic=topic_for(entry.coverage_id)).exists():
            with transaction.atomic():
                want_entry(entry)
