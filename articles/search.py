"""Arabic full-text search over published articles, on PostgreSQL and on SQLite.

Both databases see the same words: `Article.save()` stores the headline and the rest of the
text normalized by `core.arabic.search_words` (tashkeel, tatweel, alef forms, ى, digits).
PostgreSQL stems them with its built-in `arabic` configuration into a GIN-indexed column;
SQLite keeps an FTS5 table of the same words stemmed by snowballstemmer's Arabic stemmer,
which is the same Snowball algorithm PostgreSQL uses. Queries are parsed here into words and
never reach either database as query syntax, so no operator a reader types means anything.
"""

import functools
import re
from dataclasses import dataclass, field
from datetime import timedelta

import snowballstemmer
from django.conf import settings
from django.db import connections, transaction
from django.db.models import BooleanField, F, FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.arabic import search_words

from .models import Article, SearchEntry

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 8
SNIPPET_WORDS = 40
SNIPPET_SCAN_WORDS = 3000

# PostgreSQL: the stored generated column `search_vector` (migration `search`, GIN-indexed):
# setweight(to_tsvector('arabic', search_title), 'A') || ... (search_body, 'B').
PG_VECTOR = '"articles_article"."search_vector"'
# ts_rank's weights for D, C, B, A: a headline hit outweighs any number of body hits.
PG_WEIGHTS = "'{0.01, 0.02, 0.1, 1.0}'::float4[]"
PG_QUERY = "plainto_tsquery('arabic'::regconfig, %s)"
PG_MATCHES = f"{PG_VECTOR} @@ {PG_QUERY}"
PG_RANK = f"ts_rank({PG_WEIGHTS}, {PG_VECTOR}, {PG_QUERY})"
# SQLite: the FTS5 table `articles_search` (model SearchEntry), joined to the articles.
# bm25 weighs the title 10 to 1; it is lower for better matches, so it is negated.
FTS_MATCHES = '"articles_search" MATCH %s'
FTS_IDS = "SELECT rowid FROM articles_search WHERE articles_search MATCH %s"
FTS_RANK = '-bm25("articles_search", 10.0, 1.0)'

_stemmer = snowballstemmer.stemmer("arabic")


@functools.lru_cache(maxsize=100_000)
def stem(word):
    # The stemmer is pure Python (about 0.2 ms a word); words repeat, so cache them.
    return _stemmer.stemWord(word)


@dataclass
class Query:
    """What a reader typed, reduced to words; `message` explains an empty result."""

    text: str = ""
    words: list = field(default_factory=list)
    message: str = ""

    @classmethod
    def parse(cls, raw):
        text = (raw or "").strip()
        if not text:
            return cls(message="اكتب كلمة أو أكثر للبحث عنها.")
        if len(text) > MAX_QUERY_CHARS:
            return cls(
                text=text[:MAX_QUERY_CHARS],
                message=f"عبارة البحث أطول من {MAX_QUERY_CHARS} حرف؛ اختصرها وأعد المحاولة.",
            )
        words = list(dict.fromkeys(search_words(text)))
        if not words:
            return cls(text=text, message="لا تحتوي عبارة البحث على كلمات يمكن البحث عنها.")
        if len(words) > MAX_QUERY_WORDS:
            return cls(
                text=text,
                message=f"ابحث بـ {MAX_QUERY_WORDS} كلمات على الأكثر.",
            )
        return cls(text=text, words=words)

    @functools.cached_property
    def stems(self):
        return {stem(word) for word in self.words}


class Results:
    """Published articles matching every word of a query, best first, for a Paginator.

    One query reads the newest NEWSROOM_SEARCH_MAX_RESULTS matches as three narrow columns
    (id, rank, date): it answers count() and the order of every page, sorted here. A page
    then fetches only its own rows by id. Ranking every match of a common word (one article
    in eight at a million) took 1.5 s, and sorting the capped matches as whole rows (body
    included) took 200 ms; the narrow read ranks only what it returns."""

    ordered = True

    def __init__(self, found):
        found = list(found)
        found.sort(key=lambda row: (row[1], row[2], row[0]), reverse=True)
        self.ids = [pk for pk, _, _ in found]

    @staticmethod
    def newest(candidates):
        """The one query: (id, rank, date) of the newest matches, up to the cap."""
        rows = candidates.order_by("-published_at", "-id").values_list("pk", "rank", "published_at")
        return rows[: settings.NEWSROOM_SEARCH_MAX_RESULTS]

    def count(self):
        return len(self.ids)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1 or None][0]
        ids = self.ids[key]
        rows = Article.objects.filter(pk__in=ids).select_related("section", "lead_image").order_by()
        by_id = {row.pk: row for row in rows}
        return [by_id[pk] for pk in ids if pk in by_id]

    def __len__(self):
        return len(self.ids)


def search_articles(query):
    using = Article.objects.db
    if connections[using].vendor != "postgresql":
        return Results(newest_matches(query))
    # One transaction, so that the estimate's plan_cache_mode (PG_ESTIMATE) holds for the
    # query that reads the matches, and ends with it.
    with transaction.atomic(using=using):
        return Results(newest_matches(query))


def newest_matches(query):
    """(id, rank, date) of the newest NEWSROOM_SEARCH_MAX_RESULTS published matches of
    `query`. On PostgreSQL through whichever index reads fewer rows for these words."""
    postgresql = connections[Article.objects.db].vendor == "postgresql"
    if query.words and postgresql and expects_few_matches(query):
        return newest_through_text_index(query)
    return Results.newest(matches(query))


# Whether the words' articles are few enough to read them all through the GIN index, in one
# query. First PostgreSQL's own estimate (its planner's rule for `tsvector @@ tsquery`, from
# what ANALYZE keeps in pg_stats): a lexeme among the column's most common elements has its
# measured frequency, any other min(0.005, the rarest measured / 2); the frequencies of
# several words are multiplied. That product assumes the words independent; words that go
# together (الأمم المتحدة, دير الزور) meet far more often than it says. So when the estimate
# is under the bound, the newest articles are sampled (through the date index, 50 matches'
# worth at the bound's frequency: 1,580 articles at a million) and the words' frequency
# among them decides. The sample is also what the walk's cost depends on. Counting the
# matches from the GIN index instead cost as much as reading them (PostgreSQL fetched each
# article of a text-search bitmap): 160 ms for two common words at 890,000.
#
# It also sets plan_cache_mode for the rest of the transaction (search_articles runs the
# estimate and the matches in one): each query is planned with its words. After five runs on
# a connection a prepared query may keep a generic plan, which knows neither the words'
# frequency nor that almost every article is published: for a word one article has it
# intersected the text index with the status index's 979,000 rows (88 ms instead of 2 ms at
# a million). Planning a search takes about 2 ms; every other page keeps its kept plans.
PG_ESTIMATE = """
WITH stats AS (
    SELECT greatest(c.reltuples, 1) AS articles, c.reltuples * coalesce((
        SELECT exp(sum(ln(coalesce(
            s.most_common_elem_freqs[array_position(s.most_common_elems::text::text[], w.lexeme)],
            least(0.005,
                s.most_common_elem_freqs[cardinality(s.most_common_elems::text::text[]) + 1] / 2)
        ))))
        FROM unnest(to_tsvector('arabic'::regconfig, %(words)s)) w
    ), 0.005) AS expected
    FROM pg_class c
    LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = c.relname
        AND s.attname = 'search_vector'
    WHERE c.oid = 'articles_article'::regclass
), bound AS (
    SELECT articles, expected, sqrt(%(cap)s * articles) AS bound FROM stats
)
SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
    articles, expected, bound, CASE WHEN expected < bound THEN (
    SELECT count(*) * (SELECT articles / ceil(least(articles, 50 * articles / bound)) FROM bound)
    FROM (
        SELECT search_vector FROM articles_article ORDER BY published_at DESC, id DESC
        LIMIT (SELECT ceil(least(articles, 50 * articles / bound))::bigint FROM bound)
    ) newest
    WHERE search_vector @@ plainto_tsquery('arabic'::regconfig, %(words)s)
) END
FROM bound
"""


def estimated_matches(query):
    """(articles expected to have every word of `query`: from the newest articles when
    PostgreSQL's statistics expect few, else from the statistics; articles in all; the
    bound)."""
    cap = settings.NEWSROOM_SEARCH_MAX_RESULTS
    with connections[Article.objects.db].cursor() as cursor:
        cursor.execute(PG_ESTIMATE, {"words": " ".join(query.words), "cap": cap})
        _, articles, expected, bound, sampled = cursor.fetchone()
    return (expected if sampled is None else sampled), articles, bound


def expects_few_matches(query):
    """Whether reading every match through the text (GIN) index visits fewer rows than
    walking the date index until the newest matches are found. With N articles, M matches
    and a cap of C, the walk reads about C * N / M rows (M / N of them match), the text
    index M: the text index is cheaper while M < sqrt(C * N), the bound (at a million
    articles and a cap of 1,000: 31,623, 3 % of the archive)."""
    found, _, bound = estimated_matches(query)
    return found < bound


def newest_through_text_index(query):
    """The same rows as Results.newest(matches(query)), for words PostgreSQL expects in few
    articles: the matches are collected from the GIN index and sorted by date. Ordering by
    `published_at + 0` is the same order, but one no index provides, so the planner cannot
    choose to walk the date index instead (what it does when words are each common but
    rarely meet: 65,000 rows for the newest 1,000 of «سجن الزلزال» at a million). Only the
    newest matches are then ranked, in the outer query."""
    newest_first = (F("published_at") + Value(timedelta(0))).desc()
    # The column unqualified: inside the subquery it names the subquery's own table (the
    # nearest FROM), which Django aliases; PG_MATCHES would name the outer query's.
    words = RawSQL(  # noqa: S611 -- constant SQL, the words a bound parameter
        f"search_vector @@ {PG_QUERY}", [" ".join(query.words)], BooleanField()
    )
    newest = (
        Article.objects.published()
        .filter(words)
        .order_by(newest_first, "-id")
        .values("pk")[: settings.NEWSROOM_SEARCH_MAX_RESULTS]
    )
    rank = RawSQL(PG_RANK, [" ".join(query.words)], FloatField())  # noqa: S611 -- constant SQL
    rows = Article.objects.filter(pk__in=newest).annotate(rank=rank)
    return rows.order_by().values_list("pk", "rank", "published_at")


def matches(query):
    """Published articles with every word of `query`, annotated with their rank."""
    if not query.words:
        return Article.objects.none().annotate(rank=Value(0.0))
    if connections[Article.objects.db].vendor == "postgresql":
        return _postgresql(query)
    return _sqlite(query)


def text_filter(query):
    """A filter() argument: articles whose text has every word of `query`, in any spelling,
    on either database. No visibility rule: the admin's search uses it for drafts too."""
    if connections[Article.objects.db].vendor == "postgresql":
        # The words are already normalized letters and digits; plainto_tsquery stems them
        # and joins them with AND, and reads nothing in them as an operator.
        return RawSQL(PG_MATCHES, [" ".join(query.words)], BooleanField())  # noqa: S611
    return Q(pk__in=RawSQL(FTS_IDS, [fts_match(query)]))  # noqa: S611 -- bound parameter


def fts_match(query):
    # Every token is quoted, so FTS5 reads NEAR, OR, *, ( and quotes as plain text.
    return " AND ".join(fts_phrase(stem(word)) for word in query.words)


def _postgresql(query):
    rank = RawSQL(PG_RANK, [" ".join(query.words)], FloatField())  # noqa: S611 -- constant SQL
    return Article.objects.published().filter(text_filter(query)).annotate(rank=rank)


def _sqlite(query):
    match = fts_match(query)
    matches = RawSQL(FTS_MATCHES, [match], BooleanField())  # noqa: S611 -- constant SQL
    rank = RawSQL(FTS_RANK, (), FloatField())  # noqa: S611

    # The join (search_entry__isnull=False) lets FTS5 compute bm25 as it finds the rows.
    found = Article.objects.published().filter(search_entry__isnull=False).filter(matches)
    return found.annotate(rank=rank)


def fts_phrase(token):
    return '"' + token.replace('"', '""') + '"'


# The SQLite index, kept beside the article rows.


def stemmed(text):
    return " ".join(stem(word) for word in text.split())


def uses_fts(using):
    return connections[using].vendor == "sqlite"


def index_articles(articles, using="default"):
    """Write the FTS5 rows of `articles` (SQLite only; PostgreSQL indexes the columns)."""
    if not uses_fts(using):
        return
    entries = [
        SearchEntry(article_id=a.pk, title=stemmed(a.search_title), body=stemmed(a.search_body))
        for a in articles
    ]
    # The savepoint also makes FTS5 let go of the statement it keeps open after a write,
    # which would otherwise block redefining SQL functions on this connection.
    with transaction.atomic(using=using):
        SearchEntry.objects.using(using).filter(pk__in=[e.article_id for e in entries]).delete()
        SearchEntry.objects.using(using).bulk_create(entries)


def prune_index(using="default"):
    """Drop FTS5 rows whose article is gone; returns how many."""
    if not uses_fts(using):
        return 0
    stale = SearchEntry.objects.using(using).exclude(pk__in=Article.objects.values("pk"))
    return stale.delete()[0]


def article_saved(sender, instance, using, update_fields=None, raw=False, **kwargs):
    if raw or (update_fields is not None and "search_title" not in update_fields):
        return
    index_articles([instance], using)


def article_deleted(sender, instance, using, **kwargs):
    if uses_fts(using):
        with transaction.atomic(using=using):
            SearchEntry.objects.using(using).filter(pk=instance.pk).delete()


# Highlighting: built from escaped text, so only our <mark> is markup.

WORD_SPLIT_RE = re.compile(r"([\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+)")


def _matches(word, query):
    # A stem is what is left of a normalized word, so a word that doesn't contain one of the
    # query's stems cannot match: that saves stemming most words of a long body.
    for w in search_words(word):
        if any(s in w for s in query.stems) and stem(w) in query.stems:
            return True
    return False


def highlight(text, query):
    """`text` escaped, with the words that match `query` wrapped in <mark>."""
    parts = WORD_SPLIT_RE.split(text or "")
    out = []
    for i, part in enumerate(parts):
        if i % 2 and query.words and _matches(part, query):
            out.append(f"<mark>{escape(part)}</mark>")
        else:
            out.append(escape(part))
    return mark_safe("".join(out))  # noqa: S308 -- every piece above is escaped


def snippet(text, query, size=SNIPPET_WORDS):
    """About `size` words of `text` around its first match, highlighted."""
    words = (text or "").split()[:SNIPPET_SCAN_WORDS]
    first = next((i for i, w in enumerate(words) if _matches(w, query)), 0)
    start = max(0, first - size // 4)
    chunk = " ".join(words[start : start + size])
    prefix = "… " if start else ""
    suffix = " …" if start + size < len(words) else ""
    return mark_safe(prefix + highlight(chunk, query) + suffix)  # noqa: S308


def with_highlights(page, query):
    """Attach `headline_html` and `snippet_html` to each article of a results page."""
    for article in page:
        article.headline_html = highlight(article.headline, query)
        article.snippet_html = snippet(f"{article.summary} {article.body_text}", query)
    return page
