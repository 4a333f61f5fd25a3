"""Paginators that stay fast on a table of millions of rows."""

import hashlib

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from pagecache.generation import remember


class EstimatedCountPaginator(Paginator):
    """For the admin changelist: an unfiltered list of a big table is counted from
    PostgreSQL's statistics (pg_class.reltuples, refreshed by autovacuum/ANALYZE) instead of
    a full COUNT(*) per page view, and a filtered or searched one is counted up to
    `count_cap` rows (`capped` then tells the template to say so): a common word matched
    130,000 of a million articles and counting them took 0.8 s. Small tables and SQLite
    count exactly."""

    exact_below = 100_000
    count_cap = 10_000
    capped = False

    @cached_property
    def count(self):
        query = self.object_list.query
        connection = connections[self.object_list.db]
        if connection.vendor != "postgresql":
            return super().count
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [self.object_list.model._meta.db_table],
            )
            row = cursor.fetchone()
        if not row or row[0] < self.exact_below:
            return super().count
        if not query.where:
            return row[0]
        counted = self.object_list.order_by()[: self.count_cap].count()
        self.capped = counted >= self.count_cap
        return counted


class DeferredJoinPaginator(Paginator):
    """For public listings deep in a big archive: a page first reads only its ids (an
    index-only scan over article_section_live/article_live, skipped rows never touch the
    table), then fetches those rows with their joins. Page 200 costs about what page 1 does,
    for one more query. The count, which a big section pays for in full (an index-only
    scan of every row it has), is remembered under the page cache's generation."""

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):  # e.g. search results: plain paging
            return super().count
        sql, params = self.object_list.query.sql_with_params()
        digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        return remember(f"count:{digest}", self.object_list.count)

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)
