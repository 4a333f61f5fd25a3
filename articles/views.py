from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from sections.models import Section

from .models import Article
from .search import Query, search_articles, with_highlights

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
