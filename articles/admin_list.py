"""The article admin's list: the headline as the wide column, the lead image's thumbnail, the
state as a coloured label that says it in words, the publication time in the newsroom's date
language (core/dates.py), the authors; each row a card on a phone (css/admin-list.css).
`ArticleAdmin` inherits it."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.dates import time_until_text

from . import workflow
from .models import Article

# What each state is called in the list, and its label's colour class (css/admin-list.css).
# The words carry the meaning; the colour only repeats it.
LABELS = {
    "draft": ("مسودة", "draft"),
    "review": ("قيد المراجعة", "review"),
    "live": ("منشور", "live"),
    # Published, yet not shown: expired, or without a publication time.
    "hidden": ("منشور، غير ظاهر", "hidden"),
    "unpublished": ("سُحب من النشر", "unpublished"),
}
EDITOR_FILTERS = ["status", "section", "is_featured", "is_breaking"]
# Featured and breaking are the editors' decisions: filters a journalist cannot act on.
JOURNALIST_FILTERS = ["status", "section"]


def state_label(article):
    """(text, colour class) of the article's state as the list shows it. `is_live` and
    `is_due` are the queryset's annotations (with_is_live, with_is_due): the visibility rule,
    evaluated by the database."""
    if article.status == Article.Status.PUBLISHED:
        if article.is_due:
            return f"مجدول: بعد {time_until_text(article.published_at)}", "scheduled"
        return LABELS["live" if article.is_live else "hidden"]
    return LABELS.get(article.status, (article.get_status_display(), "draft"))


class ArticleListAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "headline",
        "section",
        "state",
        "published_at",
        "author_names",
    ]
    list_display_links = ["headline"]
    list_select_related = ["section", "lead_image"]

    def get_list_filter(self, request):
        return EDITOR_FILTERS if workflow.can_publish(request.user) else JOURNALIST_FILTERS

    @admin.display(description="الصورة")
    def thumbnail(self, obj):
        # The smallest card rendition, from the image's JSON record: no query, no resizing.
        # No image: an empty frame (a constant), so rows line up and Django prints no «-».
        if obj.lead_image is None:
            return mark_safe('<span class="list-thumbnail list-thumbnail-none"></span>')
        return format_html(
            '<img src="{}" alt="" width="80" height="45" loading="lazy" class="list-thumbnail">',
            obj.lead_image.thumbnail_url,
        )

    @admin.display(description="الحالة", ordering="status")
    def state(self, obj):
        text, colour = state_label(obj)
        return format_html('<span class="state-label state-{}">{}</span>', colour, text)

    @admin.display(description="الكتّاب")
    def author_names(self, obj):
        return "، ".join(a.get_full_name() or a.username for a in obj.authors.all())
