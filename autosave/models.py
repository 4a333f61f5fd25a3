"""What a person typed in the article form and has not saved yet, kept on the server so a
crashed browser or a dead laptop loses at most the last 30 seconds. An autosave is nobody's
revision: readers never see it, the workflow never reads it, and restoring one only fills the
form, which is then saved (or not) through the normal path and its version lock."""

from django.conf import settings
from django.db import models
from django.db.models import Q

# New-article drafts kept per person; older ones are dropped as new ones arrive.
MAX_NEW_DRAFTS = 5


class Autosave(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="المستخدم", on_delete=models.CASCADE
    )
    # Empty for an article that was never saved: then `draft_key`, made by the browser when
    # the add form opened, tells one new draft from another.
    article = models.ForeignKey(
        "articles.Article",
        verbose_name="المقال",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    draft_key = models.CharField("مفتاح المسودة الجديدة", max_length=64, blank=True)
    # {form field name: value, or a list of [value, shown text] for a choice}; stored as
    # typed: the body is sanitized when the restored form is saved, as every body is.
    data = models.JSONField("القيم")
    # The article's `version` when the form was loaded: a newer saved version means this
    # autosave is older than the article and is never applied by itself.
    based_on_version = models.PositiveIntegerField("مبني على النسخة", null=True, blank=True)
    saved_at = models.DateTimeField("وقت الحفظ التلقائي")

    class Meta:
        verbose_name = "حفظ تلقائي"
        verbose_name_plural = "الحفظ التلقائي"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="autosave_one_per_user_article",
            ),
            models.UniqueConstraint(
                fields=["user", "draft_key"],
                condition=Q(article__isnull=True),
                name="autosave_one_per_user_new_draft",
            ),
        ]
        indexes = [models.Index(fields=["user", "-saved_at"], name="autosave_user_recent")]

    def __str__(self):
        return f"{self.user_id}: {self.article_id or self.draft_key}"

    def is_stale(self, current_version):
        """Saved from a form loaded before the article's last save."""
        return self.article_id is not None and self.based_on_version != current_version


def forget_saved(sender, article, user, request, **kwargs):
    """articles.signals.form_saved: the person saved the article from its form, so what
    they autosaved from it (and from the add form it started in) is superseded."""
    Autosave.objects.filter(user=user, article=article).delete()
    draft_key = request.POST.get("autosave_draft_key", "")[:64]
    if draft_key:
        Autosave.objects.filter(user=user, article=None, draft_key=draft_key).delete()
