"""When an article (or a live story's key entry) reaches the Telegram channels, and how it
gets there once.

- `want(article)`: the article should be in the channels (it went live with «نشر على
  تيليغرام» ticked): a TelegramPost row per channel, then the `sync` job. `want_entry`
  is the same for a key entry.
- `sync(article_pk)`: the job. It brings each of the article's posts in line with the
  article: sends what is pending (the article live), edits the caption when the headline or
  summary changed, deletes the message when the article was retracted. `sync_entry` is the
  same for an entry; both read their owner through a `Source`.

Exactly once: the row is claimed (state "sending", attempted_at) in its own committed write
before the request leaves, and the message id is stored when Telegram answers. A run that
finds a claim with no message id does not send again: the Bot API cannot list a channel's
messages, so nothing can check whether the lost answer's message exists. The post is then
"unconfirmed" for editors to check in the channel (admin action «أعد الإرسال»). Definite
failures (Telegram said no, or was never reached) put the row back to "pending" and the job
retries with backoff; a 429 waits the retry_after it was given.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from jobs.queue import RetryLater, enqueue, job
from live.models import LiveEntry

from . import captions, telegram
from .models import TelegramPost

State = TelegramPost.State


def want(article):
    """Post `article` to every configured channel it is not in yet."""
    if telegram.configured():
        rows_for(article=article)
        schedule(article.pk)


def rows_for(**owner):
    """A pending row per channel for `owner` (article= or entry=), unless it has one. One
    withdrawn (its message deleted) and now public again is posted again."""
    for channel in settings.TELEGRAM_CHANNELS:
        TelegramPost.objects.get_or_create(channel=channel, **owner)
    TelegramPost.objects.filter(state=State.DELETED, **owner).update(
        state=State.PENDING, message_id=None, caption="", attempted_at=None, sent_at=None
    )


def schedule(article_pk):
    enqueue(sync, article_pk, key=f"telegram:{article_pk}")


def link(article):
    """The short address (/articles/<id>/, which redirects to the slugged one): ASCII, so
    left to right on its own line, and a few characters of the caption, not hundreds of an
    encoded Arabic slug."""
    return settings.SITE_URL + reverse("article_noslug", args=[article.pk])


def caption_for(article, limit=captions.CAPTION_LIMIT):
    return captions.compose(article.headline, article.summary, link(article), limit)


def social_photo(article):
    """The lead image's social rendition (1200×630 JPEG) as bytes, or None."""
    image = article.lead_image
    social = (image.renditions or {}).get("social") if image else None
    if not social:
        return None
    with storages["default"].open(social[0], "rb") as file:
        return file.read()


@dataclass
class Source:
    """What a post is of (an article, a live story's key entry), as sync needs it."""

    gone: bool  # withdrawn or deleted: its messages leave the channels
    live: bool  # readers see it now
    wanted: bool  # still ticked
    text: Callable = None  # text(limit) -> the caption or message
    photo: Callable = None  # photo() -> JPEG bytes or None


def article_source(pk):
    article = Article.objects.select_related("lead_image").filter(pk=pk).first()
    if article is None:
        return Source(gone=True, live=False, wanted=False)
    return Source(
        gone=article.status != Article.Status.PUBLISHED,
        live=Article.objects.published().filter(pk=pk).exists(),
        wanted=article.post_to_telegram,
        text=lambda limit: caption_for(article, limit),
        photo=lambda: social_photo(article),
    )


def entry_source(pk):
    entry = LiveEntry.objects.select_related("coverage__article").filter(pk=pk).first()
    if entry is None:
        return Source(gone=True, live=False, wanted=False)
    article = entry.coverage.article
    address = f"{link(article)}#{entry.anchor}"
    return Source(
        gone=entry.status != LiveEntry.Status.PUBLISHED,
        live=LiveEntry.objects.public().filter(pk=pk).exists(),
        wanted=entry.is_key and entry.coverage.post_key_entries_to_telegram,
        text=lambda limit: captions.compose(
            entry.title or article.headline, entry.body_text, address, limit
        ),
        photo=lambda: None,
    )


@job("النشر على تيليغرام")
def sync(article_pk):
    sync_posts(TelegramPost.objects.filter(article_id=article_pk), article_source(article_pk))


@job("نشر تحديث مباشر على تيليغرام")
def sync_entry(entry_pk):
    sync_posts(TelegramPost.objects.filter(entry_id=entry_pk), entry_source(entry_pk))


def sync_posts(posts, source):
    failures = []
    for post in posts.exclude(state=State.DELETED):
        try:
            if source.gone:
                retract(post)
            elif post.state == State.PENDING and not source.wanted:
                post.delete()  # unticked before it was sent (while waiting out a 429)
            elif post.state == State.PENDING and source.live:
                send(post, source)
            elif post.state == State.SENDING:
                reconcile(post)
            elif post.state == State.SENT:
                edit(post, source)
        except telegram.Error as error:
            post.error, post.error_at = error.description, timezone.now()
            post.save(update_fields=["error", "error_at"])
            failures.append(error)
    if failures:
        waits = [error.retry_after for error in failures if error.retry_after]
        if waits:
            raise RetryLater(max(waits), failures[0].description)
        raise failures[0]


def send(post, source):
    claimed = TelegramPost.objects.filter(pk=post.pk, state=State.PENDING).update(
        state=State.SENDING, attempted_at=timezone.now()
    )
    if not claimed:
        return  # another run has it
    photo = source.photo()
    text = source.text(captions.CAPTION_LIMIT if photo else captions.TEXT_LIMIT)
    try:
        if photo:
            message = telegram.call(
                "sendPhoto",
                {"chat_id": post.channel, "caption": text},
                files={"photo": ("social.jpg", photo, "image/jpeg")},
            )
        else:
            message = telegram.call("sendMessage", {"chat_id": post.channel, "text": text})
    except telegram.Unconfirmed as error:
        # Maybe in the channel: never sent again by a machine (see the module's docstring).
        post.state, post.error, post.error_at = State.UNCONFIRMED, error.description, timezone.now()
        post.save(update_fields=["state", "error", "error_at"])
        return
    except telegram.Error:
        post.state = State.PENDING
        post.save(update_fields=["state"])
        raise
    post.state, post.message_id, post.as_photo = State.SENT, message["message_id"], bool(photo)
    post.caption, post.sent_at, post.error = text, timezone.now(), ""
    post.save(update_fields=["state", "message_id", "as_photo", "caption", "sent_at", "error"])


def reconcile(post):
    """A claim with no message id. Recent: a run is sending it now, leave it. Older than a
    call can last: that run ended without an answer (a crash, a killed worker), and the
    message may be in the channel: unconfirmed, for an editor to check."""
    in_flight = timedelta(seconds=settings.TELEGRAM_TIMEOUT_SECONDS * 2)
    TelegramPost.objects.filter(
        pk=post.pk, state=State.SENDING, attempted_at__lt=timezone.now() - in_flight
    ).update(
        state=State.UNCONFIRMED,
        error="انقطعت محاولة الإرسال قبل أن يصل رد تيليغرام.",
        error_at=timezone.now(),
    )


def edit(post, source):
    text = source.text(captions.CAPTION_LIMIT if post.as_photo else captions.TEXT_LIMIT)
    if text == post.caption:
        return
    if post.as_photo:
        fields = {"chat_id": post.channel, "message_id": post.message_id, "caption": text}
        method = "editMessageCaption"
    else:
        fields = {"chat_id": post.channel, "message_id": post.message_id, "text": text}
        method = "editMessageText"
    try:
        telegram.call(method, fields)
    except telegram.Refused as error:
        if "not modified" not in error.description:
            raise
    post.caption, post.error = text, ""
    post.save(update_fields=["caption", "error"])


def retract(post):
    """The article left the site: its message leaves the channel. A pending post is
    dropped; an unconfirmed one stays listed, since only a person can find it."""
    if post.message_id is None:
        if post.state == State.PENDING:
            post.delete()
        return
    try:
        telegram.call("deleteMessage", {"chat_id": post.channel, "message_id": post.message_id})
    except telegram.Refused as error:
        if "not found" not in error.description:
            raise
    post.state, post.error = State.DELETED, ""
    post.save(update_fields=["state", "error"])


@job("حذف رسالة تيليغرام لمقال محذوف")
def delete_posted(post_pk):
    post = TelegramPost.objects.filter(pk=post_pk).first()
    if post is not None and post.state == State.SENT:
        retract(post)


# Receivers (connected in apps.py) -----------------------------------------------------


def went_live(sender, article, at, **kwargs):
    """articles.signals.article_went_live: at its time, or just published, with no save."""
    if article.post_to_telegram:
        want(article)


def form_saved(sender, article, user, request, **kwargs):
    """articles.signals.form_saved: an editor published now, or ticked the box on an
    article already live: post at once rather than at the next tick of the events clock."""
    if article.post_to_telegram and Article.objects.published().filter(pk=article.pk).exists():
        want(article)


def article_saved(sender, instance, raw=False, **kwargs):
    """post_save of Article, on every path (the form, bulk actions, restore, proposals): a
    posted article's message follows its headline, summary and status."""
    if (
        not raw
        and TelegramPost.objects.filter(article=instance)
        .exclude(state__in=[State.DELETED, State.PENDING])
        .exists()
    ):
        schedule(instance.pk)


def article_deleted(sender, instance, **kwargs):
    """pre_delete of Article: what was never sent is forgotten; a message in the channel is
    deleted by a job, and its row kept (the article's link is set to null)."""
    posts = TelegramPost.objects.filter(article=instance)
    posts.filter(state=State.PENDING).delete()
    for pk in posts.filter(state=State.SENT).values_list("pk", flat=True):
        enqueue(delete_posted, pk)


# Live stories' key entries ---------------------------------------------------------------


def want_entry(entry):
    if telegram.configured():
        rows_for(entry=entry)
        enqueue(sync_entry, entry.pk, key=f"telegram-entry:{entry.pk}")


def entry_saved(sender, instance, raw=False, **kwargs):
    """post_save of LiveEntry: a key entry readers see now is posted (if its coverage says
    so); a posted one's message follows its text and status."""
    if raw:
        return
    wanted = instance.is_key and instance.coverage.post_key_entries_to_telegram
    if wanted and LiveEntry.objects.public().filter(pk=instance.pk).exists():
        want_entry(instance)
    elif instance.telegram_posts.exclude(state=State.DELETED).exists():
        enqueue(sync_entry, instance.pk, key=f"telegram-entry:{instance.pk}")


def scheduled_entries_due():
    """The clock's check (every EVENTS_TICK_SECONDS): key entries scheduled for a time that
    has come (published_at after they were written), in the last EVENTS_CATCH_UP_HOURS, not
    posted yet. Entries published at once are posted from their save."""
    if not telegram.configured():
        return
    since = timezone.now() - timedelta(hours=settings.EVENTS_CATCH_UP_HOURS)
    due = LiveEntry.objects.public().filter(
        is_key=True,
        coverage__post_key_entries_to_telegram=True,
        published_at__gt=F("created_at"),
        published_at__gte=since,
        telegram_posts__isnull=True,
    )
    for entry in due.order_by("pk")[:100]:
        with transaction.atomic():
            want_entry(entry)
