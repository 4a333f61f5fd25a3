import time

from django.core.management.base import BaseCommand

from images import renditions
from images.models import Image, rebuild_library
from jobs.queue import enqueue


class Command(BaseCommand):
    help = (
        "Make the renditions of library images that lack them (all images with --all). "
        "Safe to interrupt and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="rebuild every image")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue it as one job for a worker; its progress shows in the admin's jobs list",
        )

    def handle(self, *args, all=False, background=False, **options):
        if background:
            job = enqueue(rebuild_library, all)
            self.stdout.write(f"Queued as job {job.pk}: watch it in the admin (المهام في الخلفية).")
            return
        pks = list(Image.objects.order_by("pk").values_list("pk", flat=True))
        started, built, skipped, failed = time.monotonic(), 0, 0, 0
        for done, pk in enumerate(pks, 1):
            image = Image.objects.filter(pk=pk).first()
            if image is None or not (all or renditions.missing(image)):
                skipped += 1
            else:
                try:
                    renditions.build(image)
                    built += 1
                except Exception as error:  # one bad file must not stop the rest
                    failed += 1
                    self.stderr.write(f"image {pk}: {error}")
            if done % 10 == 0 or done == len(pks):
                elapsed = time.monotonic() - started
                left = elapsed / done * (len(pks) - done)
                self.stdout.write(f"{done}/{len(pks)} images, about {left:.0f}s left")
        self.stdout.write(
            f"Renditions: {built} built, {skipped} already complete, {failed} failed "
            f"({time.monotonic() - started:.1f}s)."
        )
