from django.db import models

from core.arabic import clean_name, unique_slug
from core.control_characters import strip_controls_from_fields
from core.routing import object_url


class Section(models.Model):
    name = models.CharField("الاسم", max_length=100, unique=True)
    slug = models.SlugField(
        "المعرّف في الرابط",
        max_length=120,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="يظهر في رابط القسم. اتركه فارغاً ليُولَّد من الاسم.",
    )
    description = models.TextField(
        "الوصف", blank=True, help_text="سطر أو سطران يظهران أعلى صفحة القسم."
    )
    position = models.PositiveSmallIntegerField(
        "الترتيب", default=0, help_text="الأقسام ذات الرقم الأصغر تظهر أولاً في القائمة."
    )
    in_navigation = models.BooleanField(
        "يظهر في قائمة الموقع",
        default=True,
        help_text="أزل العلامة لإخفاء القسم من القائمة العلوية.",
    )
    post_to_telegram = models.BooleanField(
        "نشر مقالاته على تيليغرام افتراضياً",
        default=False,
        help_text="المقالات الجديدة في هذا القسم تبدأ وعلامة «نشر على تيليغرام» مختارة؛ "
        "يستطيع المحرر إزالتها لكل مقال قبل نشره.",
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "قسم"
        verbose_name_plural = "الأقسام"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        strip_controls_from_fields(self)
        self.name = clean_name(self.name)
        if not self.slug:
            others = Section.objects.exclude(pk=self.pk)
            self.slug = unique_slug(self.name, lambda s: others.filter(slug=s).exists(), 120)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return object_url("section", self.slug)
