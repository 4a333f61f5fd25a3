from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article

from .dom import parse_html


def visible_ids():
    return set(Article.objects.published().values_list("pk", flat=True))


def test_published_article_in_the_past_is_visible(make_article):
    article = make_article()
    assert visible_ids() == {article.pk}


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.UNPUBLISHED]
)
def test_article_not_in_published_state_is_hidden(make_article, status):
    make_article(status=status)
    assert visible_ids() == set()


def test_published_article_without_a_time_is_hidden(make_article):
    make_article(published_at=None)
    assert visible_ids() == set()


def test_expired_article_is_hidden(make_article):
    make_article(expire_at=timezone.now() - timedelta(seconds=1))
    still = make_article(expire_at=timezone.now() + timedelta(hours=1))
    assert visible_ids() == {still.pk}


def test_scheduled_article_appears_by_itself_when_its_time_comes(client, make_article, db_clock):
    """No job runs: the database compares published_at with its own clock on every query."""
    go_live = timezone.now().replace(microsecond=0) + timedelta(days=1)
    article = make_article(published_at=go_live)
    db_clock(go_live - timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.headline not in client.get("/").content.decode()
    db_clock(go_live)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.headline in client.get("/").content.decode()
    db_clock(go_live + timedelta(seconds=1))
    assert article.pk in visible_ids()


def test_queryset_built_before_the_schedule_passes_still_sees_it(make_article):
    """A queryset defined once (as at import time) must not freeze 'now'."""
    qs = Article.objects.published()
    article = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert article.pk not in set(qs.values_list("pk", flat=True))
    Article.objects.filter(pk=article.pk).update(published_at=timezone.now() - timedelta(0, 1))
    assert article.pk in set(qs.all().values_list("pk", flat=True))


# One rule, read three ways: a filter, a column, and an instance in memory ----------------


@pytest.fixture
def every_case(make_article, db_clock):
    """An article in each state that a visibility or schedule rule could get wrong, with the
    database's clock and Python's frozen at the same instant."""
    now = timezone.now().replace(microsecond=0)
    db_clock(now)
    minute = timedelta(minutes=1)
    Status = Article.Status
    return {
        "scheduled": make_article(published_at=now + minute),
        "scheduled, expiring later": make_article(
            published_at=now + minute, expire_at=now + 2 * minute
        ),
        "due this instant": make_article(published_at=now),
        "live": make_article(published_at=now - minute),
        "expired": make_article(published_at=now - 2 * minute, expire_at=now - minute),
        "published without a time": make_article(published_at=None),
        "draft with a future time": make_article(status=Status.DRAFT, published_at=now + minute),
        "in review with a future time": make_article(
            status=Status.REVIEW, published_at=now + minute
        ),
        "unpublished with a future time": make_article(
            status=Status.UNPUBLISHED, published_at=now + minute
        ),
        "draft without a time": make_article(status=Status.DRAFT, published_at=None),
    }


def test_scheduled_is_one_rule_for_queries_columns_and_instances(every_case):
    scheduled = set(Article.objects.scheduled().values_list("pk", flat=True))
    names = {article.pk: name for name, article in every_case.items()}
    assert {names[pk] for pk in scheduled} == {"scheduled", "scheduled, expiring later"}
    due = dict(Article.objects.with_is_due().values_list("pk", "is_due"))
    for name, article in every_case.items():
        fresh = Article.objects.get(pk=article.pk)
        assert due[article.pk] is (article.pk in scheduled), name
        assert fresh.is_scheduled is (article.pk in scheduled), name


def test_is_live_column_is_the_visibility_rule_and_never_null(every_case):
    live = dict(Article.objects.with_is_live().values_list("pk", "is_live"))
    assert {pk for pk, is_live in live.items() if is_live} == visible_ids()
    assert set(live.values()) == {True, False}
    names = {a.pk: name for name, a in every_case.items()}
    assert {names[pk] for pk in visible_ids()} == {"due this instant", "live"}


def test_admin_list_says_scheduled_for_exactly_the_scheduled_articles(every_case, client):
    admin = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw-123456")
    client.force_login(admin)
    doc = parse_html(client.get("/admin/articles/article/").content)
    shown = {
        row.find("th", cls="field-headline").clean_text: (
            row.find("td", cls="field-state").clean_text.split(":")[0]
        )
        for row in doc.find("table", id="result_list").find_all("tr")
        if row.find_all("td", cls="field-state")
    }
    live = visible_ids()
    labels = {
        Article.Status.DRAFT: "مسودة",
        Article.Status.REVIEW: "قيد المراجعة",
        Article.Status.UNPUBLISHED: "سُحب من النشر",
    }
    want = {
        article.headline: "مجدول"
        if name.startswith("scheduled")
        else labels.get(article.status, "منشور" if article.pk in live else "منشور، غير ظاهر")
        for name, article in every_case.items()
    }
    assert shown == want
