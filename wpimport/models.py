from django.db import models


class ImportedItem(models.Model):
    """What a WordPress id became here: how a second run updates instead of duplicating, and
    how an interrupted run resumes (a committed batch is skipped as unchanged)."""

    class Kind(models.TextChoices):
        POST = "post", "مقال"
        CATEGORY = "category", "تصنيف"
        TAG = "tag", "وسم"
        AUTHOR = "author", "كاتب"
        ATTACHMENT = "attachment", "صورة"

    site = models.CharField("الموقع", max_length=255, help_text="عنوان موقع ووردبريس الأصلي.")
    kind = models.CharField("النوع", max_length=20, choices=Kind.choices)
    wp_id = models.BigIntegerField("المعرّف في ووردبريس")
    object_id = models.BigIntegerField("المعرّف هنا")
    # A digest of the item as exported: an unchanged post is not written again.
    fingerprint = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField("وقت الاستيراد", auto_now=True)

    class Meta:
        verbose_name = "مادة مستوردة من ووردبريس"
        verbose_name_plural = "المواد المستوردة من ووردبريس"
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "wp_id"], name="wpimport_one_per_id")
        ]

    def __str__(self):
        return f"{self.kind} {self.wp_id} → {self.object_id}"
