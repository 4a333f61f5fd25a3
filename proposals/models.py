"""A journalist's proposed change to their own published article, which they may no longer
edit (articles/workflow.py, JOURNALIST_EDITABLE). It is kept aside, never shown to readers,
until an editor approves it, which saves it through the same path as any save (the row lock
and version check, the body's sanitizer in Article.save, a reversion revision, the workflow's
permission rules), or rejects it with a note the journalist reads."""

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article

# What a journalist may propose: the text they wrote. Editors' fields are editors' own, and
# the section, tags, picture and link are changed by an editor directly.
PROPOSABLE = ["kicker", "headline", "summary", "body", "lead_image_caption", "byline", "source"]


class Proposal(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "بانتظار قرار المحرر"
        APPROVED = "approved", "اعتُمد ونُشر"
        REJECTED = "rejected", "رُفض"

    article = models.ForeignKey(
        Article, verbose_name="المقال", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="اقترحه", on_delete=models.CASCADE, related_name="+"
    )
    # {field name: proposed value} for PROPOSABLE fields, as the form cleaned them; the body
    # is sanitized when it is saved into the article, as every body is.
    data = models.JSONField("التعديل المقترح")
    based_on_version = models.PositiveIntegerField("مبني على النسخة")
    created_at = models.DateTimeField("وقت الاقتراح", default=timezone.now)
    state = models.CharField(
        "الحالة", max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="قرّره",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("وقت القرار", null=True, blank=True)
    note = models.TextField("ملاحظة المحرر", blank=True)

    class Meta:
        verbose_name = "تعديل مقترح"
        verbose_name_plural = "التعديلات المقترحة"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["article", "state"], name="proposal_article_state")]

    def __str__(self):
        return f"{self.article_id}: {self.get_state_display()}"

    def get_absolute_url(self):
        return reverse("proposal_detail", args=[self.pk])


def may_propose(user, article):
    """Journalists propose changes to their own article once they may no longer edit it."""
    return (
        user.is_active
        and user.has_perm("articles.change_article")
        and workflow.is_own(user, article)
        and not workflow.can_edit(user, article)
    )


def may_decide(user, article):
    return workflow.can_publish(user) and workflow.can_edit(user, article)


class Outdated(Exception):
    message = (
        "تغيّر المقال بعد هذا الاقتراح، فاعتماده كما هو يمحو ما حُفظ بعده. "
        "ارفضه مع ملاحظة، أو انقل ما تريد منه إلى المقال بنفسك."
    )


def approve(proposal_pk, editor, loaded_version):
    """Save the proposal into its article, as a save of the change form would: under the
    row lock, from the version the editor looked at, into a new revision."""
    with transaction.atomic(), reversion.create_revision():
        proposal = Proposal.objects.select_for_update().get(pk=proposal_pk)
        article = workflow.lock(proposal.article_id, loaded_version)
        if not may_decide(editor, article):
            workflow.deny(editor, "approve_proposal", article)
        if proposal.state != Proposal.State.PENDING:
            raise ValidationError("قُرّر هذا الاقتراح من قبل.")
        if proposal.based_on_version != article.version:
            raise Outdated(Outdated.message)
        for name in PROPOSABLE:
            if name in proposal.data:
                setattr(article, name, proposal.data[name])
        article.clean_fields(
            exclude=[f.name for f in Article._meta.fields if f.name not in PROPOSABLE]
        )
        workflow.stamp(article, editor)
        article.save()
        reversion.set_user(editor)
        reversion.set_comment(f"اعتُمد تعديل اقترحه {workflow.display_name(proposal.author)}")
        proposal.state = Proposal.State.APPROVED
        proposal.decided_by = editor
        proposal.decided_at = timezone.now()
        proposal.save()
    return article


def reject(proposal_pk, editor, note):
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update().select_related("article").get(pk=proposal_pk)
        )
        if not may_decide(editor, proposal.article):
            workflow.deny(editor, "reject_proposal", proposal.article)
        if proposal.state != Proposal.State.PENDING:
            raise ValidationError("قُرّر هذا الاقتراح من قبل.")
        proposal.state = Proposal.State.REJECTED
        proposal.note = note
        proposal.decided_by = editor
        proposal.decided_at = timezone.now()
        proposal.save()
    return proposal


def banner(sender, article, request, **kwargs):
    """articles.signals.change_form_opened: editors see the article's pending proposals,
    its author sees their own latest ones and where to propose. One query."""
    user = request.user
    if may_decide(user, article):
        shown = Proposal.objects.filter(article=article, state=Proposal.State.PENDING)
    elif workflow.is_own(user, article):
        shown = Proposal.objects.filter(article=article, author=user)[:5]
    else:
        return {}
    return {
        "proposals": list(shown.select_related("author")),
        "propose_url": reverse("proposal_new", args=[article.pk])
        if may_propose(user, article)
        else None,
    }
