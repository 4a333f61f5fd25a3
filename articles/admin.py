from django.contrib import admin
from django.db.models import BooleanField, Case, Value, When
from django.db.models.functions import Now
from django.utils import timezone

from .models import Article
from .paginators import EstimatedCountPaginator


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "section", "status", "visibility", "published_at", "author_names"]
    list_filter = ["status", "section", "is_featured", "is_breaking"]
    search_fields = ["headline", "summary"]
    list_select_related = ["section"]
    # A million rows: no exact COUNT(*) per page view (articles/paginators.py).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    autocomplete_fields = ["section", "lead_image", "authors", "related"]
    prepopulated_fields = {}
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "summary", "body"]}),
        ("التصنيف", {"fields": ["section", "tags", "related"]}),
        ("الصورة الرئيسية", {"fields": ["lead_image", "lead_image_caption"]}),
        ("الكتّاب والمصدر", {"fields": ["authors", "byline", "source"]}),
        (
            "النشر",
            {
                "fields": [
                    "status",
                    "published_at",
                    "expire_at",
                    "content_updated_at",
                    "is_featured",
                    "is_breaking",
                    "breaking_until",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("authors")
            .annotate(
                is_live=Case(
                    When(Article.objects.published_q(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
                is_scheduled=Case(
                    When(status=Article.Status.PUBLISHED, published_at__gt=Now(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
        )

    @admin.display(description="على الموقع")
    def visibility(self, obj):
        if obj.is_live:
            return "ظاهر"
        if obj.is_scheduled:
            return f"مجدول ({timezone.localtime(obj.published_at):%Y-%m-%d %H:%M})"
        return "غير ظاهر"

    @admin.display(description="الكتّاب")
    def author_names(self, obj):
        return "، ".join(a.get_full_name() or a.username for a in obj.authors.all())

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
