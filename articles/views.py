from django.conf import settings
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from sections.models import Section

from . import workflow
from .models import Article

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
    articles = Article.objects.select_related("section", "lead_image")
    articles = articles.prefetch_related("authors", "tags", "public_corrections")
    article = get_object_or_404(articles, pk=pk or 0)
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
    context = {"article": article, "body": article.body, "related": [], "preview": True}
    return private_noindex(render(request, "articles/article_preview.html", context))
