"""The readers' side of Web Push: subscribe, unsubscribe, the CSRF token they need, and the
service worker. Pages stay cacheable: nothing per reader is in their HTML; the control's
script asks /push/token/ (never cached) for a CSRF token when the reader clicks."""

import base64
import binascii
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from live.models import LiveCoverage

from .models import PushSubscription

MAX_BODY_BYTES = 4096  # a subscription is ~400 bytes of JSON
SW_PATH = settings.BASE_DIR / "static" / "sw.js"


class Invalid(Exception):
    pass


def refuse(message, status=400):
    return JsonResponse({"ok": False, "error": message}, status=status)


def decoded(value, length, what):
    if not isinstance(value, str) or len(value) > 200:
        raise Invalid(f"مفتاح {what} غير صالح.")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise Invalid(f"مفتاح {what} غير صالح.") from None
    if len(raw) != length:
        raise Invalid(f"مفتاح {what} غير صالح.")
    return value


def allowed_endpoint(value):
    if not isinstance(value, str) or not value or len(value) > 1000:
        raise Invalid("عنوان خدمة الإشعارات مفقود أو طويل جدًا.")
    parts = urlsplit(value)
    origin = f"{parts.scheme}://{parts.netloc}"
    if parts.scheme != "https" and origin not in settings.PUSH_ALLOWED_ORIGINS:
        raise Invalid("عنوان خدمة الإشعارات يجب أن يبدأ بـ https://.")
    if origin not in settings.PUSH_ALLOWED_ORIGINS:
        raise Invalid("خدمة الإشعارات هذه غير مقبولة.")
    return value


def topic_of(value):
    if value in (None, "", PushSubscription.BREAKING):
        return PushSubscription.BREAKING
    if (
        isinstance(value, str)
        and len(value) <= 40
        and value.startswith("live:")
        and value[5:].isdigit()
    ):
        return value
    raise Invalid("موضوع التنبيهات غير معروف.")


def read_json(request):
    if len(request.body) > MAX_BODY_BYTES:
        raise Invalid("الطلب أكبر من المسموح.")
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Invalid("الطلب ليس JSON صالحًا.") from None
    if not isinstance(data, dict):
        raise Invalid("الطلب ليس JSON صالحًا.")
    return data


def checked_request(view):
    """Size first (before Django reads the body), then Arabic errors for anything wrong."""

    def wrapper(request):
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            return refuse("الطلب أكبر من المسموح.", status=413)
        try:
            return view(request, read_json(request))
        except Invalid as error:
            return refuse(str(error))

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_POST
@never_cache
@checked_request
def subscribe(request, data):
    """Store (or refresh) a browser's subscription: {endpoint, keys: {p256dh, auth}, topic}."""
    endpoint = allowed_endpoint(data.get("endpoint"))
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise Invalid("مفاتيح الاشتراك مفقودة.")
    p256dh = decoded(keys.get("p256dh"), 65, "التشفير")
    auth = decoded(keys.get("auth"), 16, "المصادقة")
    topic = topic_of(data.get("topic"))
    if topic != PushSubscription.BREAKING and not followable(int(topic[5:])):
        raise Invalid("هذه التغطية لا تُرسل تنبيهات الآن.")
    PushSubscription.objects.update_or_create(
        endpoint=endpoint, topic=topic, defaults={"p256dh": p256dh, "auth": auth}
    )
    return JsonResponse({"ok": True, "message": MESSAGES[topic == PushSubscription.BREAKING][0]})


MESSAGES = {
    True: ("ستصلك تنبيهات الأخبار العاجلة.", "أُوقفت تنبيهات الأخبار العاجلة."),
    False: ("ستصلك تنبيهات الأحداث المهمة في هذه التغطية.", "أُوقفت تنبيهات هذه التغطية."),
}


def followable(coverage_pk):
    """A live story readers can follow: live now, ticked «إشعار بالأحداث المهمة», its
    article public (the same conditions as the control on its page)."""
    return LiveCoverage.objects.filter(
        pk=coverage_pk,
        state=LiveCoverage.State.LIVE,
        push_key_entries=True,
        article__in=Article.objects.published(),
    ).exists()


@require_POST
@never_cache
@checked_request
def unsubscribe(request, data):
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 1000:
        raise Invalid("عنوان خدمة الإشعارات مفقود أو طويل جدًا.")
    # With a topic, that one; without, every topic of this browser (it unsubscribed).
    subscriptions = PushSubscription.objects.filter(endpoint=endpoint)
    breaking = True
    if data.get("topic") is not None:
        topic = topic_of(data["topic"])
        subscriptions = subscriptions.filter(topic=topic)
        breaking = topic == PushSubscription.BREAKING
    subscriptions.delete()
    return JsonResponse({"ok": True, "message": MESSAGES[breaking][1]})


@require_GET
@never_cache
def token(request):
    """The CSRF token for the two POSTs (and its cookie): asked for on the reader's click,
    so no page carries it."""
    return JsonResponse({"csrf": get_token(request)})


@require_GET
def service_worker(request):
    """static/sw.js at /sw.js, so that its scope is the whole site. Revalidated on each
    visit (browsers check a worker at most daily anyway)."""
    response = HttpResponse(SW_PATH.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
