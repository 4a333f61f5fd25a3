from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, When
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sections.models import Section

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


@require_GET
@staff_member_required
def editor_article_search(request):
    """For the editor's "اقرأ أيضاً" button: any article by headline, with its status, so the
    journalist sees whether the link will show (links to hidden articles are not rendered)."""
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:200]
    articles = Article.objects.filter(headline__icontains=query).annotate(
        is_live=Case(
            When(Article.objects.published_q(), then=True),
            default=False,
            output_field=BooleanField(),
        )
    )
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
