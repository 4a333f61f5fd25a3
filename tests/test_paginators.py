"""Listings and the admin stay fast on a big archive (issue 7, "Budgets")."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.paginators import EstimatedCountPaginator, ListingPage


@pytest.fixture
def archive(make_section):
    section = make_section()
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            headline=f"خبر {n}",
            slug=f"archive-{n}",
            section=section,
            status=Article.Status.PUBLISHED if n % 7 else Article.Status.DRAFT,
            # Pairs share a time: the order must still be total (id breaks the tie).
            published_at=now - timedelta(minutes=n // 2),
        )
        for n in range(95)
    )
    return section.articles.published().for_listing()


def test_a_listing_page_holds_the_same_articles_in_the_same_order(archive):
    plain = Paginator(archive, 20)
    assert plain.num_pages == 5
    for number in plain.page_range:
        page, expected = ListingPage.read(archive, number, 20), plain.page(number)
        assert list(page) == list(expected)
        assert page.has_next() == expected.has_next()
        assert page.has_previous() == expected.has_previous()
        assert page.start_index() == expected.start_index()
    assert not ListingPage.read(archive, 6, 20)


def test_the_last_full_page_of_a_listing_has_no_next_page(archive):
    """81 public articles: page 4 of 27 is full and the last; page 4 of 20 is not."""
    assert len(ListingPage.read(archive, 3, 27)) == 27
    assert not ListingPage.read(archive, 3, 27).has_next()
    assert ListingPage.read(archive, 4, 20).has_next()
    assert not ListingPage.read(archive, 5, 20).has_next()


def test_a_listing_page_never_counts_and_keeps_the_joins(archive, django_assert_num_queries):
    with CaptureQueriesContext(connection) as queries:
        page = ListingPage.read(archive, 3, 20)
    assert len(queries) == 2
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    with django_assert_num_queries(0):
        assert all(article.section.name for article in page)


def test_the_admin_count_is_exact_for_small_tables_and_filtered_lists(archive):
    assert EstimatedCountPaginator(Article.objects.all(), 100).count == 95
    assert EstimatedCountPaginator(archive, 100).count == archive.count()


@pytest.mark.postgres
def test_a_big_unfiltered_admin_list_is_counted_from_statistics(archive):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    paginator = EstimatedCountPaginator(Article.objects.all(), 100)
    paginator.exact_below = 0
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 95
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


@pytest.mark.postgres
def test_the_admin_changelist_runs_no_full_count(client, archive, make_user, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 0)
    admin_user = make_user("chief", is_superuser=True)
    client.force_login(admin_user)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/articles/article/")
    assert response.status_code == 200
    full_counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper()
        and '"articles_article"' in q["sql"]
        and "WHERE" not in q["sql"]
    ]
    assert not full_counts


@pytest.mark.postgres
def test_a_big_searched_admin_list_is_counted_up_to_a_cap_and_says_so(
    client, archive, make_user, monkeypatch
):
    """A common word can match a large part of a million articles: the changelist counts at
    most `count_cap` of them and tells the editor to narrow the search."""
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 0)
    monkeypatch.setattr(EstimatedCountPaginator, "count_cap", 10)
    client.force_login(make_user("chief", is_superuser=True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    searched = client.get("/admin/articles/article/", {"status__exact": "published"})
    assert searched.context["cl"].result_count == 10
    assert "تُعرض أول 10 نتيجة فقط" in searched.content.decode()
    monkeypatch.setattr(EstimatedCountPaginator, "count_cap", 10_000)
    exact = client.get("/admin/articles/article/", {"status__exact": "published"})
    assert exact.context["cl"].result_count == Article.objects.filter(status="published").count()
    assert "تُعرض أول" not in exact.content.decode()
