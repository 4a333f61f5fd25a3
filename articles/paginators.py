"""Paginators that stay fast on a table of millions of rows."""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


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


class ListingPage(Sequence):
    """A page of a public listing (section, tag, author) with no total: the page reads one
    id more than it shows, and that id says whether an older page exists. Counting a big
    section's public articles (an index-only scan of every row it has, about 80 ms at a
    million articles) was most of an uncached section page; readers move page by page, and
    the template says «صفحة ٣» without «من ٢٥٬٠٠٠».

    Two queries whatever the page: the ids first (`OFFSET` over an index holding every
    column the visibility rule reads is an index-only scan: skipped rows never touch the
    table), then those rows with the listing's joins. Past the last page it is empty."""

    paginator = None  # no total: templates leave out «من N»

    def __init__(self, object_list, number, has_next, per_page):
        self.object_list = object_list
        self.number = number
        self.per_page = per_page
        self.more = has_next

    @classmethod
    def read(cls, queryset, number, per_page):
        bottom = (number - 1) * per_page
        ids = list(queryset.values_list("pk", flat=True)[bottom : bottom + per_page + 1])
        shown = ids[:per_page]
        rows = {row.pk: row for row in queryset.filter(pk__in=shown)} if shown else {}
        return cls([rows[pk] for pk in shown if pk in rows], number, len(ids) > per_page, per_page)

    def __getitem__(self, index):
        return self.object_list[index]

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self.more

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def start_index(self):
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0
