"""The article form's autosave: JSON for static/js/writing.js. Every request is checked as a
save of the same article would be (articles/workflow.py), and costs a fixed number of
queries (tests/test_autosave.py pins it)."""

import json
import re

from django.db import IntegrityError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from articles import workflow
from articles.models import Article

from .models import MAX_NEW_DRAFTS, Autosave

# Characters of the JSON sent: a body at its longest (articles/body/editor.py,
# BODY_MAX_LENGTH = 500,000) and the other fields with room to spare.
MAX_CHARS = 600_000
TOO_BIG = (
    "النص أطول من أن يُحفظ تلقائياً (الحد {limit:,} حرفاً). لم يُحفظ هذا التعديل تلقائياً؛ "
    "احفظ المقال بزر «حفظ» حتى لا تفقده."
)
REFUSED = "لا يمكنك الحفظ التلقائي في هذا المقال: ليس لك تعديله في حالته الحالية."
NOT_FOUND = "المقال غير موجود أو حُذف."
BAD_REQUEST = "طلب الحفظ التلقائي غير صالح؛ أعد تحميل الصفحة."
STAFF_ONLY = "الحفظ التلقائي لفريق التحرير فقط."
DRAFT_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")
# A split date and time posts as name_0 and name_1.
FIELD_NAME = re.compile(r"^(?P<field>[a-z_]+?)(?:_[01])?$")


class Refused(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def error(message, status):
    return JsonResponse({"error": message}, status=status)


def checked_article(user, pk):
    """The article `pk` if `user` may save it (the same rule as the change form)."""
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
        raise Refused(BAD_REQUEST, 400)
    article = (
        Article.objects.only("status", "created_by_id", "published_at", "version")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise Refused(NOT_FOUND, 404)
    if not workflow.can_edit(user, article):
        workflow.security_log.warning("denied: user=%s action=autosave article=%s", user.pk, pk)
        raise Refused(REFUSED, 403)
    return article


def checked_new(user):
    if not (user.is_active and user.has_perm("articles.add_article")):
        raise Refused(REFUSED, 403)


def is_value(value):
    if isinstance(value, str):
        return True
    return isinstance(value, list) and all(
        isinstance(item, list) and len(item) == 2 and all(isinstance(p, str) for p in item)
        for item in value
    )


def kept_fields(user, article, fields):
    """The values of the fields this person may change in this article (or in a new one):
    editor-only fields are dropped for everyone else, as the form leaves them out."""
    if not isinstance(fields, dict):
        raise Refused(BAD_REQUEST, 400)
    publisher = workflow.can_publish(user)
    kept = {}
    for name, value in fields.items():
        match = FIELD_NAME.match(name) if isinstance(name, str) else None
        field = match and match["field"]
        if field not in workflow.EDITABLE_FIELDS and field != "substantive_update":
            continue
        if not is_value(value):
            raise Refused(BAD_REQUEST, 400)
        editor_only = field in workflow.EDITOR_ONLY_FIELDS + workflow.EDITOR_ONLY_FORM_FIELDS
        if editor_only and not publisher:
            continue
        kept[name] = value
    return kept


def offer(autosave, article):
    """What the form shows: when, whether it is older than the article, the values."""
    return {
        "found": True,
        "draft_key": autosave.draft_key,
        "saved_at": autosave.saved_at.isoformat(),
        "saved_at_text": workflow.local_time_text(autosave.saved_at),
        "based_on_version": autosave.based_on_version,
        "current_version": article.version if article else None,
        "stale": autosave.is_stale(article.version) if article else False,
        "fields": autosave.data,
    }


@require_http_methods(["GET", "POST"])
def autosave(request):
    """GET ?article=<id> (or ?new=1, the newest never-saved draft): the offer, if any.
    POST JSON {article, draft_key, based_on, fields}: store this person's unsaved form."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return error(STAFF_ONLY, 403)
    try:
        if request.method == "GET":
            return read(request)
        return store(request)
    except Refused as refused:
        return error(str(refused), refused.status)


def read(request):
    user = request.user
    raw = request.GET.get("article", "")
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
            raise Refused(BAD_REQUEST, 400)
        article = checked_article(user, int(raw))
        found = Autosave.objects.filter(user=user, article=article).first()
    else:
        checked_new(user)
        article = None
        found = Autosave.objects.filter(user=user, article=None).order_by("-saved_at").first()
    return JsonResponse(offer(found, article) if found else {"found": False})


def store(request):
    user = request.user
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > 4 * MAX_CHARS:
        raise Refused(TOO_BIG.format(limit=MAX_CHARS), 413)
    try:
        text = request.body.decode()
    except UnicodeDecodeError:
        raise Refused(BAD_REQUEST, 400) from None
    if len(text) > MAX_CHARS:
        raise Refused(TOO_BIG.format(limit=MAX_CHARS), 413)
    try:
        payload = json.loads(text)
    except ValueError:
        raise Refused(BAD_REQUEST, 400) from None
    if not isinstance(payload, dict):
        raise Refused(BAD_REQUEST, 400)
    pk = payload.get("article")
    based_on = payload.get("based_on")
    if based_on is not None and (not isinstance(based_on, int) or not 0 < based_on < 2**31):
        raise Refused(BAD_REQUEST, 400)
    if pk is None:
        checked_new(user)
        article = None
        key = payload.get("draft_key")
        if not isinstance(key, str) or not DRAFT_KEY.match(key):
            raise Refused(BAD_REQUEST, 400)
        lookup = {"user": user, "article": None, "draft_key": key}
    else:
        article = checked_article(user, pk)
        lookup = {"user": user, "article": article}
    fields = kept_fields(user, article, payload.get("fields"))
    values = {"data": fields, "based_on_version": based_on, "saved_at": timezone.now()}
    try:
        saved, _ = Autosave.objects.update_or_create(**lookup, defaults=values)
    except IntegrityError:
        # Two saves of the same form crossed (the tab hidden and the page closed at once):
        # the other created the row after this one looked. On SQLite this transaction cannot
        # see that row yet; a new one can, and updates it.
        saved, _ = Autosave.objects.update_or_create(**lookup, defaults=values)
    if article is None:
        newest = Autosave.objects.filter(user=user, article=None).order_by("-saved_at")
        keep = list(newest.values_list("pk", flat=True)[:MAX_NEW_DRAFTS])
        newest.exclude(pk__in=keep).delete()
    stale = saved.is_stale(article.version) if article else False
    return JsonResponse({"saved_at_text": workflow.local_time_text(saved.saved_at), "stale": stale})


@require_POST
def discard(request):
    """«تجاهل»: forget this person's autosave of an article (?article=<id>) or of a new
    draft (?draft=<key>). Only their own rows can match."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return error(STAFF_ONLY, 403)
    raw = request.GET.get("article", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 19:
        Autosave.objects.filter(user=user, article_id=int(raw)).delete()
    elif DRAFT_KEY.match(request.GET.get("draft", "")):
        Autosave.objects.filter(user=user, article=None, draft_key=request.GET["draft"]).delete()
    else:
        return error(BAD_REQUEST, 400)
    return JsonResponse({"discarded": True})
