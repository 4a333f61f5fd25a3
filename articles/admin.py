import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core import events
from core.dates import format_datetime, time_until_text

from . import workflow
from .admin_history import ArticleHistoryAdmin
from .admin_list import ArticleListAdmin
from .forms import ArticleForm, ZonedDateTimeField, ZonedSplitDateTime, zone_label
from .models import Article, Correction
from .paginators import EstimatedCountPaginator
from .search import Query, text_filter
from .signals import change_form_opened, form_saved

# What each workflow button says, in the order they appear.
BUTTONS = {
    "submit": "حفظ وإرسال للمراجعة",
    "publish": "حفظ ونشر الآن",
    "schedule": "حفظ وجدولة في الوقت المحدد",
    "send_back": "حفظ وإعادة إلى المسودة",
    "unpublish": "حفظ وسحب من النشر",
}
DONE = {
    "submit": "أُرسل المقال إلى المراجعة.",
    "publish": "نُشر المقال.",
    "send_back": "أُعيد المقال إلى المسودة.",
    "unpublish": "سُحب المقال من النشر.",
}


# Of the publishing fields (editors' only), those a journalist is shown, folded.
JOURNALIST_SEES = ["status", "published_at", "expire_at"]


def published_at_text(article):
    return f"{format_datetime(article.published_at)} ({zone_label(article.published_at)})"


def field_label(name):
    """What the change form calls a field: the form's own label for its own fields."""
    if name in ArticleForm.declared_fields:
        return str(ArticleForm.declared_fields[name].label)
    return str(Article._meta.get_field(name).verbose_name)


def article_fieldsets():
    """The change form's groups (workflow.EDITABLE_FIELDSETS) with the form's own two fields:
    the version it was loaded at (hidden) first, «تحديث جوهري» after the date it stamps."""
    fieldsets = []
    for title, names in workflow.EDITABLE_FIELDSETS:
        fields = []
        for name in names:
            fields.append(name)
            if name == "content_updated_at":
                fields.append("substantive_update")
        fieldsets.append((title, {"fields": fields}))
    fieldsets[0][1]["fields"].insert(0, "loaded_version")
    return fieldsets


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["published_at", "text"]
    formfield_overrides = {
        models.DateTimeField: {"form_class": ZonedDateTimeField, "widget": ZonedSplitDateTime}
    }


@admin.register(Article)
class ArticleAdmin(ArticleListAdmin, ArticleHistoryAdmin):
    form = ArticleForm
    search_fields = ["headline", "summary"]
    # A million rows: no exact COUNT(*) per page view (articles/paginators.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    autocomplete_fields = ["section", "lead_image", "authors", "related"]
    inlines = [CorrectionInline]
    actions = ["submit_selected", "publish_selected", "send_back_selected", "unpublish_selected"]
    history_latest_first = True
    object_history_template = "admin/articles/article/object_history.html"
    change_list_template = "admin/articles/article/change_list.html"
    formfield_overrides = {
        models.DateTimeField: {"form_class": ZonedDateTimeField, "widget": ZonedSplitDateTime}
    }

    class Media:
        css = {"all": ["css/admin-workflow.css", "css/writing.css"]}
        # The writing surface: counters, autosave, confirmations (static/js/writing.js), and
        # «تحرره الآن» (the presence app).
        js = ["js/writing.js", "presence/presence.js"]

    fieldsets = article_fieldsets()

    # Who sees and edits what ---------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        """Editors search as readers do (articles/search.py): every word, in any spelling,
        in the headline, summary or body, from the full-text index, drafts included; a
        number also finds the article with that id. `icontains` read every row of a
        million-article table (2.5 s a search). The «مقالات ذات صلة» picker searches as the
        editor types, so it matches part of a headline."""
        if request.path == reverse("admin:autocomplete"):
            # Part of a headline, from its trigram index (migration 0008) on PostgreSQL.
            return queryset.filter(headline__icontains=search_term.strip()), False
        query = Query.parse(search_term)
        if not query.words:
            if search_term.strip():
                messages.warning(request, query.message)
            return queryset.none() if search_term.strip() else queryset, False
        found = queryset.filter(text_filter(query))
        number = search_term.strip()
        # isdigit() alone accepts "²", which int() refuses: ASCII digits only.
        if number.isascii() and number.isdigit() and len(number) < 19:
            found = found | queryset.filter(pk=int(number))
        return found, False

    def lookup_allowed(self, lookup, value, request=None):
        """A number past 64 bits names no row, and SQLite cannot even bind it: Django's
        overflow guard covers integer fields, not a foreign key such as ?section= (a 500).
        Such a filter from a hand-made URL is refused (400) like any lookup not allowed."""
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) > 18:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).prefetch_related("authors").with_is_live().with_is_due()
        )
        if not workflow.can_publish(request.user):
            # Journalists see their own articles only: others' drafts are not their business
            # (changelist, change form, history, autocomplete all go through here).
            queryset = queryset.filter(created_by=request.user)
        return queryset

    def view_on_site(self, obj):
        # Only a live article has a public page; everything else is seen through «معاينة».
        return obj.get_absolute_url() if getattr(obj, "is_live", False) else None

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or workflow.can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and workflow.can_publish(request.user)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        if workflow.can_publish(request.user):
            return ["preview_links"] if obj else []
        # A declared form field listed here is removed from the form by the admin itself.
        return [
            *workflow.EDITOR_ONLY_FIELDS,
            *workflow.EDITOR_ONLY_FORM_FIELDS,
            "related_shown",
            *(["preview_links"] if obj else []),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, dict(options)) for name, options in self.fieldsets]
        if not workflow.can_publish(request.user):
            # Editors' picks are shown to others as they may see them (related_shown).
            shown = {"related": "related_shown"}
            for _, options in fieldsets:
                options["fields"] = [
                    shown.get(f, f)
                    for f in options["fields"]
                    if f not in workflow.EDITOR_ONLY_FORM_FIELDS
                ]
            # What only editors change is folded away, not spread over a phone's screen;
            # the workflow's rules (read-only fields, ignored forged values) stay the guarantee.
            for title, options in fieldsets:
                if title == "النشر":
                    options["fields"] = [f for f in options["fields"] if f in JOURNALIST_SEES]
                    options["classes"] = ["collapse"]
        if obj is not None:
            fieldsets.insert(1, ("المعاينة", {"fields": ["preview_links"]}))
        else:
            # A new article takes its section's choice (save_model); the box is on the
            # change form, where it is published from.
            for _, options in fieldsets:
                options["fields"] = [
                    f for f in options["fields"] if f not in ("post_to_telegram", "push_breaking")
                ]
        return fieldsets

    def get_inlines(self, request, obj):
        # Corrections are for articles that exist (and readers have seen): editors only.
        return self.inlines if obj is not None and workflow.can_publish(request.user) else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        form.action = request.POST.get("_workflow") or None if request.method == "POST" else None
        return form

    @admin.display(description=Article._meta.get_field("related").verbose_name)
    def related_shown(self, obj):
        """The editor's related picks, read-only, as the person reading the form may see
        them: someone else's unpublished article is «مقال غير متاح», never its headline
        (Django would show every pick's headline). render_change_form says who reads."""
        reader = getattr(obj, "form_reader", None)
        if obj.pk is None or reader is None:
            return self.get_empty_value_display()
        names = workflow.headlines_for(reader, obj.related.all())
        return "، ".join(names) or self.get_empty_value_display()

    @admin.display(description="روابط المعاينة")
    def preview_links(self, obj):
        hours = settings.PREVIEW_LINK_MAX_AGE // 3600
        revoke = reverse("admin:articles_article_revoke_preview", args=[obj.pk])
        return format_html(
            '<a class="button" href="{}" target="_blank" rel="noopener">معاينة</a> '
            '<input class="vTextField preview-link" type="text" readonly value="{}" '
            'aria-label="رابط معاينة للمشاركة"> <a href="{}">إلغاء كل الروابط المشتركة</a>'
            '<div class="help">رابط المشاركة يفتح المقال كما سيراه القراء، لمن لا حساب له، '
            "مدة {} ساعة.</div>",
            obj.get_preview_url(),
            settings.SITE_URL + obj.get_preview_url(),
            revoke,
            hours,
        )

    # Saving --------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        user = request.user
        if not change:
            obj.created_by = user
            obj.post_to_telegram = bool(obj.section_id and obj.section.post_to_telegram)
        if form.action:
            workflow.apply(
                obj,
                user,
                form.action,
                at=obj.published_at,
                note=obj.review_note,
                from_state=form.original_state,
            )
        if form.cleaned_data.get("substantive_update"):
            obj.content_updated_at = timezone.now()
        if change:
            workflow.stamp(obj, user)
        else:
            obj.updated_by = user
        self.warn_about_ignored_fields(request, form, obj)
        super().save_model(request, obj, form, change)
        workflow.announce(obj, user)
        form_saved.send(sender=Article, article=obj, user=user, request=request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not change and not workflow.can_publish(request.user):
            article.authors.add(request.user)

    def save_formset(self, request, form, formset, change):
        for correction in formset.save(commit=False):
            if correction.pk is None:
                correction.created_by = request.user
            correction.save()
        for correction in formset.deleted_objects:
            correction.delete()

    def warn_about_ignored_fields(self, request, form, obj):
        """A forged POST may carry fields this user cannot change: they were left out of the
        form, so nothing was applied; say so, and log it."""
        forged = [
            name
            for name in [*workflow.EDITOR_ONLY_FIELDS, *workflow.EDITOR_ONLY_FORM_FIELDS]
            if name not in form.fields
            and any(key == name or key.startswith(f"{name}_") for key in request.POST)
        ]
        if forged:
            workflow.security_log.warning(
                "ignored fields %s from user=%s article=%s", forged, request.user.pk, obj.pk
            )
            events.send(
                __name__, "denied", request.user, target=obj, detail=f"forged fields: {forged}"
            )
            labels = "، ".join(field_label(name) for name in forged)
            messages.warning(request, f"لم تُطبَّق هذه الحقول لأنها للمحررين فقط: {labels}.")

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self.comment_transition(request, entry)
        return entry

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self.comment_transition(request, entry)
        return entry

    def comment_transition(self, request, entry):
        """The revision's comment names the workflow step, so the history reads as one."""
        action = request.POST.get("_workflow")
        if action in workflow.TRANSITIONS and reversion.is_active():
            label = workflow.TRANSITIONS[action].label
            reversion.set_comment(f"{label}. {entry.get_change_message()}".strip())

    def response_add(self, request, obj, post_url_continue=None):
        self.message_transition(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self.message_transition(request, obj)
        return super().response_change(request, obj)

    def message_transition(self, request, obj):
        action = request.POST.get("_workflow")
        if action == "schedule" or (action == "publish" and obj.is_scheduled):
            messages.success(
                request,
                f"جُدول المقال: يظهر للقراء {published_at_text(obj)}، "
                f"بعد {time_until_text(obj.published_at)}.",
            )
        elif action in DONE:
            messages.success(request, DONE[action])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            # A display method sees the article, not who reads it: related_shown needs both.
            obj.form_reader = request.user
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Workflow buttons and object tools ------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None:
            context["preview_url"] = obj.get_preview_url()
            context["workflow_buttons"] = self.buttons_for(request, obj)
            for _, extra in change_form_opened.send(sender=Article, article=obj, request=request):
                context.update(extra or {})
        return super().change_view(request, object_id, form_url, context)

    def add_view(self, request, form_url="", extra_context=None):
        context = {"workflow_buttons": [("submit", BUTTONS["submit"])], **(extra_context or {})}
        return super().add_view(request, form_url, context)

    def buttons_for(self, request, obj):
        return [
            (action, label)
            for action, label in BUTTONS.items()
            if workflow.can_transition(request.user, obj, action)
        ]

    def changelist_view(self, request, extra_context=None):
        context = {"can_recover": workflow.can_publish(request.user), **(extra_context or {})}
        return super().changelist_view(request, context)

    # Bulk actions: each article is checked and saved as its own revision ---------------

    def run_transition(self, request, queryset, action):
        done = refused = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                workflow.perform(pk, request.user, action)
                done += 1
            except (PermissionDenied, workflow.TransitionRefused, workflow.Busy):
                refused += 1
        if done:
            messages.success(request, f"{DONE[action]} عدد المقالات: {done}.")
        if refused:
            messages.warning(
                request, f"لم يُنفَّذ الإجراء على {refused} مقال لأن حالتها أو صلاحيتك لا تسمح."
            )

    @admin.action(description="إرسال المقالات المحددة للمراجعة")
    def submit_selected(self, request, queryset):
        self.run_transition(request, queryset, "submit")

    @admin.action(description="نشر المقالات المحددة الآن", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self.run_transition(request, queryset, "publish")

    @admin.action(description="إعادة المقالات المحددة إلى المسودة", permissions=["publish"])
    def send_back_selected(self, request, queryset):
        self.run_transition(request, queryset, "send_back")

    @admin.action(description="سحب المقالات المحددة من النشر", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self.run_transition(request, queryset, "unpublish")
