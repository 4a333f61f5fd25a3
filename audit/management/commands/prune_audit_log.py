from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent, pruning


class Command(BaseCommand):
    help = (
        "Deletes audit rows older than AUDIT_RETENTION_DAYS (NEWSROOM_AUDIT_RETENTION_DAYS, "
        "default 730): the only way audit rows are ever deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be 1 or more")
        cutoff = timezone.now() - timedelta(days=days)
        token = pruning.set(True)
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # Lifts the trigger of audit/migrations/0002 for this transaction only.
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT set_config('newsroom.audit_prune', 'on', true)")
                deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        finally:
            pruning.reset(token)
        self.stdout.write(f"{deleted} audit rows older than {days} days deleted.")
