"""The heartbeat's rules: who may be present on an article, who may see who is, and what
their banner says. Views call these; presence.js only shows what they return."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.timesince import timesince

from articles import workflow

from .models import Presence

# An id past 64 bits names no row, and SQLite cannot even bind it (a 500 otherwise).
MAX_ID = 2**63 - 1

FORBIDDEN = "لا يمكنك رؤية من يحرر هذا المقال: ليس من المقالات التي يحق لك فتحها."
NOT_FOUND = "لم نجد هذا المقال؛ ربما حُذف."
TAKE_OVER_FORBIDDEN = "تولّي التحرير للمحررين وحدهم، على مقال يحق لهم تعديله."


def since_text(moment, now):
    """«لحظات» under a minute, else Django's Arabic «3 دقائق» (largest unit only)."""
    if (now - moment).total_seconds() < 60:
        return "لحظات"
    return timesince(moment, now, depth=1)


def record(article, user, now=None):
    """This person has the article's form open now. Forgets the article's expired rows
    first, so a person coming back after a dead tab starts a new «منذ»."""
    now = now or timezone.now()
    Presence.objects.expired().filter(article=article).delete()
    if Presence.objects.filter(article=article, user=user).update(seen_at=now):
        return
    try:
        with transaction.atomic():
            Presence.objects.create(article=article, user=user, opened_at=now, seen_at=now)
    except IntegrityError:
        # Another tab of the same person created the row a moment ago: it is fresh.
        pass


def leave(article_id, user):
    Presence.objects.filter(article_id=article_id, user=user).delete()


def take_over(article, user, now=None):
    """An editor takes the article over from everyone else who has it open. Their banners
    say so; the version lock still decides whose save wins."""
    if not (workflow.can_publish(user) and workflow.can_edit(user, article)):
        workflow.deny(user, "take_over", article)
    record(article, user, now)
    Presence.objects.active().filter(article=article).exclude(user=user).update(
        taken_over_by=user, taken_over_at=now or timezone.now()
    )


def status(article, user, now=None):
    """What `user`'s banner shows for `article`: everyone else who has it open, and whether
    an editor took it over from them. One query."""
    now = now or timezone.now()
    rows = list(
        Presence.objects.active()
        .filter(article=article)
        .select_related("user", "taken_over_by")
        .order_by("opened_at", "pk")
    )
    mine = next((row for row in rows if row.user_id == user.pk), None)
    others = [row for row in rows if row.user_id != user.pk]
    taken_over = None
    if mine is not None and mine.taken_over_by_id is not None:
        taken_over = {
            "name": workflow.display_name(mine.taken_over_by),
            "text": (
                f"تولّى {workflow.display_name(mine.taken_over_by)} تحرير هذا المقال منذ "
                f"{since_text(mine.taken_over_at, now)}. إن حفظ قبلك فسيُرفض حفظك، "
                "ويبقى نصّك في النموذج لتنسخه."
            ),
        }
    can_take_over = workflow.can_publish(user) and workflow.can_edit(user, article)
    return {
        "others": [
            {
                "name": workflow.display_name(row.user),
                "since": since_text(row.opened_at, now),
                "taken_over_by_me": row.taken_over_by_id == user.pk,
            }
            for row in others
        ],
        "text": (
            "تحرره الآن: "
            + "، ".join(
                f"{workflow.display_name(row.user)} منذ {since_text(row.opened_at, now)}"
                for row in others
            )
            if others
            else ""
        ),
        "taken_over": taken_over,
        "can_take_over": bool(
            can_take_over and any(row.taken_over_by_id != user.pk for row in others)
        ),
        "next_in": settings.PRESENCE_HEARTBEAT_SECONDS,
    }
