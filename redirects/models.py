"""Old addresses that answer 301 to their new homes (README, "Redirects from old URLs").

A row names its target as an object (an article, a section, a tag, an author) or, for what
an editor adds by hand, as a URL. Object targets are resolved when the old address is asked
for, through the visibility rule: a redirect never reveals an article that is not public
(its slug and headline are in its URL), a tag only drafts carry, or a user without a public
author page; for those the old address is a plain 404, like any unknown one.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from articles.models import Article
from core.routing import object_url
from sections.models import Section
from tags.models import Tag

from .paths import MAX_KEY, canonical, key_for_url


class Redirect(models.Model):
    class Origin(models.TextChoices):
        WORDPRESS = "wordpress", "استيراد ووردبريس"
        EDITOR = "editor", "أضافه محرر"

    old_path = models.CharField(
        "الرابط القديم",
        max_length=MAX_KEY,
        unique=True,
        help_text="المسار فقط، مثل ‎/2022/01/عنوان-الخبر/‎ أو ‎/?p=123‎. يُحفظ دون الشرطة "
        "الأخيرة وبأحرف صغيرة، ويُقبل مُرمّزاً (%D8%…) أو عربياً.",
    )
    article = models.ForeignKey(
        Article,
        verbose_name="المقال",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    section = models.ForeignKey(
        Section,
        verbose_name="القسم",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    tag = models.ForeignKey(
        Tag, verbose_name="الوسم", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="الكاتب",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    target_url = models.CharField(
        "رابط آخر",
        max_length=500,
        blank=True,
        help_text="لغير المقالات والأقسام والوسوم والكتّاب: مسار في الموقع يبدأ بـ / "
        "أو رابط كامل يبدأ بـ https://",
    )
    origin = models.CharField(
        "المصدر", max_length=20, choices=Origin.choices, default=Origin.EDITOR, editable=False
    )
    created_at = models.DateTimeField("تاريخ الإضافة", auto_now_add=True)

    class Meta:
        ordering = ["old_path"]
        verbose_name = "تحويل من رابط قديم"
        verbose_name_plural = "التحويلات من الروابط القديمة"
        constraints = [
            models.CheckConstraint(
                name="redirect_one_target",
                condition=(
                    Q(article__isnull=False, section=None, tag=None, author=None, target_url="")
                    | Q(article=None, section__isnull=False, tag=None, author=None, target_url="")
                    | Q(article=None, section=None, tag__isnull=False, author=None, target_url="")
                    | Q(article=None, section=None, tag=None, author__isnull=False, target_url="")
                    | Q(article=None, section=None, tag=None, author=None, target_url__gt="")
                ),
            )
        ]

    def __str__(self):
        return self.old_path

    def save(self, *args, **kwargs):
        if self.old_path:
            self.old_path = key_for_url(self.old_path)
        super().save(*args, **kwargs)

    def clean(self):
        self.old_path = key_for_url(self.old_path) if self.old_path else ""
        targets = [self.article_id, self.section_id, self.tag_id, self.author_id, self.target_url]
        if sum(1 for target in targets if target) != 1:
            raise ValidationError(
                "اختر وجهة واحدة فقط: مقالاً أو قسماً أو وسماً أو كاتباً أو رابطاً آخر."
            )
        if self.target_url:
            parts = urlsplit(self.target_url)
            if not (
                (parts.scheme in {"http", "https"} and parts.netloc)
                or (not parts.scheme and not parts.netloc and self.target_url.startswith("/"))
            ) or self.target_url.startswith("//"):
                raise ValidationError(
                    {"target_url": "اكتب مساراً يبدأ بـ / أو رابطاً كاملاً يبدأ بـ https://"}
                )
            if canonical(parts.path) == self.old_path and not parts.netloc:
                raise ValidationError({"target_url": "الرابط الجديد هو الرابط القديم نفسه."})

    def destination(self, variant=None):
        """Where the old address goes now, or None when its target is not public (then the
        old address is a 404). `variant` is "feed" or ("page", n) (redirects/paths.py)."""
        if self.article_id:
            article = Article.objects.published().filter(pk=self.article_id).only("slug").first()
            return article.get_absolute_url() if article else None
        if self.section_id:
            slug = self.section.slug
            if variant == "feed":
                return object_url("feed_section", slug)
            return with_page(object_url("section", slug), variant)
        if self.tag_id:
            public = Tag.objects.filter(pk=self.tag_id, pk__in=Article.objects.public_tag_ids())
            if not public.exists():
                return None
            if variant == "feed":
                return object_url("feed_tag", self.tag.slug)
            return with_page(object_url("tag", self.tag.slug), variant)
        if self.author_id:
            author = self.author
            shown = (
                author.is_active and Article.objects.published().filter(authors=author.pk).exists()
            )
            return with_page(reverse("author", args=[author.username]), variant) if shown else None
        return self.target_url or None


def with_page(url, variant):
    if isinstance(variant, tuple) and variant[1] > 1:
        return f"{url}?page={variant[1]}"
    return url
