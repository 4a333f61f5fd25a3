"""«مقالات ذات صلة»: which published articles to offer beside an article.

Order: the editors' picks, then automatic candidates scored by the tags they share (a rare tag
says more than a common one: weight 1/ln(1 + articles carrying it)) plus a bonus for the same
section, decayed by age. Never the article itself, never a non-public article, never one that
the body already links to. With no tags and no picks this is the section's latest.

Bounded at any archive size: candidates are the picks, the newest RECENT articles carrying
each tag and the newest RECENT of the section (index probes, see `candidate_pool`), scored in
one SELECT; the tag
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
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Ln

from .models import Article, ArticleTag
from .pagecache import remember

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


def candidate_pool(article, tag_ids, excluded):
    """Ids worth scoring, as one subquery of index probes: the editors' picks, the newest
    RECENT articles carrying each of the article's tags (newest by id, read from the
    (tag, article) index without touching the articles) and the newest RECENT public
    articles of the section. A UNION, so the scoring query reads these rows by primary key;
    an OR of the three made PostgreSQL scan every article. Each sliced part sits inside an
    unsliced one because SQLite allows no LIMIT in a compound statement's parts."""
    newest = ("-published_at", "-id")
    picks = Article.related.through.objects.filter(from_article=article.pk)
    parts = [picks.values("to_article")]
    for tag in tag_ids:
        newest_carriers = ArticleTag.objects.filter(tag=tag).order_by("-content_object_id")
        parts.append(
            ArticleTag.objects.filter(pk__in=newest_carriers.values("pk")[:RECENT]).values(
                "content_object"
            )
        )
    section = (
        Article.objects.published().filter(section=article.section_id).exclude(pk__in=excluded)
    )
    parts.append(
        Article.objects.filter(pk__in=section.order_by(*newest).values("pk")[:RECENT])
        .order_by()
        .values("pk")
    )
    return parts[0].union(*parts[1:])


class Epoch(Func):
    """Seconds since 1970 of a datetime column, as a float, on both databases."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores SQLite datetimes as UTC text, which julianday() reads.
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


def related_articles(article, limit=6, exclude_ids=()):
    """Up to `limit` published articles for the «مقالات ذات صلة» block, best first: the
    picks, newest first, then the others by score halved every HALF_LIFE_DAYS of age.
    Ranked in SQL, so only the cards shown are fetched: score x 0.5^(age / half-life) orders
    like ln(score) + ln 2 x published / half-life (the clock's term is the same for all)."""
    excluded = {article.pk, *exclude_ids, *linked_article_ids(article.body)}
    weights = tag_weights([tag.pk for tag in article.tags.all()])
    picks = Article.related.through.objects.filter(from_article=article.pk)
    same_section = Q(section=article.section_id)
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
    score = tag_score + Case(When(same_section, then=Value(SECTION_BONUS)), default=Value(0.0))
    per_second = math.log(2) / (HALF_LIFE_DAYS * 86400)
    decayed = Ln(Greatest(score, Value(1e-9))) + Value(per_second) * Epoch("published_at")
    return list(
        Article.objects.published()
        .filter(pk__in=candidate_pool(article, sorted(weights), excluded))
        .exclude(pk__in=excluded)
        .annotate(
            is_pick=Exists(picks.filter(to_article=OuterRef("pk"))),
            rank=Case(When(is_pick=True, then=Epoch("published_at")), default=decayed),
        )
        .cards()
        .order_by("-is_pick", F("rank").desc(), "-published_at", "-id")[:limit]
    )
