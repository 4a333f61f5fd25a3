"""Web Push for breaking news (distribution/push.py, views.py) against a fake push service on
127.0.0.1 (tests/fake_push.py): real HTTP, real RFC 8291 encryption, each message decrypted
with the subscriber's key."""

import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid

from articles.models import Article
from distribution import push
from distribution.models import PushDelivery, PushSubscription
from events import sweep
from events.models import ArticleEvent, Watermark
from live.models import LiveCoverage, LiveEntry

from .adminform import change_url, form_data
from .dom import parse_html
from .fake_push import Browser, FakePushService

# A key pair made by `manage.py vapid_keys` for these tests only.
PUBLIC = "BLSg22Z0ztn2thz65ACGP-cNounuYgfTbkMR6zH7igd5rPrPmJt3nn90YqAvFHsZOi9wZhl8rtptfkW4Y3fHQJg"
PRIVATE = "6ZZNKva0gEBbek53nXAXhL6Ip_MWBdknq3bBTLlMxD8"


@pytest.fixture
def service(settings):
    fake = FakePushService()
    settings.VAPID_PUBLIC_KEY = PUBLIC
    settings.VAPID_PRIVATE_KEY = PRIVATE
    settings.VAPID_CONTACT = "mailto:desk@example.com"
    settings.PUSH_ALLOWED_ORIGINS = [fake.origin]
    settings.PUSH_TIMEOUT_SECONDS = 2
    settings.SITE_URL = "http://testserver-site"
    settings.JOBS_RETRY_SECONDS = 0
    yield fake
    fake.stop()


@pytest.fixture
def browser():
    return Browser()


def subscribe_many(service, browser, count):
    PushSubscription.objects.bulk_create(
        PushSubscription(endpoint=service.endpoint(n), p256dh=browser.p256dh, auth=browser.auth)
        for n in range(count)
    )


def publish(client, article, committed, **changes):
    data = form_data(client.get(change_url(article))) | {"_workflow": "publish"} | changes
    with committed():
        response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    return article


@pytest.fixture
def draft(make_article):
    return make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        headline="زلزال بقوة خمس درجات يضرب ريف اللاذقية",
        summary="شعر السكان بالهزة في مدن الساحل ولم تُسجل أضرار حتى الآن.",
    )


# Fan-out ---------------------------------------------------------------------------------


def test_a_thousand_subscribers_get_one_push_each_and_410s_are_pruned(
    service, browser, client, editor, draft, committed
):
    subscribe_many(service, browser, 1000)
    gone = {f"/push/{n}" for n in range(0, 1000, 97)}  # 11 browsers that unsubscribed
    for path in gone:
        service.script[path] = [410]
    service.script["/push/5"] = [404]
    gone.add("/push/5")
    client.force_login(editor)
    started = time.monotonic()
    article = publish(client, draft, committed, push_breaking="on")
    took = time.monotonic() - started

    paths = service.paths()
    assert len(paths) == 1000 and len(set(paths)) == 1000  # each endpoint exactly once
    assert PushSubscription.objects.count() == 1000 - len(gone)
    assert not PushSubscription.objects.filter(endpoint__in=[service.origin + p for p in gone])
    assert PushDelivery.objects.filter(article=article).count() == 1000 - len(gone)
    # Every message decrypts with the subscriber's key to the Arabic payload, VAPID-signed.
    expected = {
        "title": "زلزال بقوة خمس درجات يضرب ريف اللاذقية",
        "body": "شعر السكان بالهزة في مدن الساحل ولم تُسجل أضرار حتى الآن.",
        "url": f"http://testserver-site{article.get_absolute_url()}",
        "image": "",
        "tag": f"article-{article.pk}",
    }
    for recorded in service.requests:
        assert recorded.headers["content-encoding"] == "aes128gcm"
        assert recorded.headers["authorization"].startswith("vapid t=")
        assert f"k={PUBLIC}" in recorded.headers["authorization"]
        assert json.loads(browser.decrypt(recorded.body)) == expected
    print(f"1000 pushes in {took:.1f} s")

    # Running the jobs again (a retry, a second save, the go-live event) sends nothing.
    push.fan_out(article.pk)
    with committed():
        push.want(article)
    data = form_data(client.get(change_url(article))) | {"summary": "ملخص معدّل"}
    with committed():
        assert client.post(change_url(article), data).status_code == 302
    assert len(service.requests) == 1000


def test_a_scheduled_article_is_pushed_at_go_live_without_a_save_and_only_once(
    service, browser, client, editor, draft, committed, db_clock
):
    Watermark.objects.all().delete()
    Watermark.objects.create(since=timezone.now() - timedelta(hours=1))
    subscribe_many(service, browser, 3)
    client.force_login(editor)
    now = timezone.now()
    at = now + timedelta(minutes=10)
    data = form_data(client.get(change_url(draft))) | {
        "_workflow": "schedule",
        "push_breaking": "on",
        "published_at_0": timezone.localtime(at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(at).strftime("%H:%M"),
    }
    with committed():
        assert client.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.is_scheduled and service.requests == []
    version = draft.version
    db_clock(now)
    with committed():
        sweep.sweep()
    assert service.requests == []
    db_clock(at + timedelta(seconds=30))
    with committed():
        sweep.sweep()
    assert sorted(service.paths()) == ["/push/0", "/push/1", "/push/2"]
    # The event delivered again (a worker that died before recording it): nothing more.
    event = ArticleEvent.objects.get(article=draft, kind="went_live")
    ArticleEvent.objects.filter(pk=event.pk).update(delivered_at=None)
    with committed():
        sweep.deliver(event.pk)
    assert len(service.requests) == 3
    draft.refresh_from_db()
    assert draft.version == version  # nobody saved the article


def test_a_failed_push_is_retried_and_the_others_are_not_sent_again(
    service, browser, client, editor, draft, committed, caplog
):
    subscribe_many(service, browser, 3)
    service.script["/push/1"] = [500]
    client.force_login(editor)
    article = draft
    article.status, article.push_breaking = Article.Status.PUBLISHED, True
    article.published_at = article.created_at
    article.save()
    first, last = PushSubscription.objects.order_by("pk").values_list("pk", flat=True)[::2]
    with pytest.raises(push.Failed):
        push.send_batch(article.pk, first, last)
    assert sorted(service.paths()) == ["/push/0", "/push/1", "/push/2"]
    assert PushDelivery.objects.count() == 2  # the 500's row is removed for the retry
    push.send_batch(article.pk, first, last)
    assert sorted(service.paths()) == ["/push/0", "/push/1", "/push/1", "/push/2"]
    assert PushDelivery.objects.count() == 3
    assert "push to subscription" in caplog.text and PRIVATE not in caplog.text


def test_the_private_key_is_hidden_on_error_pages(settings):
    from django.views.debug import SafeExceptionReporterFilter

    settings.VAPID_PRIVATE_KEY = PRIVATE
    shown = SafeExceptionReporterFilter().get_safe_settings()
    assert shown["VAPID_PRIVATE_KEY"] != PRIVATE and PRIVATE not in repr(shown)


def test_an_unticked_or_unpublished_article_pushes_nothing(
    service, browser, client, editor, draft, committed
):
    subscribe_many(service, browser, 2)
    client.force_login(editor)
    publish(client, draft, committed)
    push.fan_out(draft.pk)  # not ticked: fan_out only runs when ticked, and sends only live
    draft.status = Article.Status.DRAFT
    draft.push_breaking = True
    draft.save()
    push.fan_out(draft.pk)
    assert service.requests == []


def test_a_journalists_forged_tick_is_ignored(service, client, journalist, make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None, created_by=journalist)
    client.force_login(journalist)
    data = form_data(client.get(change_url(article))) | {"push_breaking": "on"}
    response = client.post(change_url(article), data, follow=True)
    assert "لم تُطبَّق هذه الحقول لأنها للمحررين فقط: إشعار عاجل" in response.content.decode()
    article.refresh_from_db()
    assert article.push_breaking is False


# Subscribing ----------------------------------------------------------------------------


def post_json(client, name, body):
    client.get(reverse("push_token"))
    token = client.cookies["csrftoken"].value
    return client.post(
        reverse(name),
        body if isinstance(body, (str, bytes)) else json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )


@pytest.fixture
def csrf_client(db):
    from django.test import Client

    return Client(enforce_csrf_checks=True)


def test_subscribe_and_unsubscribe(service, browser, csrf_client, make_article):
    coverage = LiveCoverage.objects.create(article=make_article(), push_key_entries=True)
    live_topic = f"live:{coverage.pk}"
    body = {
        "endpoint": service.endpoint("abc"),
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
        "topic": "breaking",
    }
    response = post_json(csrf_client, "push_subscribe", body)
    assert response.status_code == 200, response.content.decode()
    assert response.json()["message"] == "ستصلك تنبيهات الأخبار العاجلة."
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    post_json(csrf_client, "push_subscribe", body)  # twice: still one row
    assert PushSubscription.objects.get().endpoint == service.endpoint("abc")
    # The same browser following a live story too: a second row, removed on its own.
    response = post_json(csrf_client, "push_subscribe", body | {"topic": live_topic})
    assert response.json()["message"] == "ستصلك تنبيهات الأحداث المهمة في هذه التغطية."
    assert PushSubscription.objects.filter(endpoint=body["endpoint"]).count() == 2
    unfollow = {"endpoint": body["endpoint"], "topic": live_topic}
    response = post_json(csrf_client, "push_unsubscribe", unfollow)
    assert response.json()["message"] == "أُوقفت تنبيهات هذه التغطية."
    assert PushSubscription.objects.get().topic == "breaking"
    post_json(csrf_client, "push_subscribe", body | {"topic": live_topic})
    # The browser unsubscribed: every topic goes.
    response = post_json(csrf_client, "push_unsubscribe", {"endpoint": body["endpoint"]})
    assert response.status_code == 200 and not PushSubscription.objects.exists()


def test_subscribe_without_the_csrf_token_is_refused(service, browser, csrf_client):
    body = {"endpoint": service.endpoint("x"), "keys": {"p256dh": browser.p256dh, "auth": "a"}}
    response = csrf_client.post(
        reverse("push_subscribe"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 403 and not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ("not json", "الطلب ليس JSON صالحًا."),
        ("[1, 2]", "الطلب ليس JSON صالحًا."),
        (b"\xff\xfe", "الطلب ليس JSON صالحًا."),
        ({"keys": {}}, "عنوان خدمة الإشعارات مفقود أو طويل جدًا."),
        ({"endpoint": "http://evil.example/push"}, "يجب أن يبدأ بـ https://"),
        ({"endpoint": "https://evil.example/push"}, "خدمة الإشعارات هذه غير مقبولة."),
        ({"endpoint": "javascript:alert(1)"}, "يجب أن يبدأ بـ https://"),
        ({"endpoint": "FAKE"}, "مفاتيح الاشتراك مفقودة."),
        ({"endpoint": "FAKE", "keys": {"p256dh": "abc", "auth": "x"}}, "مفتاح التشفير غير صالح."),
        ({"endpoint": "FAKE", "keys": {"p256dh": "P256", "auth": 5}}, "مفتاح المصادقة غير صالح."),
        ({"endpoint": "FAKE", "keys": "KEYS", "topic": "sport"}, "موضوع التنبيهات غير معروف."),
        ({"endpoint": "FAKE", "keys": "KEYS", "x": "ا" * 5000}, "الطلب أكبر من المسموح."),
    ],
)
def test_bad_subscriptions_get_an_arabic_400(service, browser, csrf_client, body, message):
    if isinstance(body, dict):
        if body.get("endpoint") == "FAKE":
            body["endpoint"] = service.endpoint("e")
        if body.get("keys") == "KEYS":
            body["keys"] = {"p256dh": browser.p256dh, "auth": browser.auth}
        elif isinstance(body.get("keys"), dict) and body["keys"].get("p256dh") == "P256":
            body["keys"]["p256dh"] = browser.p256dh
    response = post_json(csrf_client, "push_subscribe", body)
    assert response.status_code in (400, 413)
    assert message in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_get_on_subscribe_is_refused_without_a_500(csrf_client):
    assert csrf_client.get(reverse("push_subscribe")).status_code == 405


# The page, the worker, the keys -------------------------------------------------------------


def test_the_control_is_on_article_pages_only_when_vapid_is_configured(
    client, settings, make_article
):
    article = make_article()
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    page = parse_html(client.get(article.get_absolute_url()).content.decode())
    assert page.find_all("button", cls="push-button") == []
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = PUBLIC, PRIVATE
    response = client.get(article.get_absolute_url())
    page = parse_html(response.content.decode())
    button = page.one("button", cls="push-button")
    assert button.attrs["data-push-key"] == PUBLIC and "hidden" in button.attrs
    assert button.clean_text == "تنبيهات الأخبار العاجلة"
    html = response.content.decode()
    assert PRIVATE not in html and "csrf" not in html.lower()  # nothing per reader
    assert not response.cookies


def test_the_service_worker_is_served_at_the_root_and_the_csp_allows_it(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"showNotification" in response.content
    csp = response["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "connect-src 'self'" in csp


def test_vapid_keys_command_prints_a_working_pair(capsys):
    call_command("vapid_keys")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    vapid = Vapid.from_string(lines["VAPID_PRIVATE_KEY"])
    headers = vapid.sign({"sub": "mailto:a@example.com", "aud": "https://fcm.googleapis.com"})
    assert Vapid.from_raw_public(lines["VAPID_PUBLIC_KEY"].encode()).public_key is not None
    assert lines["VAPID_PUBLIC_KEY"] in headers["Authorization"]


def test_the_payload_carries_the_social_image_and_a_short_body(
    service, make_image, make_article, committed
):
    with committed():  # renditions are made once the upload commits
        image = make_image()
    image.refresh_from_db()
    article = make_article(lead_image=image, summary="كلمة " * 100)
    data = push.payload(article)
    assert data["image"].startswith("http://testserver-site/")
    assert data["image"].endswith(image.renditions["social"][0].rsplit("/", 1)[-1])
    assert len(data["body"]) <= push.BODY_LIMIT + 1 and data["body"].endswith("كلمة…")
    assert len(json.dumps(data).encode()) < 3000  # push services take 4 KB, encrypted


# Live stories: key entries to the `live:<coverage id>` subscribers ------------------------


@pytest.fixture
def coverage(make_article):
    article = make_article(headline="تغطية مباشرة: الانتخابات البلدية")
    return LiveCoverage.objects.create(article=article, push_key_entries=True)


def follow(service, browser, topic, *names):
    PushSubscription.objects.bulk_create(
        PushSubscription(
            endpoint=service.endpoint(name), p256dh=browser.p256dh, auth=browser.auth, topic=topic
        )
        for name in names
    )


def test_a_key_entry_reaches_each_follower_of_its_coverage_once_and_nobody_else(
    service, browser, coverage, make_article, committed, settings
):
    settings.PUSH_BATCH_SIZE = 2  # three batches for the five followers
    other = LiveCoverage.objects.create(article=make_article(), push_key_entries=True)
    follow(service, browser, f"live:{coverage.pk}", "a", "b", "c", "d", "gone")
    follow(service, browser, "breaking", "breaking-1", "breaking-2")
    follow(service, browser, f"live:{other.pk}", "other-1")
    service.script["/push/gone"] = [410]

    with committed():
        LiveEntry.objects.create(coverage=coverage, body="<p>تحديث عادي بلا علامة</p>")
    assert service.requests == []  # not a key entry: nothing

    with committed():
        key = LiveEntry.objects.create(
            coverage=coverage,
            title="إغلاق صناديق الاقتراع",
            body="<p>أُغلقت الصناديق في المدينة.</p>",
            is_key=True,
        )
    assert sorted(service.paths()) == ["/push/a", "/push/b", "/push/c", "/push/d", "/push/gone"]
    for recorded in service.requests:
        assert json.loads(browser.decrypt(recorded.body)) == {
            "title": "تغطية مباشرة: الانتخابات البلدية",
            "body": "إغلاق صناديق الاقتراع",
            "url": f"http://testserver-site{coverage.article.get_absolute_url()}#entry-{key.pk}",
            "image": "",
            "tag": f"live-entry-{key.pk}",
        }
    assert not PushSubscription.objects.filter(endpoint=service.endpoint("gone")).exists()
    assert PushDelivery.objects.filter(entry=key).count() == 4

    # Run again, edit the entry, withdraw and publish it again: nothing more.
    push.fan_out_entry(key.pk)
    with committed():
        push.want_entry(key)
    for status in (LiveEntry.Status.DRAFT, LiveEntry.Status.PUBLISHED):
        with committed():
            key.status = status
            key.body = "<p>أُغلقت الصناديق، مصحَّح.</p>"
            key.save()
    assert len(service.requests) == 5

    # An entry without a title: its text, cut between words.
    words = " ".join(["كلمة"] * 60)
    with committed():
        untitled = LiveEntry.objects.create(coverage=coverage, body=f"<p>{words}</p>", is_key=True)
    body = json.loads(browser.decrypt(service.requests[-1].body))["body"]
    assert body.endswith("كلمة…") and len(body) <= push.BODY_LIMIT + 1
    assert PushDelivery.objects.filter(entry=untitled).count() == 4


def test_key_entries_of_a_coverage_without_the_tick_push_nothing(
    service, browser, coverage, committed
):
    LiveCoverage.objects.filter(pk=coverage.pk).update(push_key_entries=False)
    coverage.refresh_from_db()
    follow(service, browser, f"live:{coverage.pk}", "a")
    with committed():
        LiveEntry.objects.create(coverage=coverage, body="<p>مهم</p>", is_key=True)
    with committed():
        push.scheduled_entries_due()
    assert service.requests == []


def test_a_scheduled_key_entry_is_pushed_once_when_its_time_comes(
    service, browser, coverage, committed, db_clock
):
    follow(service, browser, f"live:{coverage.pk}", "a", "b")
    now = timezone.now()
    with committed():
        key = LiveEntry.objects.create(
            coverage=coverage,
            body="<p>مؤتمر صحفي للجنة الانتخابات</p>",
            is_key=True,
            published_at=now + timedelta(minutes=5),
        )
    db_clock(now)
    with committed():
        push.scheduled_entries_due()
    assert service.requests == []
    db_clock(now + timedelta(minutes=6))
    for _ in range(3):  # ticks of two workers' clocks
        with committed():
            push.scheduled_entries_due()
    assert sorted(service.paths()) == ["/push/a", "/push/b"]
    assert json.loads(browser.decrypt(service.requests[0].body))["url"].endswith(f"#entry-{key.pk}")


def test_the_live_page_offers_its_own_control_only_while_live_and_ticked(
    client, settings, coverage
):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = PUBLIC, PRIVATE
    url = coverage.article.get_absolute_url()

    def controls():
        response = client.get(url)
        assert response.status_code == 200 and not response.cookies
        assert "csrf" not in response.content.decode().lower()
        page = parse_html(response.content.decode())
        return {b.clean_text: b.attrs for b in page.find_all("button", cls="push-button")}

    found = controls()
    assert found["تنبيهات هذه التغطية"]["data-push-topic"] == f"live:{coverage.pk}"
    assert "hidden" in found["تنبيهات هذه التغطية"]
    assert "data-push-topic" not in found["تنبيهات الأخبار العاجلة"]
    coverage.push_key_entries = False
    coverage.save()
    assert list(controls()) == ["تنبيهات الأخبار العاجلة"]
    coverage.push_key_entries = True
    coverage.state = LiveCoverage.State.ENDED
    coverage.save()
    assert list(controls()) == ["تنبيهات الأخبار العاجلة"]
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    coverage.state = LiveCoverage.State.LIVE
    coverage.save()
    assert controls() == {}


def test_following_a_coverage_that_sends_no_pushes_is_refused(
    service, browser, csrf_client, coverage
):
    body = {
        "endpoint": service.endpoint("x"),
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
    }
    cases = [
        (coverage.pk, {"push_key_entries": False}),  # not ticked
        (coverage.pk, {"state": LiveCoverage.State.ENDED}),  # over
        (coverage.pk + 1000, {}),  # no such coverage
    ]
    for pk, changes in cases:
        fields = {"push_key_entries": True, "state": LiveCoverage.State.LIVE} | changes
        LiveCoverage.objects.filter(pk=coverage.pk).update(**fields)
        response = post_json(csrf_client, "push_subscribe", body | {"topic": f"live:{pk}"})
        assert response.status_code == 400
        assert response.json()["error"] == "هذه التغطية لا تُرسل تنبيهات الآن."
    assert not PushSubscription.objects.exists()


def test_only_an_editor_can_tick_the_coverages_push_box(client, editor, journalist, coverage):
    url = reverse("admin:live_livecoverage_change", args=[coverage.pk])
    LiveCoverage.objects.filter(pk=coverage.pk).update(push_key_entries=False)
    client.force_login(editor)
    data = form_data(client.get(url), "livecoverage_form") | {"push_key_entries": "on"}
    assert client.post(url, data).status_code == 302
    coverage.refresh_from_db()
    assert coverage.push_key_entries is True
    client.force_login(journalist)
    data["push_key_entries"] = ""
    assert client.post(url, data).status_code == 403  # the coverage form is the editors'
    coverage.refresh_from_db()
    assert coverage.push_key_entries is True
