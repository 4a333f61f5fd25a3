"""The "مقالات ذات صلة" pool: what a reader of one article may want next.

Editors' picks come first, then public articles that share tags with it (more shared tags
first), then recent ones from its section. One query however many tags or picks there are.
The discovery work (issue 6) may replace the ranking; the signature stays.
"""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Article, ArticleTag


def related_articles(article, limit=6):
    """Up to `limit` public articles related to `article`, never `article` itself.

    Reads `article.tags` through the prefetch cache when the caller prefetched them.
    """
    tag_ids = [tag.pk for tag in article.tags.all()]
    picks = Article.related.through.objects.filter(
        from_article_id=article.pk, to_article_id=OuterRef("pk")
    )
    shared = (
        ArticleTag.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=tag_ids)
        .values("content_object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    candidates = (
        Article.objects.published()
        .exclude(pk=article.pk)
        .annotate(
            is_pick=Exists(picks),
            shared_tags=Coalesce(Subquery(shared, output_field=IntegerField()), Value(0)),
        )
        .filter(Q(is_pick=True) | Q(shared_tags__gt=0) | Q(section_id=article.section_id))
        .select_related("section", "lead_image")
        .order_by("-is_pick", "-shared_tags", "-published_at", "-id")
    )
    return list(candidates[:limit])
