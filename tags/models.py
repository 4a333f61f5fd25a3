from django.db import models
from taggit.models import TagBase

from core.arabic import clean_name, slugify_arabic
from core.control_characters import strip_controls_from_fields
from core.routing import object_url


class Tag(TagBase):
    """A topic, person or place that articles share. Names are normalized so that
    'سوريا' typed with a Persian yeh is the same tag as with an Arabic one."""

    name = models.CharField("الاسم", max_length=100, unique=True)
    slug = models.SlugField("المعرّف في الرابط", max_length=100, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "وسم"
        verbose_name_plural = "الوسوم"

    def save(self, *args, **kwargs):
        strip_controls_from_fields(self)
        self.name = clean_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return object_url("tag", self.slug)

    def slugify(self, tag, i=None):
        slug = slugify_arabic(tag, 90) or "وسم"
        return f"{slug}-{i}" if i is not None else slug
