from typing import NamedTuple

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.absolute_urls import absolute_url
from core.routing import object_url
from pagecache import surrogate
from sections.models import Section
from tags.models import Tag

from . import extensions, workflow
from .body.embeds import render_embeds
from .body.links import resolve_article_links
from .body.read_also import insert_read_also
from .context_processors import nav_sections
from .models import Article, Correction
from .paginators import ListingPage
from .presentation import reading_minutes
from .related import related_articles, suggested
from .search import Query, search_articles, with_highlights
from .sitemaps import SITEMAPS, article_page_range, article_sitemap_page

PAGE_SIZE = 20
TOP_STORIES = 4
LATEST = 8
PER_SECTION = 4


def page_number(request):
    """The listing's ?page=, a positive integer of at most six ASCII digits, or a 404."""
    number = request.GET.get("page", "1")
    # isdigit() alone accepts "²", which int() refuses: ASCII digits only.
    if not (number.isascii() and number.isdigit()) or len(number) > 6 or int(number) < 1:
        raise Http404
    return int(number)


def paginate(request, queryset, allow_empty=True):
    """A page of a listing, without a total (`ListingPage`); a page past the last is a 404,
    and with allow_empty=False an empty list is a 404 too (tag and author pages)."""
    number = page_number(request)
    page = ListingPage.read(queryset, number, PAGE_SIZE)
    if not page and (number > 1 or not allow_empty):
        raise Http404
    return page


def section_blocks(sections, shown, per_section=PER_SECTION):
    """[(section, articles)] in navigation order: each section's newest public articles not
    already shown higher on the page. Two queries whatever the size of the archive: the ids
    come from `per_section` index probes per section (a window function over every public
    article took 2 s at a million articles), then one query fetches those articles."""
    newest = (
        Article.objects.published()
        .filter(section=OuterRef("pk"))
        .exclude(pk__in=shown)
        .order_by("-published_at", "-id")
        .values("pk")
    )
    slots = {f"slot{n}": Subquery(newest[n : n + 1]) for n in range(per_section)}
    picked = Section.objects.filter(pk__in=[s.pk for s in sections]).annotate(**slots)
    ids = [pk for row in picked.values_list(*slots) for pk in row if pk is not None]
    rows = Article.objects.published().filter(pk__in=ids).for_listing()
    by_section = {}
    for article in rows:
        by_section.setdefault(article.section_id, []).append(article)
    return [(s, by_section[s.pk]) for s in sections if s.pk in by_section]


def home(request):
    featured = list(Article.objects.published().filter(is_featured=True).for_listing()[:5])
    latest = list(Article.objects.published().for_listing()[: LATEST + 5])
    lead = (featured or latest or [None])[0]
    top = [a for a in featured if a != lead][:TOP_STORIES]
    shown = {a.pk for a in [lead, *top] if a}
    latest = [a for a in latest if a.pk not in shown][:LATEST]
    blocks = section_blocks(nav_sections(request), shown)
    surrogate.add("home")
    surrogate.cards([lead, *top, *latest, *(a for _, articles in blocks for a in articles)])
    context = {"lead": lead, "top": top, "latest": latest, "blocks": blocks}
    return render(request, "articles/home.html", context)


class Credit(NamedTuple):
    """An author as an article page shows one."""

    username: str
    name: str


class TagLink(NamedTuple):
    name: str
    url: str


# An article page's row: the article (without its search text and review note, the bulk of
# it, unused here) with its section and lead image, its authors and tags, and whether it has
# corrections. Built once (building it took longer than running the query); each page
# filters a clone by id.
PAGE_ROWS = (
    Article.objects.select_related("section", "lead_image", *extensions.PAGE_ROW_RELATIONS)
    .defer("search_title", "search_body", "review_note")
    .with_credits()
    .annotate(has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))))
)
PUBLIC_PAGE_ROWS = PAGE_ROWS.published()


def article_page(page_rows, pk):
    """(article, context) for an article page, in one query (PAGE_ROWS or PUBLIC_PAGE_ROWS):
    its authors (in the order they were added) and tags (by name) come in the article's row,
    and its corrections are read only when the row says it has any (most articles never do)."""
    article = page_rows.filter(pk=pk).first()
    if article is None:
        raise Http404
    rows = sorted(article.author_rows or [])
    authors = [
        Credit(username, f"{first} {last}".strip() or username)
        for _, username, first, last, _ in rows
    ]
    # The byline shows the authors' names: renaming one purges b<id> (edge/receivers.py).
    surrogate.add(*(f"b{user}" for *_, user in rows))
    tags = [TagLink(name, object_url("tag", slug)) for name, slug in sorted(article.tag_rows or [])]
    corrections = list(article.public_corrections.all()) if article.has_corrections else []
    return article, {"authors": authors, "tags": tags, "corrections": corrections}


def article_context(article, page, related):
    """What an article page shows, one builder for the public page (article_detail) and the
    preview (article_preview), so a preview is what readers will get: `page` is article_page's
    context, `related` the «مقالات ذات صلة» cards. The body's internal links point at their
    targets' canonical URLs, or vanish if those are not public."""
    body = render_embeds(insert_read_also(resolve_article_links(article.body), related))
    context = page | {
        "article": article,
        "body": body,
        "reading_minutes": reading_minutes(article.body_text),
        "related": related,
        "current_section_id": article.section_id,
    }
    for extend in extensions.PAGE_CONTEXT:
        context |= extend(article)
    return context


def article_detail(request, pk, slug=None):
    article, page = article_page(PUBLIC_PAGE_ROWS, pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    context = article_context(article, page, suggested(article))
    surrogate.cards([article, *context["related"]])
    return render(request, "articles/article_detail.html", context)


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = paginate(request, section.articles.published().for_listing())
    surrogate.add(f"s{section.pk}")
    surrogate.cards(page)
    context = {"section": section, "page": page, "current_section_id": section.pk}
    return render(request, "articles/section_detail.html", context)


def tag_detail(request, slug):
    """A tag's page exists only while a public article carries it: a tag used only by
    drafts would otherwise reveal what the newsroom is working on."""
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().filter(tagged_items__tag=tag).for_listing()
    page = paginate(request, articles, allow_empty=False)
    surrogate.add(f"t{tag.pk}")
    surrogate.cards(page)
    return render(request, "articles/tag_detail.html", {"tag": tag, "page": page})


def author_detail(request, username):
    """An author's page exists only for a user with public articles, and the answer for
    anyone else (staff without articles, unknown names) is the same 404: no enumeration."""
    users = get_user_model().objects.filter(is_active=True)
    author = get_object_or_404(users.only("username", "first_name", "last_name"), username=username)
    page = paginate(
        request, Article.objects.published().filter(authors=author).for_listing(), False
    )
    surrogate.add(f"u{author.pk}")
    surrogate.cards(page)
    return render(request, "articles/author_detail.html", {"author": author, "page": page})


def search(request):
    query = Query.parse(request.GET.get("q", ""))
    number = page_number(request)  # before searching: a bad page number costs nothing
    # Search keeps its total: its matches are read (up to the cap) to be ranked anyway.
    results = Paginator(search_articles(query), PAGE_SIZE)
    if number > results.num_pages:
        raise Http404
    page = with_highlights(results.page(number), query)
    surrogate.add("home")  # any publication may change any result
    surrogate.cards(page)
    context = {
        "query": query,
        "page": page,
        "search_max_results": settings.NEWSROOM_SEARCH_MAX_RESULTS,
    }
    response = render(request, "articles/search.html", context)
    # Result pages are endless and thin: never let search engines index them.
    response["X-Robots-Tag"] = "noindex"
    return response


def sitemap_index(request):
    """/sitemap.xml: one entry per page of each sitemap, plus the news sitemap. Django's own
    index view takes the domain from the Host header; this one takes it from SITE_URL."""
    articles = reverse("sitemap_articles")
    locations = [
        absolute_url(articles if page == 1 else f"{articles}?p={page}")
        for page in article_page_range()
    ]
    for name, sitemap in SITEMAPS.items():
        url = reverse("sitemap_section", kwargs={"section": name})
        for page in sitemap().paginator.page_range:
            locations.append(absolute_url(url if page == 1 else f"{url}?p={page}"))
    locations.append(absolute_url(reverse("sitemap_news")))
    sitemaps = [{"location": location} for location in locations]
    surrogate.add("home")
    return render(request, "sitemap_index.xml", {"sitemaps": sitemaps}, "application/xml")


@require_GET
def sitemap_articles(request):
    """/sitemap-articles.xml?p=N: the public articles of the N-th block of ids (sitemaps.py).
    A page number that is not one the index lists is a 404, as Django's sitemap view does."""
    number = request.GET.get("p", "1")
    if not (number.isascii() and number.isdigit()) or len(number) > 6:
        raise Http404
    if int(number) not in article_page_range():
        raise Http404
    etag, content = article_sitemap_page(int(number))
    surrogate.add("home")
    response = HttpResponse(content, content_type="application/xml")
    if etag:
        response["ETag"] = etag  # ConditionalGetMiddleware answers 304 from it
    return response


def robots_txt(request):
    sitemaps = [absolute_url(reverse("sitemap")), absolute_url(reverse("sitemap_news"))]
    surrogate.add("site")
    return render(request, "robots.txt", {"sitemaps": sitemaps}, "text/plain; charset=utf-8")


# Draft preview: the one place a non-public article is served (DESIGN.md).


def private_noindex(response):
    """A preview must never be cached by anyone nor indexed, nor leak its URL (which holds
    the token) through the Referer of links the reader follows."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def article_preview(request, token):
    """An article in any state as readers will see it, for whoever holds a signed link
    (Article.preview_token). Staff who may see the article in the admin get any state;
    for others a retracted article is gone and a live one redirects to its public URL."""
    pk = Article.pk_from_preview_token(token)
    article, page = article_page(PAGE_ROWS, pk or 0)
    try:
        article.check_preview_token(token, max_age=settings.PREVIEW_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return private_noindex(render(request, "articles/preview_expired.html", status=403))
    except signing.BadSignature:
        raise Http404 from None
    if not workflow.can_view(request.user, article):
        if article.status == Article.Status.UNPUBLISHED:
            raise Http404
        if Article.objects.published().filter(pk=article.pk).exists():
            return private_noindex(redirect(article))
    # An article never published shows the time it would carry if published now (not
    # saved); its related cards are ranked now, as they will be when it is published.
    article.published_at = article.published_at or timezone.now()
    context = article_context(article, page, related_articles(article)) | {"preview": True}
    return private_noindex(render(request, "articles/article_preview.html", context))


@require_GET
@staff_member_required
def editor_article_search(request):
    """For the editor's "اقرأ أيضاً" button: articles by headline, with their status, so the
    journalist sees whether the link will show (links to hidden articles are not rendered).
    Only what this user may read (workflow.readable_by): a journalist gets their own articles
    and public ones, never a colleague's draft."""
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:200]
    found = Article.objects.filter(headline__icontains=query)
    articles = workflow.readable_by(request.user, found).with_is_live()
    results = [
        {
            "id": article.pk,
            "headline": article.headline,
            "status": article.get_status_display(),
            "live": article.is_live,
            "href": reverse("article_noslug", args=[article.pk]),
        }
        for article in articles.order_by("-id")[:20]
    ]
    return JsonResponse({"results": results})
