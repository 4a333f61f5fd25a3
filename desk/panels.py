"""What each panel of the desk lists: one or two queries each, whatever the archive's size
(every list is sliced; counts are one COUNT). tests/test_desk.py pins the budgets."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from articles import workflow
from articles.models import Article
from articles.views import TOP_STORIES
from presence.models import Presence

Status = Article.Status

# What a desk row shows, and no more: the body and search text are most of a row's bytes.
ROW_FIELDS = (
    "headline",
    "status",
    "published_at",
    "expire_at",
    "updated_at",
    "review_note",
    "is_featured",
    "is_breaking",
    "breaking_until",
    "created_by_id",
    "section__name",
    "created_by__username",
    "created_by__first_name",
    "created_by__last_name",
)
REVIEW_SHOWN = 50
SCHEDULE_HOURS = 48
SCHEDULE_SHOWN = 100
BREAKING_SHOWN = 20
# The home page's lead story and its top stories (articles/views.py).
FEATURED_SHOWN = 1 + TOP_STORIES
RECENT_SHOWN = 20
EDITING_SHOWN = 50
MINE_SHOWN = 20
CALENDAR_SHOWN = 300


def rows():
    return Article.objects.select_related("section", "created_by").only(*ROW_FIELDS)


@dataclass
class Day:
    date: object
    articles: list = field(default_factory=list)


def by_local_day(articles):
    """[Day] in the order of `articles` (sorted by published_at), in the newsroom's zone."""
    days = []
    for article in articles:
        date = timezone.localtime(article.published_at).date()
        if not days or days[-1].date != date:
            days.append(Day(date))
        days[-1].articles.append(article)
    return days


def editor_panels(now=None):
    now = now or timezone.now()
    scheduled = (
        rows()
        .scheduled()
        .filter(published_at__lte=now + timedelta(hours=SCHEDULE_HOURS))
        .order_by("published_at", "pk")[:SCHEDULE_SHOWN]
    )
    return {
        "review_count": Article.objects.filter(status=Status.REVIEW).count(),
        # Oldest first: the last save is when it was sent (or re-sent) for review.
        "in_review": list(
            rows().filter(status=Status.REVIEW).order_by("updated_at", "pk")[:REVIEW_SHOWN]
        ),
        "schedule_days": by_local_day(scheduled),
        "schedule_hours": SCHEDULE_HOURS,
        "breaking": list(rows().breaking().order_by("-published_at", "-id")[:BREAKING_SHOWN]),
        # In the home page's order (articles/views.py: featured, newest first).
        "featured": list(
            rows()
            .published()
            .filter(is_featured=True)
            .order_by("-published_at", "-id")[:FEATURED_SHOWN]
        ),
        "recent": list(rows().published().order_by("-published_at", "-id")[:RECENT_SHOWN]),
        "editing": list(
            Presence.objects.active()
            .select_related("user", "article")
            .only(
                "opened_at",
                "article__headline",
                "user__username",
                "user__first_name",
                "user__last_name",
            )
            .order_by("-opened_at", "-pk")[:EDITING_SHOWN]
        ),
    }


def journalist_panels(user):
    """A journalist's own articles only: readable_by keeps anyone else's drafts out, and
    created_by (the project's "own") narrows it to theirs."""
    mine = workflow.readable_by(user, rows().filter(created_by=user))
    drafts = mine.filter(status=Status.DRAFT).order_by("-updated_at", "-pk")
    return {
        # Sent back with the editor's note: first, it is what they must act on.
        "returned": list(drafts.exclude(review_note="")[:MINE_SHOWN]),
        "drafts": list(drafts.filter(review_note="")[:MINE_SHOWN]),
        "in_review": list(
            mine.filter(status=Status.REVIEW).order_by("-updated_at", "-pk")[:MINE_SHOWN]
        ),
        "published": list(mine.published().order_by("-published_at", "-id")[:MINE_SHOWN]),
    }


def day_start(date):
    """Midnight of `date` in the newsroom's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(date, time.min))


def week_start(date):
    """The Saturday that starts `date`'s week (the working week of Syrian newsrooms)."""
    return date - timedelta(days=(date.weekday() - 5) % 7)


def calendar_articles(start, end):
    """Published and scheduled articles of [start, end), oldest first; one query, at most
    CALENDAR_SHOWN (+1 to know there were more)."""
    return list(
        rows()
        .filter(status=Status.PUBLISHED, published_at__gte=start, published_at__lt=end)
        .order_by("published_at", "pk")[: CALENDAR_SHOWN + 1]
    )
