from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jobs import clock


class Command(BaseCommand):
    help = (
        "Run one background worker for the configured queue (NEWSROOM_TASKS), with the clock "
        "that fires go-live, expiry and breaking-end events. Run as many as the load needs; "
        "Ctrl-C (SIGINT) or SIGTERM lets the running job finish, then stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls")
        parser.add_argument("--no-clock", action="store_true", help="jobs only, no periodic checks")

    def handle(self, *args, interval=0.5, no_clock=False, verbosity=1, **options):
        stop = None if no_clock else clock.start()
        try:
            if settings.TASKS_QUEUE == "database":
                call_command(
                    "db_worker",
                    queue_name="default",
                    interval=interval,
                    reload=False,
                    verbosity=verbosity,
                )
            elif settings.TASKS_QUEUE == "rq":
                call_command(
                    "rqworker",
                    "default",
                    job_class="django_tasks_rq.Job",
                    with_scheduler=True,
                    verbosity=verbosity,
                )
            else:
                raise CommandError(
                    f"NEWSROOM_TASKS={settings.TASKS_QUEUE} runs jobs where they are queued: "
                    "there is no worker to start."
                )
        finally:
            if stop is not None:
                stop.set()
