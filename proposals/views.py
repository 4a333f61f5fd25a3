"""Proposing a change to one's own published article, and deciding on it. Every view checks
its rule (proposals/models.py may_propose, may_decide) on the server."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from articles import workflow
from articles.history import body_text, inline_diff
from articles.models import Article

from .forms import DecisionForm, ProposalForm
from .models import PROPOSABLE, Outdated, Proposal, approve, may_decide, may_propose, reject


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def bounded(pk):
    """A number past 64 bits names no row (and SQLite cannot bind it)."""
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def staff_article(request, pk):
    if not (request.user.is_active and request.user.is_staff):
        raise Http404
    return get_object_or_404(Article, pk=bounded(pk))


def context(request, **extra):
    return {**admin.site.each_context(request), **extra}


def propose(request, pk):
    article = staff_article(request, pk)
    if workflow.can_edit(request.user, article):
        return redirect(change_url(article))  # nothing to propose: edit it
    if not may_propose(request.user, article):
        workflow.deny(request.user, "propose", article)
    pending = Proposal.objects.filter(
        article=article, author=request.user, state=Proposal.State.PENDING
    ).first()
    if request.method == "POST":
        form = ProposalForm(request.POST, instance=article)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in PROPOSABLE}
            based_on = form.cleaned_data["based_on"]
            if pending:
                pending.data, pending.based_on_version = data, based_on
                pending.save(update_fields=["data", "based_on_version"])
            else:
                Proposal.objects.create(
                    article=article, author=request.user, data=data, based_on_version=based_on
                )
            messages.success(
                request, "أُرسل تعديلك المقترح إلى المحررين. يبقى المقال كما هو حتى يعتمده محرر."
            )
            return redirect(change_url(article))
    else:
        initial = {"based_on": article.version}
        if pending:
            initial |= pending.data
        form = ProposalForm(instance=article, initial=initial)
    return render(
        request,
        "proposals/proposal_form.html",
        context(request, form=form, article=article, pending=pending, title="اقتراح تعديل"),
    )


def rows(proposal, article):
    """(label, inline diff) for each field the proposal changes, against the article now."""
    changed = []
    for name in PROPOSABLE:
        if name not in proposal.data:
            continue
        old, new = getattr(article, name) or "", proposal.data[name] or ""
        if name == "body":
            old, new = body_text(old), body_text(new)
        if old != new:
            changed.append((Article._meta.get_field(name).verbose_name, inline_diff(old, new)))
    return changed


def detail(request, pk):
    queryset = Proposal.objects.select_related("author", "decided_by")
    proposal = get_object_or_404(queryset, pk=bounded(pk))
    article = staff_article(request, proposal.article_id)
    decides = may_decide(request.user, article)
    if not decides and proposal.author_id != request.user.pk:
        workflow.deny(request.user, "view_proposal", article)
    form = DecisionForm(initial={"loaded_version": article.version}) if decides else None
    return render(
        request,
        "proposals/proposal_detail.html",
        context(
            request,
            proposal=proposal,
            article=article,
            rows=rows(proposal, article),
            form=form,
            outdated=proposal.based_on_version != article.version,
            title="تعديل مقترح",
        ),
    )


@require_POST
def decide(request, pk):
    proposal = get_object_or_404(Proposal, pk=bounded(pk))
    article = staff_article(request, proposal.article_id)
    if not may_decide(request.user, article):
        workflow.deny(request.user, "decide_proposal", article)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "لم يُنفَّذ القرار: أعد المحاولة من صفحة الاقتراح.")
        return redirect(proposal)
    try:
        if form.cleaned_data["decision"] == "approve":
            approve(proposal.pk, request.user, form.cleaned_data["loaded_version"])
            messages.success(request, "اعتُمد التعديل المقترح وحُفظ في المقال.")
        else:
            reject(proposal.pk, request.user, form.cleaned_data["note"])
            messages.success(request, "رُفض التعديل المقترح؛ يرى الكاتب ملاحظتك.")
    except (workflow.StaleEdit, workflow.Busy, Outdated) as refused:
        messages.error(request, getattr(refused, "message", None) or str(refused))
        return redirect(proposal)
    except ValidationError as invalid:
        messages.error(request, "لم يُعتمد: " + "؛ ".join(invalid.messages))
        return redirect(proposal)
    return redirect(change_url(article))
