from django.contrib import admin

from .models import Redirect

TARGETS = ("article", "section", "tag", "author")


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "target", "origin", "created_at"]
    list_filter = ["origin"]
    search_fields = ["old_path", "target_url"]
    raw_id_fields = ["article", "author"]
    autocomplete_fields = ["section", "tag"]
    fields = ["old_path", "article", "section", "tag", "author", "target_url"]
    list_select_related = ["article", "section", "tag", "author"]

    def lookup_allowed(self, lookup, value, request=None):
        """As ArticleAdmin: a number past 64 bits in ?section= names no row and SQLite cannot
        bind it (a 500); refused (400) like any lookup not allowed."""
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) > 18:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changeform_initial_data(self, request):
        """Prefilled targets from the query string (?section=3) only when they can be ids:
        the widgets look them up, and "²" or a 30-digit number made that a 500."""
        initial = super().get_changeform_initial_data(request)
        for name in TARGETS:
            value = initial.get(name)
            if value is not None and not (
                isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19
            ):
                del initial[name]
        return initial

    @admin.display(description="الوجهة")
    def target(self, obj):
        for target in (obj.article, obj.section, obj.tag, obj.author):
            if target is not None:
                return str(target)
        return obj.target_url
