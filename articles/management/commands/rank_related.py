import argparse
import time

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.related import remember_related
from pagecache.generation import bump_generation

BATCH = 500


def count(text):
    """A whole number of articles, 0 or more; anything else is refused with a clear message."""
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"not a whole number of articles: {text!r}")
    return int(text)


class Command(BaseCommand):
    help = (
        "Ranks and stores the «مقالات ذات صلة» list of articles that have none (saved before "
        "lists were remembered, or bulk-loaded), newest first; --all ranks every article "
        "again. Pages rank such articles live meanwhile. Safe to interrupt and to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="rank every article again")
        parser.add_argument("--limit", type=count, help="stop after this many articles")
        parser.add_argument(
            "--newest", type=count, help="only among the newest N articles (run again: none left)"
        )

    def handle(self, *args, all, limit, newest, **options):
        started = time.monotonic()
        articles = Article.objects.order_by("-published_at", "-id")
        if newest is not None:
            articles = articles.filter(pk__in=articles.values("pk")[:newest])
        if not all:
            articles = articles.filter(suggested_ids__isnull=True)
        ids = list(articles.values_list("pk", flat=True)[:limit])
        changed = 0
        for start in range(0, len(ids), BATCH):
            # Neighbours are not ranked again: a bulk run reaches them in turn.
            changed += remember_related(ids[start : start + BATCH], neighbours=False)
            done = min(start + BATCH, len(ids))
            left = (time.monotonic() - started) / done * (len(ids) - done)
            self.stdout.write(f"  {done}/{len(ids)} articles, about {left:.0f}s left")
        if changed:
            bump_generation()
        self.stdout.write(
            self.style.SUCCESS(
                f"rank_related: {len(ids)} articles ranked in {time.monotonic() - started:.1f}s"
            )
        )
