"""The reader's side of live coverage: the update endpoint the page polls, and the pages of
older entries (the live page itself is the article page, extended by live/pages.py)."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from articles.models import Article
from pagecache import surrogate

from .models import LiveCoverage, LiveEntry
from .pages import PAGE_ENTRIES, UPDATE_ENTRIES, entry_rows


def public_coverage(pk):
    """The live coverage of a public article, or 404 (the article is the visibility gate)."""
    public = Article.objects.published()
    coverage = get_object_or_404(
        LiveCoverage.objects.select_related("article", "article__section"),
        article__in=public,
        article__pk=pk,
    )
    surrogate.add(f"a{pk}", f"l{pk}")
    return coverage


@require_GET
def updates(request, pk):
    """The newest entries as HTML fragments, for the page's poller (static/js/live.js), with
    their last change (`v`) so an open page also takes edits and drops deleted entries. The
    page cache stores it like any page, so a poll when nothing changed is a 304 with an
    empty body, and a new entry bumps the generation and is seen by the next poll."""
    coverage = public_coverage(pk)
    entries = entry_rows(LiveEntry.objects.filter(coverage=coverage).newest())[:UPDATE_ENTRIES]
    data = {
        "state": coverage.state,
        "entries": [
            {
                "id": entry.pk,
                "v": entry.updated_at.isoformat(),
                "at": entry.published_at.isoformat(),
                "html": render_to_string("live/entry.html", {"entry": entry}, request),
            }
            for entry in entries
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def older_entries(request, pk):
    """Entries beyond the live page's first PAGE_ENTRIES, PAGE_ENTRIES a page, oldest last;
    page 1 is the live page itself."""
    coverage = public_coverage(pk)
    newest = LiveEntry.objects.filter(coverage=coverage).newest().filter(is_pinned=False)
    paginator = Paginator(entry_rows(newest), PAGE_ENTRIES)
    try:
        number = int(request.GET.get("page", "2"))
        if number < 2:
            raise Http404
        page = paginator.page(number)
    except (ValueError, PageNotAnInteger, EmptyPage):
        raise Http404 from None
    context = {"live": coverage, "article": coverage.article, "page": page}
    return render(request, "live/older_entries.html", context)
