from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from newsroom.absolute_urls import absolute_url
from sections.models import Section
from tags.models import Tag

from .models import Article
from .search import Query, search_articles, with_highlights
from .sitemaps import SITEMAPS

PAGE_SIZE = 20


def paginate(request, queryset):
    """A page of `queryset`; a page number that is not a positive integer in range is a 404."""
    number = request.GET.get("page", "1")
    if not number.isdigit() or len(number) > 6:
        raise Http404
    paginator = Paginator(queryset, PAGE_SIZE)
    if not 1 <= int(number) <= paginator.num_pages:
        raise Http404
    return paginator.page(int(number))


def home(request):
    latest = Article.objects.published().for_listing()[:PAGE_SIZE]
    return render(request, "articles/home.html", {"articles": latest})


def article_detail(request, pk, slug=None):
    article = get_object_or_404(Article.objects.published().select_related("section"), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    return render(request, "articles/article_detail.html", {"article": article})


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = paginate(request, section.articles.published().for_listing())
    return render(request, "articles/section_detail.html", {"section": section, "page": page})


def search(request):
    query = Query.parse(request.GET.get("q", ""))
    page = with_highlights(paginate(request, search_articles(query)), query)
    response = render(request, "articles/search.html", {"query": query, "page": page})
    # Result pages are endless and thin: never let search engines index them.
    response["X-Robots-Tag"] = "noindex"
    return response


def tag_detail(request, slug):
    """Stand-in for the reader's tag page (issue 3), which replaces it at merge: feeds and
    sitemaps link to tag pages. Only tags carried by a public article have one."""
    tag = get_object_or_404(Tag.objects.filter(pk__in=Article.objects.public_tag_ids()), slug=slug)
    page = paginate(request, Article.objects.published().filter(tags=tag).for_listing())
    return render(request, "articles/section_detail.html", {"section": tag, "page": page})


def sitemap_index(request):
    """/sitemap.xml: one entry per page of each sitemap, plus the news sitemap. Django's own
    index view takes the domain from the Host header; this one takes it from SITE_URL."""
    locations = []
    for name, sitemap in SITEMAPS.items():
        url = reverse("sitemap_section", kwargs={"section": name})
        for page in sitemap().paginator.page_range:
            locations.append(absolute_url(url if page == 1 else f"{url}?p={page}"))
    locations.append(absolute_url(reverse("sitemap_news")))
    sitemaps = [{"location": location} for location in locations]
    return render(request, "sitemap_index.xml", {"sitemaps": sitemaps}, "application/xml")


def robots_txt(request):
    sitemaps = [absolute_url(reverse("sitemap")), absolute_url(reverse("sitemap_news"))]
    return render(request, "robots.txt", {"sitemaps": sitemaps}, "text/plain; charset=utf-8")
