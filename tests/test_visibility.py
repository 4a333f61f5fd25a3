from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article


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
