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
import threading

from django.db import transaction
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

from core.db_router import reading_primary
from jobs.queue import enqueue, job
from pagecache.generation import bump_generation, remember

from .models import Article, ArticleTag

RECENT = 100
# How many ranked ids an article remembers: twice the block, so that articles retracted or
# expired since (dropped when the page reads the list back) rarely leave it short.
REMEMBERED = 12
SHOWN = 6
# At most this many lists are ranked after one commit (about 15 ms each at 10,000 articles,
# 37 ms at a million); see rank_committed.
RANK_AT_ONCE = 20
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
        # COUNT(*), not COUNT(id): PostgreSQL then counts from the tag index alone. Counting
        # the ids read every carrier's row: 49 ms for three tags at a million articles,
        # against 2 ms (most of a live-ranked article page).
        sizes = ArticleTag.objects.filter(tag__in=tag_ids).values_list("tag").annotate(n=Count("*"))
        return {tag: 1.0 / math.log(1.0 + n) for tag, n in sizes}

    return remember("tagweights:" + ",".join(map(str, sorted(tag_ids))), count)


def candidate_pool(article, tag_ids, excluded, among):
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
    section = among.filter(section=article.section_id).exclude(pk__in=excluded)
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


def related_articles(article, limit=SHOWN, exclude_ids=(), among=None):
    """Up to `limit` published articles for the «مقالات ذات صلة» block, best first: the
    picks, newest first, then the others by score halved every HALF_LIFE_DAYS of age.
    Ranked in SQL, so only the cards shown are fetched: score x 0.5^(age / half-life) orders
    like ln(score) + ln 2 x published / half-life (the clock's term is the same for all, so
    the order of two candidates never changes with time). `among` widens the candidates
    (`remember_related` ranks scheduled articles too); pages pass nothing."""
    if among is None:
        among = Article.objects.published()
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
        among.filter(pk__in=candidate_pool(article, sorted(weights), excluded, among))
        .exclude(pk__in=excluded)
        .annotate(
            is_pick=Exists(picks.filter(to_article=OuterRef("pk"))),
            rank=Case(When(is_pick=True, then=Epoch("published_at")), default=decayed),
        )
        .cards()
        .order_by("-is_pick", F("rank").desc(), "-published_at", "-id")[:limit]
    )


# Remembered lists ---------------------------------------------------------------------------
#
# Ranking costs about ten milliseconds (more than the rest of the page); every save bumps the
# page cache's generation, so during a busy news day every article page is rendered again
# minutes after its last render. The ranking is therefore done when the inputs change (the
# article's tags, picks, body, section or status, or a new story that it would suggest) and
# stored on the article; a page reads the list back through the visibility rule. Because
# the order of two candidates never changes with time (see related_articles), the stored
# list is the live ranking except for stories published since that it does not suggest.

_pending = threading.local()


# Built once (building it cost a fifth of the block); each use filters a clone by id.
PUBLIC_CARDS = Article.objects.published().cards().order_by()


def suggested(article, limit=SHOWN):
    """The block as public pages show it: the remembered list through the visibility rule
    (a retracted or expired story drops out at once, a scheduled one appears at its time),
    in one query. Only the first `limit` are read (reading all REMEMBERED built twice the
    model instances a page shows); the rest are read, in a second query, only when some of
    those are no longer public. An article not ranked since lists were remembered is ranked
    live."""
    if article.suggested_ids is None:
        return related_articles(article, limit)
    found = {card.pk: card for card in PUBLIC_CARDS.filter(pk__in=article.suggested_ids[:limit])}
    if len(found) < limit:
        found |= {
            card.pk: card for card in PUBLIC_CARDS.filter(pk__in=article.suggested_ids[limit:])
        }
    return [found[pk] for pk in article.suggested_ids if pk in found][:limit]


def remember_related(pks, neighbours=True):
    """Rank and store the list of each article in `pks`. With `neighbours`, the lists of the
    stories that a published or scheduled one now suggests are ranked again too: a follow-up
    then shows on the stories it follows. Returns how many lists changed."""
    # From the primary: this runs right after a commit that a replica may not have yet.
    with reading_primary():
        changed, suggested_by_them = _rank_and_store(set(pks))
        if neighbours:
            changed += _rank_and_store(suggested_by_them - set(pks))[0]
    return changed


def _rank_and_store(pks):
    """(lists changed, ids shown by the published or scheduled ones). Candidates include
    scheduled articles (status published, any time): pages filter them out until then."""
    candidates = Article.objects.filter(status=Article.Status.PUBLISHED)
    changed, shown = 0, set()
    for article in Article.objects.filter(pk__in=pks).prefetch_related("tags"):
        ranked = [a.pk for a in related_articles(article, REMEMBERED, among=candidates)]
        if ranked != article.suggested_ids:
            Article.objects.filter(pk=article.pk).update(suggested_ids=ranked)
            changed += 1
        if article.status == Article.Status.PUBLISHED:
            shown.update(ranked[:SHOWN])
    return changed, shown


def rank_after_commit(pk, using=None):
    """Queue `pk` to be ranked once the transaction commits (once however many signals a
    save sends: the article, each tag, the picks). A list that changed makes cached pages
    stale (the save's own invalidation may already have run)."""
    if not hasattr(_pending, "pks"):
        _pending.pks = set()
    _pending.pks.add(pk)

    def flush():
        pks, _pending.pks = _pending.pks, set()
        if pks:
            enqueue(rank_job, sorted(pks), key=f"related:{','.join(map(str, sorted(pks)))}")

    # Robust: the content is committed whatever happens here; a failure is logged, and the
    # page keeps showing the previous list (the job is queued, retried, or stopped in the
    # admin's «مهام متوقفة»).
    transaction.on_commit(flush, using=using, robust=True)


@job("ترتيب المقالات ذات الصلة")
def rank_job(pks):
    """In a worker, after the save committed (idempotent: ranking again gives the same list)."""
    with reading_primary():
        if rank_committed(pks):
            bump_generation()


def rank_committed(pks):
    """Rank what one commit changed, inside the request that made it, so bounded: an
    editor's save (one article) ranks it and the stories it suggests; a change touching many
    articles at once (deleting a popular tag, a bulk action) ranks the newest RANK_AT_ONCE
    and marks the others unranked, so their pages rank live until `rank_related` runs.
    Returns how many lists changed."""
    if len(pks) == 1:
        return remember_related(pks)
    changed = 0
    if len(pks) > RANK_AT_ONCE:
        # Published newest first (the most read); drafts, whose lists no one sees, last.
        newest = Article.objects.filter(pk__in=pks).order_by(
            F("published_at").desc(nulls_last=True), "-id"
        )
        pks = list(newest.values_list("pk", flat=True))
        changed = Article.objects.filter(pk__in=pks[RANK_AT_ONCE:]).update(suggested_ids=None)
        pks = pks[:RANK_AT_ONCE]
    return changed + remember_related(pks, neighbours=False)


def forget_pending():
    """Drop queued rankings whose transaction rolled back (they would otherwise ride along
    with the next commit of this thread: harmless, but wasted work)."""
    _pending.pks = set()


# The inputs of the ranking; a save limited to other fields (preview secret, version) does
# not rank again.
RANKED_FIELDS = {"body", "section", "status", "published_at", "expire_at"}


def article_saved(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not RANKED_FIELDS.intersection(update_fields)):
        return
    rank_after_commit(instance.pk, using)


def tagging_changed(sender, instance, raw=False, using=None, **kwargs):
    if not raw:
        rank_after_commit(instance.content_object_id, using)


def picks_changed(sender, instance, action, using=None, reverse=False, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        rank_after_commit(instance.pk, using)


def connect_ranking():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    post_save.connect(article_saved, sender=Article, dispatch_uid="related-article")
    post_save.connect(tagging_changed, sender=ArticleTag, dispatch_uid="related-tag-save")
    post_delete.connect(tagging_changed, sender=ArticleTag, dispatch_uid="related-tag-del")
    m2m_changed.connect(picks_changed, sender=Article.related.through, dispatch_uid="related-m2m")
