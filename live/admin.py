"""The live desk: the live story's admin page is a quick entry form with the entries,
newest first, below it (templates/admin/live/livecoverage/desk.html). Entries are edited
one by one in their own admin (with history, django-reversion). Every permission is
checked here on the server (live/workflow.py)."""

import reversion
from django.contrib import admin, messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion.admin import VersionAdmin

from . import workflow
from .forms import CoverageForm, EntryChangeForm, EntryForm
from .models import LiveCoverage, LiveEntry

# Entries the desk lists (newest first); older ones are in the entries' admin list.
DESK_ENTRIES = 50

ACTIONS = {
    "publish": LiveEntry.Status.PUBLISHED,
    "draft": LiveEntry.Status.DRAFT,
}


@admin.register(LiveCoverage)
class LiveCoverageAdmin(admin.ModelAdmin):
    list_display = ["article", "state", "started_at", "desk_link"]
    list_filter = ["state"]
    search_fields = ["article__headline"]
    autocomplete_fields = ["article"]
    fields = [
        "article",
        "state",
        "started_at",
        "ended_at",
        "post_key_entries_to_telegram",
        "push_key_entries",
    ]

    def has_module_permission(self, request):
        return workflow.can_post(request.user)

    def has_view_permission(self, request, obj=None):
        return workflow.can_post(request.user)

    def has_add_permission(self, request):
        return workflow.can_manage_coverage(request.user)

    def has_change_permission(self, request, obj=None):
        return workflow.can_manage_coverage(request.user)

    def has_delete_permission(self, request, obj=None):
        return workflow.can_manage_coverage(request.user) and request.user.has_perm(
            "articles.delete_article"
        )

    @admin.display(description="غرفة التحديثات")
    def desk_link(self, obj):
        url = reverse("admin:live_livecoverage_desk", args=[obj.pk])
        return format_html('<a href="{}">إضافة تحديث</a>', url)

    def get_changeform_initial_data(self, request):
        return {"article": request.GET.get("article")} if "article" in request.GET else {}

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:live_livecoverage_desk", args=[obj.pk]))

    def get_urls(self):
        desk = self.admin_site.admin_view(self.desk_view)
        return [
            path("<int:object_id>/desk/", desk, name="live_livecoverage_desk"),
            *super().get_urls(),
        ]

    def desk_view(self, request, object_id):
        if not workflow.can_post(request.user):
            workflow.deny(request.user, "live desk")
        coverage = get_object_or_404(LiveCoverage.objects.select_related("article"), pk=object_id)
        form = EntryForm(prefix="entry")
        if request.method == "POST" and "entry-body" in request.POST:
            form = EntryForm(request.POST, prefix="entry")
            if form.is_valid():
                self.post_entry(request, coverage, form)
                return HttpResponseRedirect(request.path)
        elif request.method == "POST" and "state" in request.POST:
            if not workflow.can_manage_coverage(request.user):
                workflow.deny(request.user, "end live coverage", coverage.article)
            state_form = CoverageForm(request.POST, instance=coverage)
            if state_form.is_valid():
                state_form.save()
                messages.success(request, "حُفظت حالة التغطية.")
            return HttpResponseRedirect(request.path)
        entries = (
            LiveEntry.objects.filter(coverage=coverage)
            .select_related("created_by")
            .order_by("-published_at", "-id")[:DESK_ENTRIES]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"تغطية مباشرة: {coverage.article.headline}",
            "opts": self.model._meta,
            "coverage": coverage,
            "form": form,
            "media": self.media + form.media,
            "entries": [(entry, workflow.can_change(request.user, entry)) for entry in entries],
            "can_manage": workflow.can_manage_coverage(request.user),
            "needs_approval": workflow.needs_approval(request.user),
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/live/livecoverage/desk.html", context)

    @staticmethod
    def post_entry(request, coverage, form):
        action = request.POST.get("action", "publish")
        if action not in ACTIONS:
            raise Http404
        entry = form.save(commit=False)
        entry.coverage = coverage
        entry.created_by = request.user
        entry.published_at = entry.published_at or timezone.now()
        entry.status = workflow.initial_status(request.user, ACTIONS[action])
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment("أُضيف التحديث.")
            entry.save()
            entry.authors.add(request.user)
        if entry.status == LiveEntry.Status.REVIEW:
            messages.info(request, "أُرسل التحديث إلى محرر للموافقة عليه قبل ظهوره.")
        elif entry.status == LiveEntry.Status.DRAFT:
            messages.info(request, "حُفظ التحديث مسودةً ولا يراه القراء.")
        elif entry.is_scheduled:
            messages.success(request, "جُدول التحديث وسيظهر في موعده.")
        else:
            messages.success(request, "نُشر التحديث.")


@admin.register(LiveEntry)
class LiveEntryAdmin(VersionAdmin):
    list_display = ["__str__", "coverage", "status", "published_at", "is_key", "is_pinned"]
    list_filter = ["status", "is_key", "is_pinned"]
    search_fields = ["title", "body"]
    form = EntryChangeForm
    fields = [
        "loaded_version",
        "title",
        "body",
        "is_key",
        "is_pinned",
        "status",
        "published_at",
        "correction",
    ]
    actions = ["approve"]

    def has_module_permission(self, request):
        return workflow.can_post(request.user)

    def has_view_permission(self, request, obj=None):
        return workflow.can_post(request.user)

    def has_add_permission(self, request):
        return False  # entries are added at their story's desk

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return workflow.can_post(request.user)
        return workflow.can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_queryset(self, request):
        entries = super().get_queryset(request).select_related("coverage__article")
        if workflow.can_manage_coverage(request.user):
            return entries
        return entries.filter(created_by=request.user) | entries.filter(
            status=LiveEntry.Status.PUBLISHED
        )

    def save_model(self, request, obj, form, change):
        if not workflow.can_change(request.user, obj):
            workflow.deny(request.user, "change live entry")
        obj.status = workflow.initial_status(request.user, obj.status)
        obj.version += 1
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" not in request.POST:
            return HttpResponseRedirect(
                reverse("admin:live_livecoverage_desk", args=[obj.coverage_id])
            )
        return response

    @admin.action(description="الموافقة على التحديثات المحددة ونشرها")
    def approve(self, request, queryset):
        if not workflow.can_manage_coverage(request.user):
            workflow.deny(request.user, "approve live entries")
        count = 0
        for entry in queryset.exclude(status=LiveEntry.Status.PUBLISHED):
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment("وافق محرر على التحديث.")
                entry.status = LiveEntry.Status.PUBLISHED
                entry.version += 1
                entry.save()
            count += 1
        messages.success(request, f"نُشر {count} من التحديثات.")
