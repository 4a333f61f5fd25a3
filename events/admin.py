from django.contrib import admin

from .models import ArticleEvent


@admin.register(ArticleEvent)
class ArticleEventAdmin(admin.ModelAdmin):
    """Which events fired and when they were sent: for watching, never edited."""

    list_display = ["article", "kind", "at", "fired_at", "delivered_at", "cancelled"]
    list_filter = ["kind", "cancelled"]
    list_select_related = ["article"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
