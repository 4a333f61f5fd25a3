from django.contrib import admin

from .models import Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "in_navigation", "post_to_telegram"]
    list_editable = ["position", "in_navigation"]
    search_fields = ["name"]
