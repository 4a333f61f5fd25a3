"""The admin's home page per role (the desk), the editors' calendar, and the desk's quick
retract. Behind the admin's login (desk/urls.py); the rules are articles/workflow.py's."""

from datetime import date as Date
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.forms import zone_label
from articles.models import Article
from core.date_range import in_date_range

from . import panels

NOT_EDITOR = "التقويم للمحررين وحدهم."
BAD_DATE = "التاريخ في الرابط غير صالح؛ اكتبه هكذا: 2026-12-03، بين عامي 1900 و2100."
BAD_VIEW = "طريقة العرض في الرابط غير معروفة؛ اختر «يوم» أو «أسبوع»."


def page(request, template, context, status=200):
    context = {**admin.site.each_context(request), **context}
    return TemplateResponse(request, template, context, status=status)


def desk(request):
    user = request.user
    context = {"title": "مكتب التحرير", "now": timezone.now()}
    if workflow.can_publish(user):
        context |= {"role": "editor", "zone": zone_label(), **panels.editor_panels(context["now"])}
    elif user.has_perm("articles.view_article"):
        context |= {"role": "journalist", **panels.journalist_panels(user)}
    return page(request, "desk/desk.html", context)


def app_list(request):
    """Django's own index (every model the person may use, recent actions) under its own
    address, since the desk took the admin's home."""
    context = {"title": admin.site.index_title, "app_list": admin.site.get_app_list(request)}
    return page(request, "admin/index.html", context)


def parse_day(text):
    try:
        day = Date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_date_range(day) and in_date_range(day + timedelta(days=7)) else None


def calendar(request):
    if not workflow.can_publish(request.user):
        workflow.security_log.warning("denied: user=%s action=calendar", request.user.pk)
        return page(request, "desk/refused.html", {"title": NOT_EDITOR}, status=403)
    today = timezone.localdate()
    view = request.GET.get("view", "week")
    day = parse_day(request.GET["date"]) if "date" in request.GET else today
    error = BAD_VIEW if view not in {"day", "week"} else BAD_DATE if day is None else None
    if error:
        return page(request, "desk/refused.html", {"title": error, "retry": True}, status=400)
    first = day if view == "day" else panels.week_start(day)
    length = timedelta(days=1 if view == "day" else 7)
    start, end = panels.day_start(first), panels.day_start(first + length)
    articles = panels.calendar_articles(start, end)
    context = {
        "title": "تقويم النشر",
        "view": view,
        "first": first,
        "last": first + length - timedelta(days=1),
        "days": panels.by_local_day(articles[: panels.CALENDAR_SHOWN]),
        "more": len(articles) > panels.CALENDAR_SHOWN,
        "shown": panels.CALENDAR_SHOWN,
        "zone": zone_label(start),
        "prev": (first - length).isoformat(),
        "next": (first + length).isoformat(),
        "today": today,
        "now": timezone.now(),
    }
    return page(request, "desk/calendar.html", context)


def retract(request, pk):
    """«سحب من النشر» from the desk: a page that asks first (GET changes nothing), then the
    workflow's own transition under the version lock (POST)."""
    article = Article.objects.filter(pk=pk).first() if pk < 2**63 else None
    if article is None:
        return page(request, "desk/refused.html", {"title": "لم نجد هذا المقال."}, status=404)
    context = {"title": "سحب مقال من النشر", "article": article}
    if not workflow.can_transition(request.user, article, "unpublish"):
        if not workflow.may_transition(request.user, article, "unpublish"):
            workflow.security_log.warning(
                "denied: user=%s action=retract article=%s", request.user.pk, article.pk
            )
            context["title"] = "سحب المقالات من النشر للمحررين وحدهم."
            return page(request, "desk/refused.html", context, status=403)
        context["title"] = "هذا المقال ليس منشوراً ولا مجدولاً، فلا شيء يُسحب."
        return page(request, "desk/refused.html", context, status=409)
    if request.method != "POST":
        return page(request, "desk/retract.html", context)
    version = request.POST.get("version", "")
    if not (version.isascii() and version.isdigit() and len(version) < 10):
        context["error"] = "الطلب ناقص: أعد فتح هذه الصفحة من المكتب ثم أكّد."
        return page(request, "desk/retract.html", context, status=400)
    try:
        workflow.perform(article.pk, request.user, "unpublish", loaded_version=int(version))
    except workflow.StaleEdit as stale:
        context["error"] = (
            f"لم يُسحب المقال: حفظه «{workflow.display_name(stale.current.updated_by)}» "
            "بعد أن فتحتَ هذه الصفحة. راجع النسخة الحالية ثم أكّد من جديد."
        )
        context["article"] = stale.current
        return page(request, "desk/retract.html", context, status=409)
    except workflow.Busy as busy:
        context["error"] = busy.message
        return page(request, "desk/retract.html", context, status=409)
    except (PermissionDenied, workflow.TransitionRefused):
        context["title"] = "تعذّر سحب المقال: حالته أو صلاحيتك لا تسمح."
        return page(request, "desk/refused.html", context, status=409)
    messages.success(request, f"سُحب من النشر: «{article.headline}».")
    return redirect(reverse("desk"))
