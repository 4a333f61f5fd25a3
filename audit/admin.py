from django.contrib import admin
from django.contrib.admin import ShowFacets
from django.utils.html import format_html_join

from articles.paginators import EstimatedCountPaginator

from .models import AuditEvent

SHOWN_NAMES = 8


def describe(changes):
    """(field, text) pairs: a changed field as «before ← after», a list of added or removed
    names shortened to its first few."""
    for name, value in changes.items():
        if name in {"added", "removed"} and isinstance(value, list):
            more = len(value) - SHOWN_NAMES
            text = "، ".join(map(str, value[:SHOWN_NAMES])) + (
                f" و{more} غيرها" if more > 0 else ""
            )
        elif isinstance(value, list) and len(value) == 2:
            text = f"{value[0]} ← {value[1]}"
        else:
            text = str(value)
        yield name, text


class TargetFilter(admin.SimpleListFilter):
    """An object's trail (?target=articles.article:12): the link on an article's page. No
    choices are listed: they would be a scan of the table."""

    title = "الكائن"
    parameter_name = "target"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, value)] if value else []

    def queryset(self, request, queryset):
        return queryset.filter(target=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: no add, change or delete permission and
    no actions (so no bulk delete). The model refuses updates and deletes as well, and on
    PostgreSQL a trigger does (audit/migrations/0002)."""

    list_display = ["at", "action", "target_repr", "actor_name", "address", "changes_list"]
    list_filter = ["action", ("at", admin.DateFieldListFilter), "actor", TargetFilter]
    # A million rows: never a full COUNT (EstimatedCountPaginator), no facet counts, no
    # date_hierarchy (its year/month links are a scan of the table).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    list_per_page = 50
    actions = None
    readonly_fields = [
        "at",
        "actor_name",
        "address",
        "action",
        "target",
        "target_repr",
        "changes_list",
        "detail",
    ]
    fields = readonly_fields

    @admin.display(description="التغييرات (قبل ← بعد)")
    def changes_list(self, event):
        return format_html_join(
            "", '<div class="audit-change"><b>{}</b>: {}</div>', describe(event.changes)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.has_perm("audit.view_auditevent")

    def has_module_permission(self, request):
        return self.has_view_permission(request)
