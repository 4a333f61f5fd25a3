"""Live coverage («تغطية مباشرة»): an article with a stream of short, timed entries.

The article stays the visibility gate: an entry is public only while its article is public
(`Article.objects.published()`) and the entry itself is published and due
(`LiveEntry.objects.public()`, the one rule every public surface reads)."""

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField

from articles.body.editor import BODY_EXTENSIONS
from articles.body.sanitize import sanitize_body, validate_upload_dates
from articles.models import Article
from core.control_characters import strip_controls_from_fields
from core.date_range import validate_date_range, validate_dates

# An entry is a few paragraphs; the cap keeps a stray paste from becoming a form of 2 MB.
ENTRY_MAX_LENGTH = 50_000


class LiveCoverage(models.Model):
    class State(models.TextChoices):
        LIVE = "live", "مباشر"
        ENDED = "ended", "انتهت التغطية"

    article = models.OneToOneField(
        Article,
        verbose_name="المقال",
        on_delete=models.CASCADE,
        related_name="live_coverage",
        help_text="المقال الذي تُعرض التغطية في صفحته: عنوانه وملخصه وصورته وقسمه ووسومه.",
    )
    state = models.CharField(
        "الحالة", max_length=10, choices=State.choices, default=State.LIVE, db_index=True
    )
    started_at = models.DateTimeField(
        "بداية التغطية", default=timezone.now, validators=[validate_date_range]
    )
    ended_at = models.DateTimeField(
        "نهاية التغطية",
        null=True,
        blank=True,
        validators=[validate_date_range],
        help_text="يُملأ وحده عند إنهاء التغطية إن تُرك فارغاً.",
    )
    post_key_entries_to_telegram = models.BooleanField(
        "نشر الأحداث المهمة على تيليغرام",
        default=False,
        help_text="كل تحديث يُعلَّم «مهم» يُرسل نصّه ورابطه إلى قناة تيليغرام لحظة ظهوره للقراء.",
    )
    push_key_entries = models.BooleanField(
        "إشعار بالأحداث المهمة",
        default=False,
        help_text="يعرض في صفحة التغطية زر «تنبيهات هذه التغطية»، وكل تحديث يُعلَّم «مهم» يصل "
        "إشعاراً إلى المشتركين فيها لحظة ظهوره للقراء.",
    )

    class Meta:
        verbose_name = "تغطية مباشرة"
        verbose_name_plural = "التغطيات المباشرة"

    def __str__(self):
        return self.article.headline

    def save(self, *args, **kwargs):
        if self.state == self.State.ENDED and self.ended_at is None:
            self.ended_at = timezone.now()
        if self.state == self.State.LIVE:
            self.ended_at = None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    @property
    def is_live(self):
        return self.state == self.State.LIVE


class LiveEntryQuerySet(models.QuerySet):
    @staticmethod
    def public_q():
        """The one rule for entries: published, due by the database clock, and in a live
        story whose article readers can see (Article.objects.published())."""
        return Q(
            status=LiveEntry.Status.PUBLISHED,
            published_at__lte=Now(),
            coverage__article__in=Article.objects.published(),
        )

    def public(self):
        return self.filter(self.public_q())

    def stream(self):
        """Public entries as the page lists them: pinned first, then newest first."""
        return self.public().order_by("-is_pinned", "-published_at", "-id")

    def newest(self):
        return self.public().order_by("-published_at", "-id")


@reversion.register(fields=["title", "body", "is_key", "is_pinned", "status", "published_at"])
class LiveEntry(models.Model):
    class Status(models.TextChoices):
        REVIEW = "review", "بانتظار موافقة محرر"
        PUBLISHED = "published", "منشور"
        DRAFT = "draft", "مسودة"

    coverage = models.ForeignKey(
        LiveCoverage, verbose_name="التغطية", on_delete=models.CASCADE, related_name="entries"
    )
    title = models.CharField(
        "عنوان التحديث",
        max_length=200,
        blank=True,
        help_text="اختياري: سطر قصير فوق التحديث. اتركه فارغاً لتحديث سريع.",
    )
    body = ProseEditorField(
        "نص التحديث",
        extensions=BODY_EXTENSIONS,
        sanitize=sanitize_body,
        max_length=ENTRY_MAX_LENGTH,
        validators=[validate_upload_dates],
    )
    is_key = models.BooleanField(
        "مهم", default=False, help_text="حدث رئيسي: يظهر في قائمة «أبرز الأحداث» أعلى الصفحة."
    )
    is_pinned = models.BooleanField(
        "مثبّت", default=False, help_text="يبقى في أعلى التغطية فوق التحديثات الأحدث."
    )
    status = models.CharField(
        "الحالة",
        max_length=10,
        choices=Status.choices,
        default=Status.PUBLISHED,
        db_index=True,
    )
    published_at = models.DateTimeField(
        "وقت النشر",
        default=timezone.now,
        validators=[validate_date_range],
        help_text="بتوقيت غرفة الأخبار. وقت في المستقبل يعني أن التحديث مجدول ويظهر وحده.",
    )
    correction = models.TextField(
        "تصحيح",
        blank=True,
        help_text="إن عدّلت معلومة منشورة فاذكر هنا ما الذي صُحّح؛ تظهر للقراء تحت التحديث.",
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="الكتّاب", blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="أضافه",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("تاريخ الإنشاء", auto_now_add=True)
    updated_at = models.DateTimeField("آخر تعديل", auto_now=True)
    version = models.PositiveIntegerField("النسخة", default=1, editable=False)

    objects = LiveEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "تحديث مباشر"
        verbose_name_plural = "التحديثات المباشرة"
        indexes = [
            models.Index(
                fields=["coverage", "status", "-published_at", "-id"], name="liveentry_stream"
            ),
        ]

    def __str__(self):
        return self.title or " ".join(self.body_text.split()[:8])

    def save(self, *args, **kwargs):
        validate_dates(self)
        strip_controls_from_fields(self)
        self.body = self._meta.get_field("body").sanitize(self.body or "")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.coverage.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"entry-{self.pk}"

    @property
    def body_text(self):
        from articles.models import html_to_text

        return html_to_text(self.body)

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()
