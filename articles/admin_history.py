"""The article admin's history views: the list of revisions, comparing two, restoring one
(through the same checks as any save), recovering deleted articles (editors), and revoking
every shared preview link. `ArticleAdmin` inherits them."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from core import events

from . import history, workflow


class ArticleHistoryAdmin(VersionAdmin):
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<path:object_id>/preview-link/",
                view(self.revoke_preview_view),
                name="articles_article_revoke_preview",
            ),
            *super().get_urls(),
        ]

    def visible_article(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return obj

    def article_versions(self, obj):
        return Version.objects.get_for_object(obj).select_related("revision__user")

    def history_view(self, request, object_id, extra_context=None):
        obj = self.visible_article(request, object_id)
        context = {"versions": self.article_versions(obj), **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        obj = self.visible_article(request, object_id)
        versions = self.article_versions(obj)
        try:
            old = versions.get(pk=int(request.GET.get("from", "")))
            new = versions.get(pk=int(request.GET.get("to", "")))
        except (ValueError, Version.DoesNotExist):
            raise Http404 from None
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = self.history_context(request, obj, "مقارنة نسختين", old=old, new=new)
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Shows what restoring a revision would change; POST restores it as a new revision,
        through the same checks as any save (workflow.restore)."""
        obj = self.visible_article(request, object_id)
        version = get_object_or_404(self.article_versions(obj), pk=version_id)
        if request.method == "POST":
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            return self.restore(request, obj, version)
        latest = self.article_versions(obj).first()
        context = self.history_context(
            request,
            obj,
            "استعادة نسخة سابقة",
            old=latest,
            new=version,
            can_restore=self.has_change_permission(request, obj),
        )
        return TemplateResponse(request, "admin/articles/article/revision.html", context)

    def restore(self, request, obj, version):
        change_url = reverse("admin:articles_article_change", args=[obj.pk])
        loaded = request.POST.get("version", "")
        try:
            _, warnings = workflow.restore(
                obj.pk, version, request.user, int(loaded) if loaded.isdigit() else None
            )
        except workflow.StaleEdit as stale:
            messages.error(request, str(stale))
            return redirect(request.path)
        except workflow.Busy:
            messages.error(request, workflow.Busy.message)
            return redirect(request.path)
        messages.success(request, "استُعيدت النسخة وحُفظت نسخةً جديدة في السجل. راجعها هنا.")
        for warning in warnings:
            messages.warning(request, warning)
        return redirect(change_url)

    def history_context(self, request, obj, title, old, new, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": title,
            "old": old,
            "new": new,
            "rows": history.changes(old, new, request.user),
            **extra,
        }

    def recoverlist_view(self, request, extra_context=None):
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        """Editors only, and only a deleted article's revision: reversion's own view looks
        the version up by id whatever its model, and images have revisions too."""
        if not workflow.can_publish(request.user):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        response = super().recover_view(request, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            recovered = self.model.objects.filter(pk=version.object_id).first()
            if recovered is not None:
                events.send(__name__, "recover", request.user, target=recovered)
        return response

    def revoke_preview_view(self, request, object_id):
        obj = self.visible_article(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if request.method == "POST":
            workflow.regenerate_preview_secret(obj.pk, request.user)
            messages.success(request, "أُلغيت كل روابط المعاينة المشتركة لهذا المقال.")
            return redirect("admin:articles_article_change", obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": "إلغاء روابط المعاينة",
        }
        return TemplateResponse(request, "admin/articles/article/revoke_preview.html", context)
