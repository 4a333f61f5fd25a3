"""Turns the demo's newest public article into a live story with a few entries (run after
`load_demo`; running it again changes nothing)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles.models import Article
from live.models import LiveCoverage, LiveEntry

ENTRIES = [
    ("ما نعرفه حتى الآن", "<p>اشتباكات متواصلة في محيط سجن الصناعة لليوم الرابع.</p>", True, False),
    ("", "<p>سماع دوي انفجارات قرب البوابة الشمالية للسجن.</p>", False, True),
    ("", "<p>قوات قسد تعلن حظر تجوال في أحياء غويران والزهور.</p>", False, False),
    (
        "نزوح المدنيين",
        "<p>مئات العائلات تغادر الأحياء المجاورة باتجاه وسط المدينة.</p>",
        False,
        True,
    ),
]


class Command(BaseCommand):
    help = "يجعل أحدث مقال منشور في المحتوى التجريبي تغطية مباشرة ببضعة تحديثات."

    def handle(self, *args, **options):
        article = Article.objects.published().order_by("-published_at").first()
        if article is None:
            raise CommandError("لا مقال منشور: شغّل load_demo أولاً.")
        coverage, created = LiveCoverage.objects.get_or_create(article=article)
        if created:
            now = timezone.now()
            for n, (title, body, pinned, key) in enumerate(ENTRIES):
                LiveEntry.objects.create(
                    coverage=coverage,
                    title=title,
                    body=body,
                    is_pinned=pinned,
                    is_key=key,
                    published_at=now - timedelta(minutes=15 * (len(ENTRIES) - n)),
                )
        self.stdout.write(f"تغطية مباشرة: {article.headline}")
