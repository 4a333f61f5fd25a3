from django.contrib import admin

from .models import Redirect


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "target", "origin", "created_at"]
    list_filter = ["origin"]
    search_fields = ["old_path", "target_url"]
    raw_id_fields = ["article", "author"]
    autocomplete_fields = ["section", "tag"]
    fields = ["old_path", "article", "section", "tag", "author", "target_url"]
    list_select_related = ["article", "section", "tag", "author"]

    @admin.display(description="الوجهة")
    def target(self, obj):
        for target in (obj.article, obj.section, obj.tag, obj.author):
            if target is not None:
                return str(target)
        return obj.target_url
