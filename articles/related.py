"""«مقالات ذات صلة»: which published articles to offer beside an article.

Order: the editors' picks, then automatic candidates scored by the tags they share (a rare tag
says more than a common one: weight 1/ln(1 + articles carrying it)) plus a bonus for the same
section, decayed by age. Never the article itself, never a non-public article, never one that
the body already links to. With no tags and no picks this is the section's latest.

Bounded at any archive size: candidates are the picks, the newest RECENT articles sharing a
tag and the newest RECENT of the section (index probes), scored in one SELECT; the tag
weights are one GROUP BY over the article's few tags, remembered under the page cache's
content generation. Scoring every public article (the first version) took seconds at a
million articles.
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
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Article, ArticleTag
from .pagecache import remember

CANDIDATES = 60
RECENT = 100
SECTION_BONUS = 0.5
# An article loses half its automatic score every HALF_LIFE_DAYS.
HALF_LIFE_DAYS = 30
ARTICLE_LINK_RE = re.compile(r"""href=["'](?:https?://[^/"']+)?/articles/(\d+)/""")


def linked_article_ids(body_html):
    """Ids of our articles that `body_html` links to (relative or absolute links)."""
    return {int(pk) for pk in ARTICLE_LINK_RE.findall(body_html or "")}


def tag_weights(tag_ids):
    """{tag id: 1 / ln(1 + number of articles carrying it)} for the given tags."""
    if not tag_ids:
        return {}

    def count():
        sizes = (
            ArticleTag.objects.filter(tag__in=tag_ids).values_list("tag").annotate(n=Count("pk"))
        )
        return {tag: 1.0 / math.log(1.0 + n) for tag, n in sizes}

    return remember("tagweights:" + ",".join(map(str, sorted(tag_ids))), count)


def related_articles(article, limit=6, exclude_ids=()):
    """Up to `limit` published articles for the «مقالات ذات صلة» block, best first."""
    excluded = {article.pk, *exclude_ids, *linked_article_ids(article.body)}
    weights = tag_weights([tag.pk for tag in article.tags.all()])
    public = Article.objects.published().exclude(pk__in=excluded)
    newest = ("-published_at", "-id")
    picks = Article.related.through.objects.filter(from_article=article.pk)
    sharing = public.filter(tagged_items__tag__in=list(weights)).order_by(*newest)
    same_section = Q(section=article.section_id)
    pool = (
        Q(pk__in=picks.values("to_article"))
        | Q(pk__in=Subquery(sharing.values("pk")[:RECENT]))
        | Q(pk__in=Subquery(public.filter(same_section).order_by(*newest).values("pk")[:RECENT]))
    )
    tag_score = Value(0.0)
    if weights:
        weight = Case(
            *(When(tag=tag, then=Value(w)) for tag, w in weights.items()),
            output_field=FloatField(),
        )
        shared = (
            ArticleTag.objects.filter(content_object=OuterRef("pk"), tag__in=list(weights))
            .values("content_object")
            .annotate(total=Sum(weight))
            .values("total")
        )
        tag_score = Coalesce(Subquery(shared), Value(0.0))
    candidates = (
        public.filter(pool)
        .annotate(
            is_pick=Exists(picks.filter(to_article=OuterRef("pk"))),
            score=tag_score
            + Case(When(same_section, then=Value(SECTION_BONUS)), default=Value(0.0)),
        )
        .cards()
        .order_by("-is_pick", F("score").desc(), *newest)[:CANDIDATES]
    )
    return sorted(candidates, key=_rank)[:limit]


def _rank(candidate):
    """Sort key: picks first (newest first), then by decayed score."""
    age_days = max(0.0, (timezone.now() - candidate.published_at).total_seconds() / 86400)
    decayed = candidate.score * math.pow(0.5, age_days / HALF_LIFE_DAYS)
    if candidate.is_pick:
        return (0, -candidate.published_at.timestamp())
    return (1, -decayed, -candidate.published_at.timestamp())
