"""manage.py import_wordpress EXPORT.xml [--uploads DIR] [--dry-run] [--no-images]"""

import json
import os
import resource
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from wpimport.importer import Importer
from wpimport.wxr import NotWXR


class Command(BaseCommand):
    help = (
        "يستورد ملف تصدير ووردبريس (WXR): التصنيفات أقساماً، والوسوم، والكتّاب، والمقالات "
        "وصورها، ويحفظ الروابط القديمة تحويلات 301. يمكن تشغيله مرة أخرى دون تكرار."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="ملف التصدير (Tools → Export → All content)")
        parser.add_argument(
            "--uploads", help="نسخة مجلد wp-content/uploads على القرص؛ تُقرأ الصور منه فقط"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="يعرض ما سيفعله دون أن يحفظ شيئاً"
        )
        parser.add_argument(
            "--no-images", action="store_true", help="لا يستورد الصور (أسرع لأرشيف كبير)"
        )
        parser.add_argument("--batch-size", type=int, default=500, help="مقالات في كل معاملة")
        parser.add_argument(
            "--category-map",
            help='ملف JSON يجمع تصنيفات في قسم: {"nicename": "اسم القسم", …}',
        )

    def handle(self, *args, **options):
        category_map = {}
        if options["category_map"]:
            try:
                with open(options["category_map"], encoding="utf-8") as handle:
                    category_map = json.load(handle)
                if not isinstance(category_map, dict):
                    raise ValueError("not an object")
            except (OSError, ValueError) as error:
                raise CommandError(
                    f"تعذّرت قراءة ملف ربط التصنيفات: يجب أن يكون كائن JSON. ({error})"
                ) from None
        try:
            open(options["export"], "rb").close()
        except OSError as error:
            raise CommandError(f"تعذّر فتح ملف التصدير. ({error})") from None
        if options["uploads"] and not os.path.isdir(options["uploads"]):
            raise CommandError(f"مجلد الصور غير موجود: {options['uploads']}")
        self.last_line = 0.0
        importer = Importer(
            options["export"],
            uploads=options["uploads"],
            dry_run=options["dry_run"],
            images=not options["no_images"],
            batch_size=max(1, options["batch_size"]),
            category_map=category_map,
            progress=self.show_progress,
        )
        try:
            report = importer.run()
        except NotWXR as error:
            raise CommandError(str(error)) from None
        self.print_report(report, options["dry_run"])

    def show_progress(self, done, total, started):
        now = time.monotonic()
        if done < total and now - self.last_line < 1:
            return
        self.last_line = now
        elapsed = now - started
        rate = done / elapsed if elapsed else 0
        left = (total - done) / rate if rate else 0
        width = 30
        filled = int(width * done / total) if total else width
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} مقال "
            f"· {rate:.0f}/ث · المتبقي {int(left // 60)}د {int(left % 60)}ث"
        )
        interactive = sys.stderr.isatty()
        self.stderr.write(("\r" if interactive else "") + line, ending="" if interactive else "\n")
        if interactive and done >= total:
            self.stderr.write("")

    def print_report(self, report, dry_run):
        out = self.stdout
        title = "تجربة دون حفظ (--dry-run): لم يُحفظ شيء" if dry_run else "انتهى الاستيراد"
        out.write(self.style.SUCCESS(title))
        out.write("الأعداد (counts):")
        for key, value in sorted(report.counts.items()):
            if value and not key.startswith(("block:", "unknown shortcode:")):
                out.write(f"  {key}: {value}")
        blocks = {k: v for k, v in report.counts.items() if k.startswith("block:")}
        if blocks:
            out.write("كتل غوتنبرغ أزيلت تعليقاتها (Gutenberg blocks):")
            for key, value in sorted(blocks.items()):
                out.write(f"  {key[6:]}: {value}")
        unknown = {k: v for k, v in report.counts.items() if k.startswith("unknown shortcode:")}
        if unknown:
            out.write(
                self.style.WARNING(
                    "أكواد قصيرة غير معروفة أزيلت وبقي محتواها (unknown shortcodes):"
                )
            )
            for key, value in sorted(unknown.items()):
                out.write(f"  [{key.split(':', 1)[1]}]: {value}")
        if report.skipped_total:
            out.write(self.style.WARNING(f"ما لم يُستورد ولماذا ({report.skipped_total}):"))
            for what, reason in report.skipped:
                out.write(f"  - {what}: {reason}")
            if report.skipped_total > len(report.skipped):
                out.write(f"  … و{report.skipped_total - len(report.skipped)} غيرها")
        if report.missing_files:
            out.write(
                self.style.WARNING(
                    f"ملفات صور غير موجودة ({report.counts['missing image files']}):"
                )
            )
            for path in report.missing_files:
                out.write(f"  - {path}")
        for note in report.notes[:200]:
            out.write(f"  ملاحظة: {note}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out.write(f"الذاكرة القصوى (peak RSS): {peak // 1024} MB")
