import time

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article, search_fields
from articles.search import index_articles, prune_index

BATCH = 500


def rebuild(model, using="default", batch=BATCH, progress=None):
    """Recompute every article's search fields (and on SQLite its FTS5 row), in batches of
    `batch` ordered by id. Each batch commits on its own, so an interrupted run keeps what it
    did and a second run simply does it again: the result depends only on the articles."""
    queryset = model.objects.using(using).order_by("pk")
    total, done, last_pk = queryset.count(), 0, 0
    fields = ["headline", "kicker", "summary", "body", "search_title", "search_body"]
    while True:
        articles = list(queryset.filter(pk__gt=last_pk).only("pk", *fields)[:batch])
        if not articles:
            break
        for article in articles:
            article.search_title, article.search_body = search_fields(article)
        with transaction.atomic(using=using):
            model.objects.using(using).bulk_update(articles, ["search_title", "search_body"])
            index_articles(articles, using)
        done, last_pk = done + len(articles), articles[-1].pk
        if progress:
            progress(done, total)
    return done, prune_index(using)


class Command(BaseCommand):
    help = (
        "Recomputes the search fields of every article (and SQLite's FTS5 index). "
        "Shows progress; safe to interrupt and to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="articles per transaction")

    def handle(self, *args, batch, **options):
        started = time.monotonic()

        def progress(done, total):
            elapsed = time.monotonic() - started
            left = elapsed / done * (total - done) if done else 0
            self.stdout.write(f"  {done}/{total} articles, about {left:.0f}s left")

        try:
            done, pruned = rebuild(Article, batch=max(1, batch), progress=progress)
        except KeyboardInterrupt:
            self.stdout.write(
                self.style.WARNING(
                    "rebuild_search: interrupted; finished batches are kept, run again"
                )
            )
            raise SystemExit(130) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"rebuild_search: {done} articles indexed, {pruned} stale index rows removed "
                f"in {time.monotonic() - started:.1f}s"
            )
        )
