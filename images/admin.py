from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from core import events
from jobs.models import Job

from .forms import ImageForm
from .models import PROCESSING, Image, keep_in_history, processing
from .permissions import can_change

STORAGE_FAILED = "تعذّر حفظ الصورة في المخزن (قد يكون ممتلئاً). لم يُحفظ شيء؛ حاول مرة أخرى لاحقاً."
READY = "جاهزة"
FAILED = (
    "تعذّر تجهيز نسخ هذه الصورة؛ تظهر الصفحات الملف الأصلي. يعيد المسؤول المحاولة من «مهام متوقفة»."
)
READ_ONLY = (
    "لا يمكنك تعديل هذه الصورة: يعدّل الصحفي الصور التي رفعها بنفسه ما دام لا يعرضها مقال "
    "منشور أو مجدول. اطلب التعديل من أحد المحررين."
)


@admin.register(Image)
class ImageAdmin(VersionAdmin):
    """The library, with a history per image (django-reversion): every change is a revision,
    a replaced file stays in storage, and an earlier version can be restored."""

    form = ImageForm
    # Django's list, not reversion's: deleted images cannot be recovered (see recover_view).
    change_list_template = None
    list_display = [
        "thumbnail",
        "title",
        "alt_text",
        "credit",
        "width",
        "height",
        "state",
        "created_at",
    ]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "alt_text", "caption", "credit"]
    readonly_fields = ["preview"]
    fields = ["file", "preview", "title", "alt_text", "caption", "credit", "focal_x", "focal_y"]

    @admin.display(description="معاينة")
    def thumbnail(self, obj):
        return format_html(
            '<img src="{}" alt="" width="96" height="54" class="library-thumbnail">',
            obj.thumbnail_url,
        )

    @admin.display(description="الحالة")
    def state(self, obj):
        return PROCESSING if processing(obj) else READY

    @admin.display(description="الصورة")
    def preview(self, obj):
        if not obj.pk:
            return "—"
        if not processing(obj):
            note = ""
        elif Job.objects.filter(key=f"renditions:{obj.pk}", status=Job.Status.STOPPED).exists():
            note = FAILED
        else:
            note = PROCESSING
        return format_html(
            '<img src="{}" alt="{}" width="320" class="library-preview"><p>{}</p>',
            obj.picture.src,
            obj.alt_text,
            note,
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if change and "file" in form.changed_data:
            events.send(
                __name__,
                "image_replaced",
                request.user,
                target=obj,
                changes={
                    "file": [form.initial.get("file") and str(form.initial["file"]), obj.file.name]
                },
            )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Where the image is used is what matters, whatever the user may do to articles
            # (Django would otherwise talk about missing permissions to delete them).
            perms_needed = set()
        return deleted, counts, perms_needed, protected

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_change_permission(request, obj):
            if request.method == "POST":
                # Before the admin's own revision opens, which will hold the new state.
                keep_in_history(obj.pk)
        elif obj is not None and request.method == "GET":
            self.message_user(request, READ_ONLY, messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """django-reversion finds the version by its id and object id only, whatever its
        model: an article's revision with the same object id would be reverted here. Only
        this image's own revisions are shown or restored (restoring is a change, checked by
        has_change_permission like any other)."""
        get_object_or_404(
            Version.objects.get_for_object_reference(Image, unquote(object_id)), pk=version_id
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        """Deleting an image deletes its files and its history (models.py), so there is
        nothing to recover; and reversion's recover view would revert a version of any
        model."""
        raise PermissionDenied

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except OSError:
            # The transaction has rolled back and Image.save removed any file it wrote.
            self.message_user(request, STORAGE_FAILED, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
