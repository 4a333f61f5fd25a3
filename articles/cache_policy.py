"""What the page cache (the `pagecache` app) keeps of the reader's pages, and when it must
forget them: registered from `ArticlesConfig.ready`."""

from django.contrib.auth import get_user_model
from django.db.models import Subquery
from django.db.models.functions import Now

from images.models import Image
from pagecache.policy import register
from sections.models import Section
from tags.models import Tag

from .models import Article, ArticleTag

# A page number as the listings read it (`paginate` in articles/views.py), without the
# leading zeros it also accepts: "?page=01" is the same page as "?page=1".
PAGE_NUMBER = r"[1-9][0-9]{0,5}"
LISTING = {"page": PAGE_NUMBER}
# Every page a reader can reach without an account (tests/public_urls.py lists the same
# names, and a test keeps the two equal), with the query parameters it reads and the values
# of each that are stored: only these vary its cached copy.
URL_NAMES = {
    "home": {},
    "article": {},
    "article_noslug": {},
    "section": LISTING,
    "tag": LISTING,
    "author": LISTING,
    "search": {"q": r"(?s).{0,100}", "page": PAGE_NUMBER},
    "feed_latest": {},
    "feed_latest_atom": {},
    "feed_section": {},
    "feed_section_atom": {},
    "feed_tag": {},
    "feed_tag_atom": {},
    "sitemap": {},
    "sitemap_news": {},
    "sitemap_articles": {"p": PAGE_NUMBER},
    "sitemap_section": {"p": PAGE_NUMBER},  # Django's sitemap view pages with ?p=
    "robots": {},
}
# Every search query is a page of its own: at most this many per generation are stored, so a
# crawler of random words cannot fill the cache; the others are rendered each time.
MAX_VARIANTS = {"search": 1000}


def next_clock_change():
    """The next instant at which a page changes by the clock alone: the earliest future
    publication, expiry or end of a breaking flag among published articles (None if none).
    One query: three index probes as scalar subqueries."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    upcoming = Article.objects.scheduled().order_by("published_at")
    expiring = published.filter(expire_at__gt=Now()).order_by("expire_at")
    unbreaking = published.filter(is_breaking=True, breaking_until__gt=Now()).order_by(
        "breaking_until"
    )
    row = (
        Article.objects.annotate(
            p=Subquery(upcoming.values("published_at")[:1]),
            e=Subquery(expiring.values("expire_at")[:1]),
            b=Subquery(unbreaking.values("breaking_until")[:1]),
        )
        .values_list("p", "e", "b")
        .order_by()[:1]
    )
    instants = [moment for moment in (row[0] if row else ()) if moment is not None]
    return min(instants, default=None)


def register_with_page_cache():
    register(
        url_names=URL_NAMES,
        models=[Article, ArticleTag, Section, Tag, Image, get_user_model()],
        m2m_through=[Article.authors.through, Article.related.through, ArticleTag],
        next_clock_change=next_clock_change,
        max_variants=MAX_VARIANTS,
    )
