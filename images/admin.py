from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from .forms import ImageForm
from .models import Image

STORAGE_FAILED = "تعذّر حفظ الصورة في المخزن (قد يكون ممتلئاً). لم يُحفظ شيء؛ حاول مرة أخرى لاحقاً."


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "title", "alt_text", "credit", "width", "height", "created_at"]
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

    @admin.display(description="الصورة")
    def preview(self, obj):
        if not obj.pk:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="320" class="library-preview">',
            obj.picture.src,
            obj.alt_text,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Where the image is used is what matters, whatever the user may do to articles
            # (Django would otherwise talk about missing permissions to delete them).
            perms_needed = set()
        return deleted, counts, perms_needed, protected

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except OSError:
            # The transaction has rolled back and Image.save removed any file it wrote.
            self.message_user(request, STORAGE_FAILED, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
