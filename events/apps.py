from django.apps import AppConfig
from django.conf import settings


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "أحداث النشر"

    def ready(self):
        from jobs import clock

        from . import sweep

        clock.every(settings.EVENTS_TICK_SECONDS)(sweep.sweep)
