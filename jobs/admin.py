from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.html import format_html
from django_tasks_db.models import DBTaskResult

from . import queue
from .models import Job, StoppedJob

RETRIED = "أُعيدت {count} مهمة إلى الطابور."


class JobAdmin(admin.ModelAdmin):
    """What is still to do: read-only, for watching; jobs are made by the code."""

    list_display = ["label", "status", "attempts", "progress", "run_after", "updated_at"]
    list_filter = ["status", "label"]
    search_fields = ["label", "key", "error"]
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description="التقدّم")
    def progress(self, obj):
        if not obj.progress_total:
            return "—"
        return f"{obj.progress_done} / {obj.progress_total}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StoppedJob)
class StoppedJobAdmin(JobAdmin):
    """The dead-letter list: jobs that failed their last attempt, with the error, and a
    button that queues them again (the error fixed, or the outage over)."""

    list_display = ["label", "attempts", "short_error", "updated_at"]
    list_filter = ["label"]
    actions = ["retry"]
    fields = ["label", "function", "args", "attempts", "traceback", "created_at", "updated_at"]
    readonly_fields = [*JobAdmin.readonly_fields, "traceback"]
    change_form_template = "admin/jobs/stoppedjob/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Job.Status.STOPPED)

    @admin.display(description="الخطأ")
    def traceback(self, obj):
        # A Python traceback reads left to right, whatever the page's direction.
        return format_html('<pre dir="ltr" class="job-error">{}</pre>', obj.error)

    @admin.display(description="الخطأ")
    def short_error(self, obj):
        lines = [line for line in obj.error.strip().splitlines() if line.strip()]
        return lines[-1][:200] if lines else "—"

    def has_retry_permission(self, request):
        return request.user.has_perm("jobs.change_job")

    @admin.action(description="إعادة تشغيل المهام المحددة", permissions=["retry"])
    def retry(self, request, queryset):
        with transaction.atomic():
            count = queue.retry(queryset)
        self.message_user(request, RETRIED.format(count=count), messages.SUCCESS)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and "_retry" in request.POST and object_id:
            if not self.has_retry_permission(request):
                raise PermissionDenied
            with transaction.atomic():
                count = queue.retry(self.get_queryset(request).filter(pk=object_id))
            self.message_user(request, RETRIED.format(count=count), messages.SUCCESS)
            return redirect("admin:jobs_stoppedjob_changelist")
        extra_context = (extra_context or {}) | {"can_retry": self.has_retry_permission(request)}
        return super().changeform_view(request, object_id, form_url, extra_context)


admin.site.register(Job, JobAdmin)
# django-tasks-db's own list of its queue rows (English, internal): «المهام في الخلفية» and
# «مهام متوقفة» are what people read.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
