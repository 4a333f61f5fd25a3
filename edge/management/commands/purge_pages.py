"""After deploying a version that renders pages differently (templates, static files): every
stored page, in the page cache and at the edge, is forgotten at once."""

from django.core.management.base import BaseCommand

from edge.purge import send
from edge.purgers import purger
from pagecache.generation import ALL_KEY, bump_generation


class Command(BaseCommand):
    help = "ينسى كل الصفحات المحفوظة (ذاكرة الصفحات والحافة) بعد نشر إصدار جديد من الموقع"

    def handle(self, *args, **options):
        bump_generation()
        send({ALL_KEY})  # the page cache by key, and the edge: every keyed page carries it
        edge = purger().name
        where = "ذاكرة الصفحات" if edge == "none" else f"ذاكرة الصفحات والحافة ({edge})"
        self.stdout.write(f"نُسيت كل الصفحات المحفوظة في {where}.")
