from django.contrib import admin

from .models import Tag
from .permissions import visible_tags


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        # The list, the change page, its history and «عرض على الموقع» all go through here.
        return visible_tags(request.user, super().get_queryset(request))
