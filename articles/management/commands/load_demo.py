import os
import time

from django.core.management.base import BaseCommand

from articles.demo import DemoLoader


class Command(BaseCommand):
    help = "Loads the demo newsroom: sections, 40 articles, images, accounts. Safe to re-run."

    def handle(self, *args, **options):
        started = time.monotonic()
        self.stdout.write("الحسابات التجريبية (اسم المستخدم: كلمة المرور):")
        loader = DemoLoader(password=os.environ.get("DEMO_PASSWORD"), stdout=self.stdout)
        seed = loader.run()
        self.stdout.write(
            self.style.SUCCESS(
                f"load_demo: {loader.counts['created']} articles created, "
                f"{loader.counts['updated']} updated in {time.monotonic() - started:.1f}s; "
                f"seed article at {seed.get_absolute_url()}"
            )
        )
