"""«مقالات ذات صلة»: which published articles to offer beside an article.

Order: the editors' picks, then automatic candidates scored by the tags they share (a rare tag
says more than a common one: weight 1/ln(1 + articles carrying it)) plus a bonus for the same
section, decayed by age. Never the article itself, never a non-public article, never one that
the body already links to. With no tags and no picks this is the section's latest.

One query: picks and candidates come from the same SELECT, scored in SQL; the age decay is
applied in Python to the best CANDIDATES of them.
"""

import math
import re

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Ln
from django.utils import timezone

from .models import Article, ArticleTag

CANDIDATES = 60
SECTION_BONUS = 0.5
# An article loses half its automatic score every HALF_LIFE_DAYS.
HALF_LIFE_DAYS = 30
ARTICLE_LINK_RE = re.compile(r"""href=["'](?:https?://[^/"']+)?/articles/(\d+)/""")


def linked_article_ids(body_html):
    """Ids of our articles that `body_html` links to (relative or absolute links)."""
    return {int(pk) for pk in ARTICLE_LINK_RE.findall(body_html or "")}


def related_articles(article, limit=6, exclude_ids=()):
    """Up to `limit` published articles for the «مقالات ذات صلة» block, best first."""
    excluded = {article.pk, *exclude_ids, *linked_article_ids(article.body)}
    own_tags = ArticleTag.objects.filter(content_object=article.pk).values("tag")
    tag_size = (
        ArticleTag.objects.filter(tag=OuterRef("tag"))
        .values("tag")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Sum over the tags a candidate shares with the article of 1 / ln(1 + tag size).
    shared = (
        ArticleTag.objects.filter(content_object=OuterRef("pk"), tag__in=own_tags)
        .annotate(weight=1.0 / Ln(1.0 + Cast(Subquery(tag_size), FloatField())))
        .values("content_object")
        .annotate(total=Sum("weight"))
        .values("total")
    )
    picks = Article.related.through.objects.filter(
        from_article=article.pk, to_article=OuterRef("pk")
    )
    same_section = Q(section=article.section_id)
    candidates = (
        Article.objects.published()
        .exclude(pk__in=excluded)
        .annotate(is_pick=Exists(picks), tag_score=Coalesce(Subquery(shared), Value(0.0)))
        .filter(Q(is_pick=True) | Q(tag_score__gt=0) | same_section)
        .annotate(
            score=F("tag_score")
            + Case(When(same_section, then=Value(SECTION_BONUS)), default=Value(0.0))
        )
        .select_related("section", "lead_image")
        .order_by("-is_pick", "-score", "-published_at", "-id")[:CANDIDATES]
    )
    return sorted(candidates, key=_rank)[:limit]


def _rank(candidate):
    """Sort key: picks first (newest first), then by decayed score."""
    age_days = max(0.0, (timezone.now() - candidate.published_at).total_seconds() / 86400)
    decayed = candidate.score * math.pow(0.5, age_days / HALF_LIFE_DAYS)
    if candidate.is_pick:
        return (0, -candidate.published_at.timestamp())
    return (1, -decayed, -candidate.published_at.timestamp())
