import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


def image_path(instance, filename):
    """A generated name: no part of what the uploader called the file reaches the disk."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    if ext not in {"jpg", "png", "webp", "gif"}:
        ext = "jpg"
    return timezone.now().strftime(f"images/%Y/%m/{uuid.uuid4().hex}.{ext}")


class Image(models.Model):
    file = models.ImageField(
        "الملف", upload_to=image_path, width_field="width", height_field="height"
    )
    title = models.CharField(
        "العنوان",
        max_length=255,
        help_text="اسم يساعدك على إيجاد الصورة في المكتبة؛ لا يظهر للقراء.",
    )
    alt_text = models.CharField(
        "النص البديل",
        max_length=255,
        help_text="صف ما في الصورة لمن لا يراها (قارئات الشاشة ومحركات البحث). إلزامي.",
    )
    caption = models.CharField(
        "التعليق", max_length=500, blank=True, help_text="يظهر تحت الصورة في المقال."
    )
    credit = models.CharField(
        "المصدر / المصوّر", max_length=255, blank=True, help_text="مثال: ستيب الإخبارية / أحمد."
    )
    width = models.PositiveIntegerField("العرض", editable=False, default=0)
    height = models.PositiveIntegerField("الارتفاع", editable=False, default=0)
    focal_x = models.FloatField(
        "النقطة المحورية أفقياً",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="من 0 (يسار الصورة) إلى 1 (يمينها)؛ تبقى هذه النقطة ظاهرة عند القص.",
    )
    focal_y = models.FloatField(
        "النقطة المحورية عمودياً",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="من 0 (أعلى الصورة) إلى 1 (أسفلها).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="رفعها",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("تاريخ الرفع", auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "صورة"
        verbose_name_plural = "الصور"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.file and not self.width:
            self.width, self.height = self.file.width, self.file.height
        super().save(*args, **kwargs)
