"""Querysets compiled once (newsroom/compiled_queries.py): the same objects as the ORM gives,
the visibility rule still read from the database clock on every run, and bad values or
lookups refused the way the ORM would refuse them."""

from datetime import timedelta

import pytest
from django.db.models import Model
from django.utils import timezone

from articles.models import Article, Correction
from articles.views import PAGE_ROWS
from newsroom.compiled_queries import Compiled

BEYOND_BIGINT = 2**70


def values_of(obj):
    """Every loaded value of a model instance, its select_related objects' too."""
    loaded = {
        name: value
        for name, value in vars(obj).items()
        if name != "_state" and not isinstance(value, Model)
    }
    related = {
        name: values_of(value)
        for name, value in obj._state.fields_cache.items()
        if value is not None
    }
    return loaded, related, obj.get_deferred_fields()


def test_a_compiled_article_row_is_what_the_orm_gives(make_article, make_image, editor, journalist):
    article = make_article(
        tags=["الحسكة", "سجن غويران"], authors=[journalist, editor], lead_image=make_image()
    )
    Correction.objects.create(article=article, text="صُحّح عدد الفارين.")
    make_article(tags=["الحسكة"])  # another row the lookup must not return

    compiled = Compiled(PAGE_ROWS, "pk")(article.pk)

    assert len(compiled) == 1
    expected = PAGE_ROWS.get(pk=article.pk)
    assert values_of(compiled[0]) == values_of(expected)
    assert compiled[0].section.name == "الشأن السوري"
    assert compiled[0].lead_image.file.name == article.lead_image.file.name
    assert sorted(row[1] for row in compiled[0].author_rows) == ["editor", "journalist"]
    assert sorted(row[0] for row in compiled[0].tag_rows) == ["الحسكة", "سجن غويران"]
    assert compiled[0].has_corrections is True
    assert "search_body" in compiled[0].get_deferred_fields()


def test_a_compiled_in_lookup_keeps_the_querysets_order_and_drops_what_cannot_match(
    make_article, django_assert_num_queries
):
    newest, middle, oldest = (make_article() for _ in range(3))
    newest_first = Article.objects.order_by("-published_at")
    cards = Compiled(newest_first, "pk__in")

    ids = [oldest.pk, newest.pk, oldest.pk, BEYOND_BIGINT, -BEYOND_BIGINT, middle.pk]
    assert cards(ids) == [newest, middle, oldest]
    # Another count of values compiles again; it is not the first plan with a slot unused.
    assert cards([middle.pk]) == [middle]
    with django_assert_num_queries(0):
        assert cards([]) == []
        assert cards([BEYOND_BIGINT]) == []


def test_an_id_beyond_the_database_integer_range_is_a_404_not_a_500(client, make_article):
    make_article()
    assert client.get(f"/articles/{BEYOND_BIGINT}/").status_code == 404
    assert client.get(f"/articles/{BEYOND_BIGINT}/x/").status_code == 404


def test_a_compiled_query_reads_the_database_clock_on_every_run(make_article, db_clock):
    go_live = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    scheduled = make_article(published_at=go_live)
    public = Compiled(Article.objects.published(), "pk")

    db_clock(go_live - timedelta(seconds=1))
    assert public(scheduled.pk) == []
    db_clock(go_live)
    assert public(scheduled.pk) == [scheduled]
    assert len(public.plans) == 1  # one compiled SQL served both instants


def test_a_lookup_whose_value_does_not_reach_the_sql_unchanged_is_refused(make_article):
    article = make_article()
    with pytest.raises(ValueError, match="pk__startswith"):
        Compiled(Article.objects.all(), "pk__startswith")(article.pk)


def test_a_lookup_on_a_32_bit_integer_column_compiles(make_article):
    """Probe values must fall within the column's range: one outside compiles to no SQL."""
    article = make_article()
    Article.objects.filter(pk=article.pk).update(version=7)
    by_version = Compiled(Article.objects.order_by(), "version")
    assert by_version(7) == [article]
    assert by_version(-1) == []  # below a positive column's range: matches nothing


def test_a_lookup_on_a_column_that_is_not_an_integer_is_refused(db):
    with pytest.raises(TypeError, match="headline"):
        Compiled(Article.objects.all(), "headline")
