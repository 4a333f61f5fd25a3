from django.apps import AppConfig


class MostReadConfig(AppConfig):
    name = "mostread"
    verbose_name = "الأكثر قراءة"

    def ready(self):
        from django.conf import settings

        from jobs import clock

        from . import counting, ranking

        # Each worker's clock (jobs/clock.py): move Redis counts into the database (Redis
        # only), recompute the ranking and purge the pages showing it when it changed, and
        # forget hours nobody reads any more. Each is guarded by a lock in the cache or is
        # harmless when several workers run it.
        if settings.MOSTREAD_REDIS_URL:
            clock.every(settings.MOSTREAD_FLUSH_SECONDS)(counting.flush)
        clock.every(60)(ranking.refresh_if_stale)
        clock.every(3600)(counting.prune)
