from django.core.management.base import BaseCommand

from mostread.counting import prune


class Command(BaseCommand):
    help = "Delete hourly reading counts older than MOSTREAD_KEEP_HOURS (workers do it hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {prune()} hourly rows")
