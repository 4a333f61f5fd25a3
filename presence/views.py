"""The change form's heartbeat (static/presence/presence.js). POST only, CSRF-checked,
behind the admin's login (presence/urls.py); every answer is JSON."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from articles import workflow
from articles.models import Article

from . import tracking


def article_or_none(article_id):
    if article_id > tracking.MAX_ID:
        return None
    return Article.objects.only("pk", "status", "created_by_id").filter(pk=article_id).first()


def refused(user, article):
    """The Arabic answer when `user` may not see presence on `article`, else None."""
    if article is None:
        return JsonResponse({"error": tracking.NOT_FOUND}, status=404)
    if not workflow.can_view(user, article):
        workflow.security_log.warning(
            "denied: user=%s action=presence article=%s", user.pk, article.pk
        )
        return JsonResponse({"error": tracking.FORBIDDEN}, status=403)
    return None


@require_POST
def heartbeat(request, pk):
    article = article_or_none(pk)
    if answer := refused(request.user, article):
        return answer
    # Someone who may only read the article (a journalist's own published story) sees who
    # edits it, without counting as an editor of it.
    if workflow.can_edit(request.user, article):
        tracking.record(article, request.user)
    return JsonResponse(tracking.status(article, request.user))


@require_POST
def leave(request, pk):
    if pk <= tracking.MAX_ID:
        tracking.leave(pk, request.user)
    return HttpResponse(status=204)


@require_POST
def take_over(request, pk):
    article = article_or_none(pk)
    if answer := refused(request.user, article):
        return answer
    try:
        tracking.take_over(article, request.user)
    except PermissionDenied:
        return JsonResponse({"error": tracking.TAKE_OVER_FORBIDDEN}, status=403)
    return JsonResponse(tracking.status(article, request.user))
