from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "المهام في الخلفية"

    def ready(self):
        from . import clock, queue

        clock.every(30)(queue.resubmit_lost)
