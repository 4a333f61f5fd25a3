"""Articles posted to a Telegram channel when they go live, once, against a fake Bot API
server on 127.0.0.1 (tests/fake_telegram.py): real HTTP, every request recorded."""

import io
import json
import logging
import sys
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter
from PIL import Image as PILImage

from articles import workflow
from articles.models import Article
from audit.models import AuditEvent
from distribution import captions, posting, telegram
from distribution.models import TelegramPost
from events import sweep
from events.models import ArticleEvent, Watermark
from jobs.models import Job
from jobs.queue import run_job
from live.models import LiveCoverage, LiveEntry

from .adminform import change_url, form_data
from .dom import parse_html
from .fake_telegram import FakeTelegram, error

TOKEN = "7654321:AAH-secret-token-for-tests-only"
CHANNEL = "@newsroom_test"
State = TelegramPost.State


@pytest.fixture
def bot(settings):
    fake = FakeTelegram()
    settings.TELEGRAM_API_URL = fake.url
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_CHANNELS = [CHANNEL]
    settings.TELEGRAM_TIMEOUT_SECONDS = 2
    settings.JOBS_RETRY_SECONDS = 0
    yield fake
    fake.stop()


@pytest.fixture
def watermark(db):
    Watermark.objects.all().delete()
    return Watermark.objects.create(since=timezone.now() - timedelta(hours=1))


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def photo(make_image, committed):
    with committed():  # renditions are made once the upload commits
        image = make_image()
    image.refresh_from_db()
    assert image.renditions.get("social")
    return image


@pytest.fixture
def draft(make_article, photo):
    return make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        headline="انقطاع الكهرباء عن أحياء في الحسكة",
        summary="عادت الكهرباء مساء اليوم بعد انقطاع دام ست ساعات.",
        lead_image=photo,
    )


def save(client, article, button=None, **changes):
    data = form_data(client.get(change_url(article))) | changes
    if button:
        data["_workflow"] = button
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def expected_caption(article):
    link = f"http://testserver-site/articles/{article.pk}/"
    return captions.compose(article.headline, article.summary, link)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver-site"


def posted(editor_client, article, committed):
    with committed():
        save(editor_client, article, "publish", post_to_telegram="on")
    article.refresh_from_db()
    return article


# Publishing ----------------------------------------------------------------------------


def test_publishing_now_sends_one_photo_with_headline_summary_and_link(
    bot, editor_client, draft, committed, watermark
):
    article = posted(editor_client, draft, committed)
    [sent] = bot.calls()
    assert sent.method == "sendPhoto" and sent.token == TOKEN
    assert sent.fields["chat_id"] == CHANNEL
    assert sent.fields["caption"] == (
        "\u200fانقطاع الكهرباء عن أحياء في الحسكة\n\n"
        "\u200fعادت الكهرباء مساء اليوم بعد انقطاع دام ست ساعات.\n\n"
        f"http://testserver-site/articles/{article.pk}/"
    )
    picture = PILImage.open(io.BytesIO(sent.files["photo"]))
    social = article.lead_image.renditions["social"]
    assert (picture.format, picture.size) == ("JPEG", (social[1], social[2]))
    post = TelegramPost.objects.get()
    assert (post.state, post.message_id, post.as_photo) == (State.SENT, 1001, True)
    # The events clock sees it went live too, a tick later: nothing more is sent.
    with committed():
        sweep.sweep()
    assert ArticleEvent.objects.filter(article=article, delivered_at__isnull=False).exists()
    assert len(bot.calls()) == 1


def test_an_article_without_a_lead_image_is_sent_as_a_text_message(
    bot, editor_client, make_article, committed
):
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    posted(editor_client, article, committed)
    [sent] = bot.calls()
    assert sent.method == "sendMessage"
    assert sent.fields["text"].endswith(f"/articles/{article.pk}/")
    assert TelegramPost.objects.get().as_photo is False


def test_an_article_left_unticked_is_not_sent(bot, editor_client, draft, committed, watermark):
    with committed():
        save(editor_client, draft, "publish")
    with committed():
        sweep.sweep()
    assert bot.calls() == [] and not TelegramPost.objects.exists()


def test_scheduled_article_is_posted_at_go_live_without_a_save_and_only_once(
    bot, draft, committed, watermark, db_clock, editor_client
):
    now = timezone.now()
    at = now + timedelta(minutes=10)
    with committed():
        save(
            editor_client,
            draft,
            "schedule",
            post_to_telegram="on",
            published_at_0=timezone.localtime(at).strftime("%Y-%m-%d"),
            published_at_1=timezone.localtime(at).strftime("%H:%M"),
        )
    draft.refresh_from_db()
    assert draft.is_scheduled and bot.calls() == []
    version = draft.version
    db_clock(now)
    with committed():
        sweep.sweep()
    assert bot.calls() == []
    db_clock(at + timedelta(seconds=30))
    with committed():
        sweep.sweep()
    assert [call.method for call in bot.calls()] == ["sendPhoto"]
    # A worker restarting: the event delivered again (it died before recording delivery),
    # the sync job run again (it died before deleting its row): still one message.
    event = ArticleEvent.objects.get(article=draft, kind="went_live")
    ArticleEvent.objects.filter(pk=event.pk).update(delivered_at=None)
    with committed():
        sweep.deliver(event.pk)
        sweep.sweep()
    posting.sync(draft.pk)
    assert len(bot.calls()) == 1
    draft.refresh_from_db()
    assert draft.version == version  # nobody saved the article
    assert TelegramPost.objects.get().state == State.SENT


# Rate limits and lost answers ----------------------------------------------------------


def test_a_short_429_is_waited_for_as_telegram_asks_then_sent_once(
    bot, editor_client, draft, committed
):
    bot.answer_next("sendPhoto", error(429, "Too Many Requests: retry after 1", retry_after=1))
    posted(editor_client, draft, committed)
    first, second = bot.calls("sendPhoto")
    assert second.at - first.at >= 1.0
    assert TelegramPost.objects.get().state == State.SENT


def test_a_long_429_sends_the_job_back_to_the_queue_for_retry_after(
    bot, editor_client, draft, committed, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    bot.answer_next("sendPhoto", error(429, "Too Many Requests: retry after 120", retry_after=120))
    with committed():
        save(editor_client, draft, "publish", post_to_telegram="on")
    row = Job.objects.get(key=f"telegram:{draft.pk}")
    started = timezone.now()
    run_job.call(row.pk)  # the worker picks it up
    row.refresh_from_db()
    assert row.status == Job.Status.RETRYING
    assert row.run_after >= started + timedelta(seconds=119)
    post = TelegramPost.objects.get()
    assert post.state == State.PENDING and "retry after 120" in post.error
    assert len(bot.calls()) == 1
    run_job.call(row.pk)  # two minutes later
    assert len(bot.calls("sendPhoto")) == 2
    post.refresh_from_db()
    assert post.state == State.SENT and post.error == ""
    assert not Job.objects.filter(pk=row.pk).exists()


def test_an_answer_lost_after_telegram_accepted_never_posts_twice(
    bot, editor_client, draft, committed, settings, watermark
):
    settings.TELEGRAM_TIMEOUT_SECONDS = 0.5
    bot.answer_next("sendPhoto", {"delay": 1.5})  # accepted and posted, answered too late
    posted(editor_client, draft, committed)
    post = TelegramPost.objects.get()
    assert post.state == State.UNCONFIRMED and post.message_id is None
    # Everything that could send it again: the go-live event, the job, another save.
    with committed():
        sweep.sweep()
        posting.went_live(Article, article=draft, at=draft.published_at)
    posting.sync(draft.pk)
    with committed():
        save(editor_client, draft)
    assert len(bot.calls("sendPhoto")) == 1
    page = parse_html(editor_client.get(change_url(draft)).content)
    banner = page.one("div", cls="telegram-banner").clean_text
    assert "لم يتأكد الإرسال" in banner and "تحقّق من القناة" in banner


def test_an_editor_who_checked_the_channel_sends_an_unconfirmed_post_again(
    bot, editor_client, draft, committed, settings
):
    settings.TELEGRAM_TIMEOUT_SECONDS = 0.5
    bot.answer_next("sendPhoto", {"delay": 1.5})
    posted(editor_client, draft, committed)
    post = TelegramPost.objects.get()
    url = reverse("admin:distribution_telegrampost_changelist")
    with committed():
        response = editor_client.post(
            url, {"action": "send_again", "_selected_action": [post.pk]}, follow=True
        )
    assert "ستُرسل من جديد: 1" in response.content.decode()
    post.refresh_from_db()
    assert post.state == State.SENT and len(bot.calls("sendPhoto")) == 2


def test_a_crashed_attempt_is_marked_unconfirmed_not_sent_again(bot, draft, settings):
    Article.objects.filter(pk=draft.pk).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=5)
    )
    TelegramPost.objects.create(
        article=draft,
        channel=CHANNEL,
        state=State.SENDING,
        attempted_at=timezone.now() - timedelta(minutes=5),
    )
    posting.sync(draft.pk)
    assert TelegramPost.objects.get().state == State.UNCONFIRMED
    assert bot.calls() == []


# Edits and retraction ------------------------------------------------------------------


def test_editing_the_headline_edits_the_messages_caption(bot, editor_client, draft, committed):
    article = posted(editor_client, draft, committed)
    with committed():
        save(editor_client, article)  # nothing the caption shows changed
    assert [call.method for call in bot.calls()] == ["sendPhoto"]
    with committed():
        save(editor_client, article, headline="عودة الكهرباء إلى أحياء الحسكة")
    article.refresh_from_db()
    edit = bot.calls()[-1]
    assert edit.method == "editMessageCaption"
    assert edit.fields["message_id"] == 1001 and edit.fields["chat_id"] == CHANNEL
    assert edit.fields["caption"] == expected_caption(article)
    assert TelegramPost.objects.get().caption == expected_caption(article)


def test_retracting_the_article_deletes_its_message(bot, editor_client, draft, committed):
    article = posted(editor_client, draft, committed)
    with committed():
        save(editor_client, article, "unpublish")
    delete = bot.calls()[-1]
    assert delete.method == "deleteMessage"
    assert (delete.fields["chat_id"], delete.fields["message_id"]) == (CHANNEL, 1001)
    assert TelegramPost.objects.get().state == State.DELETED


def test_an_article_published_again_after_its_retraction_is_posted_again(
    bot, editor_client, draft, committed
):
    article = posted(editor_client, draft, committed)
    with committed():
        save(editor_client, article, "unpublish")
    with committed():
        save(editor_client, article, "publish")
    assert [call.method for call in bot.calls()] == ["sendPhoto", "deleteMessage", "sendPhoto"]
    post = TelegramPost.objects.get()
    assert (post.state, post.message_id) == (State.SENT, 1002)


def test_a_bulk_retraction_deletes_the_message_too(bot, editor_client, editor, draft, committed):
    article = posted(editor_client, draft, committed)
    with committed():
        workflow.perform(article.pk, editor, "unpublish")
    assert bot.calls()[-1].method == "deleteMessage"


# Errors --------------------------------------------------------------------------------


def test_a_refusal_is_retried_then_shown_on_the_article_with_telegrams_words(
    bot, editor_client, draft, committed
):
    refusal = error(403, "Forbidden: bot is not a member of the channel chat")
    bot.answer_next("sendPhoto", *[refusal] * 10)
    posted(editor_client, draft, committed)
    row = Job.objects.get(key=f"telegram:{draft.pk}")
    assert row.status == Job.Status.STOPPED and row.max_attempts > 1
    assert len(bot.calls("sendPhoto")) == row.max_attempts
    assert TelegramPost.objects.get().state == State.PENDING
    page = parse_html(editor_client.get(change_url(draft)).content)
    banner = page.one("div", cls="telegram-banner").clean_text
    assert "Forbidden: bot is not a member of the channel chat" in banner
    assert "قال تيليغرام" in banner and "توقفت المحاولات" in banner


def test_journalists_do_not_see_the_channel_box_or_the_banner(
    bot, client, journalist, make_article, committed
):
    article = make_article(status=Article.Status.DRAFT, published_at=None, created_by=journalist)
    TelegramPost.objects.create(article=article, channel=CHANNEL, error="Unauthorized")
    client.force_login(journalist)
    page = parse_html(client.get(change_url(article)).content)
    assert not page.find_all("input", name="post_to_telegram")
    assert not page.find_all("div", cls="telegram-banner")


# The section's default -----------------------------------------------------------------


def test_a_section_can_make_the_box_ticked_for_its_new_articles(
    editor_client, make_section, committed
):
    sport = make_section(name="رياضة", post_to_telegram=True)
    other = make_section(name="ثقافة")
    for section in (sport, other):
        data = form_data(editor_client.get("/admin/articles/article/add/"))
        data |= {"headline": f"خبر في {section.name}", "body": "<p>نص.</p>"}
        data |= {"section": section.pk, "_workflow": "submit"}
        assert editor_client.post("/admin/articles/article/add/", data).status_code == 302
    ticked = dict(Article.objects.values_list("section__name", "post_to_telegram"))
    assert ticked == {"رياضة": True, "ثقافة": False}
    article = Article.objects.get(section=sport)
    box = parse_html(editor_client.get(change_url(article)).content).one(
        "input", name="post_to_telegram"
    )
    assert "checked" in box.attrs


# Captions ------------------------------------------------------------------------------


def test_a_long_arabic_caption_is_cut_between_words_and_keeps_its_link():
    sentence = "أعلنت اللجنة المحلية في مدينة القامشلي عن خطة جديدة لتوزيع المياه. "
    summary = (sentence * 40).strip()
    link = "https://example.org/articles/123456/"
    text = captions.compose("عنوان الخبر العاجل", summary, link)
    assert captions.units(text) <= captions.CAPTION_LIMIT
    assert captions.units(text) > captions.CAPTION_LIMIT - 20  # the room is used
    assert text.endswith("\n\n" + link)
    body = text.split("\n\n")[1].removeprefix("\u200f")
    assert body.endswith("…")
    kept = body.removesuffix("…")
    assert summary.startswith(kept) and summary[len(kept)] == " "  # a whole word ends it


def test_caption_length_is_counted_as_telegram_counts_it_and_lines_read_right_to_left():
    text = captions.compose("BBC: " + "🔴 " * 600, "ملخص", "https://e.org/a/1/")
    # An emoji is two units: counted as one character each, 1,000 would have been kept.
    assert len(text) < captions.units(text) <= captions.CAPTION_LIMIT
    assert 330 < text.count("🔴") < 340
    assert text.startswith("\u200fBBC: 🔴")
    assert text.endswith("🔴…\n\nhttps://e.org/a/1/")
    short = captions.compose("عنوان", "ملخص قصير", "https://e.org/a/1/")
    assert short == "\u200fعنوان\n\n\u200fملخص قصير\n\nhttps://e.org/a/1/"


def test_a_long_message_text_uses_telegrams_larger_limit():
    summary = "كلمة " * 1000
    text = captions.compose("عنوان", summary, "https://e.org/a/1/", captions.TEXT_LIMIT)
    assert captions.CAPTION_LIMIT < captions.units(text) <= captions.TEXT_LIMIT


# The token -----------------------------------------------------------------------------


def test_the_token_appears_in_no_log_row_page_or_error_report(
    bot, editor_client, draft, committed, settings, caplog, admin_client
):
    caplog.set_level(logging.DEBUG)
    bot.answer_next("sendPhoto", error(401, "Unauthorized"))
    posted(editor_client, draft, committed)
    settings.TELEGRAM_API_URL = "http://127.0.0.1:9"  # nothing listens: unreachable
    TelegramPost.objects.update(state=State.PENDING)
    with committed():
        posting.schedule(draft.pk)
    assert "تعذّر الوصول إلى خادم تيليغرام" in TelegramPost.objects.get().error
    pages = [
        editor_client.get(change_url(draft)),
        admin_client.get(reverse("admin:distribution_telegrampost_changelist")),
        admin_client.get(
            reverse("admin:distribution_telegrampost_change", args=[TelegramPost.objects.get().pk])
        ),
        admin_client.get(reverse("admin:jobs_stoppedjob_changelist")),
        admin_client.get(reverse("admin:audit_auditevent_changelist")),
    ]
    for page in pages:
        assert page.status_code == 200
        assert TOKEN not in page.content.decode()
    stored = [
        json.dumps(list(model.objects.values()), default=str)
        for model in (Job, TelegramPost, AuditEvent, Article, get_user_model())
    ]
    assert AuditEvent.objects.exists() and Job.objects.exists()
    assert all(TOKEN not in text for text in stored)
    assert TOKEN not in caplog.text
    # Django's error page, were a call to fail inside a request with DEBUG on.
    try:
        telegram.call("sendMessage", {"chat_id": CHANNEL, "text": object()})
    except TypeError:
        report = ExceptionReporter(None, *sys.exc_info()).get_traceback_html()
    assert "sendMessage" in report and TOKEN not in report
    safe = SafeExceptionReporterFilter().get_safe_settings()
    assert safe["TELEGRAM_BOT_TOKEN"] != TOKEN


def test_the_posts_list_takes_a_fixed_number_of_queries(
    editor_client, make_article, django_assert_max_num_queries
):
    url = reverse("admin:distribution_telegrampost_changelist")
    TelegramPost.objects.create(article=make_article(), channel=CHANNEL)
    editor_client.get(url)  # session and permissions warmed
    for _ in range(20):
        TelegramPost.objects.create(article=make_article(), channel=CHANNEL, state=State.SENT)
    with django_assert_max_num_queries(9):
        response = editor_client.get(url)
    table = parse_html(response.content).one("table", id="result_list")
    assert len(table.find_all("tr")) == 1 + 21


def test_deleting_a_posted_article_deletes_its_message(bot, editor_client, draft, committed):
    article = posted(editor_client, draft, committed)
    with committed():
        response = editor_client.post(
            f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    delete = bot.calls()[-1]
    assert delete.method == "deleteMessage" and delete.fields["message_id"] == 1001
    post = TelegramPost.objects.get()
    assert (post.article, post.state) == (None, State.DELETED)


def test_a_post_waiting_out_a_rate_limit_is_dropped_when_the_box_is_unticked(
    bot, editor_client, draft, committed, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    bot.answer_next("sendPhoto", error(429, "Too Many Requests: retry after 60", retry_after=60))
    with committed():
        save(editor_client, draft, "publish", post_to_telegram="on")
    row = Job.objects.get(key=f"telegram:{draft.pk}")
    run_job.call(row.pk)
    with committed():
        save(editor_client, draft, post_to_telegram="")
    run_job.call(row.pk)
    assert len(bot.calls()) == 1 and not TelegramPost.objects.exists()


# Live stories' key entries -------------------------------------------------------------


@pytest.fixture
def coverage(make_article):
    article = make_article(headline="تغطية مباشرة: الانتخابات المحلية")
    return LiveCoverage.objects.create(article=article, post_key_entries_to_telegram=True)


def test_a_key_entry_is_posted_as_text_with_its_link_and_an_ordinary_one_is_not(
    bot, coverage, committed
):
    with committed():
        LiveEntry.objects.create(coverage=coverage, body="<p>تحديث عادي</p>")
        key = LiveEntry.objects.create(
            coverage=coverage,
            title="إغلاق الصناديق",
            body="<p>أُغلقت الصناديق في المدينة.</p>",
            is_key=True,
        )
    [sent] = bot.calls()
    assert sent.method == "sendMessage"
    assert sent.fields["text"] == (
        "\u200fإغلاق الصناديق\n\n\u200fأُغلقت الصناديق في المدينة.\n\n"
        f"http://testserver-site/articles/{coverage.article.pk}/#entry-{key.pk}"
    )


def test_key_entries_of_a_coverage_without_the_option_stay_off_the_channel(
    bot, coverage, committed
):
    LiveCoverage.objects.filter(pk=coverage.pk).update(post_key_entries_to_telegram=False)
    coverage.refresh_from_db()
    with committed():
        LiveEntry.objects.create(coverage=coverage, body="<p>مهم</p>", is_key=True)
    assert bot.calls() == []


def test_a_scheduled_key_entry_is_posted_once_when_its_time_comes(
    bot, coverage, committed, db_clock
):
    now = timezone.now()
    with committed():
        key = LiveEntry.objects.create(
            coverage=coverage,
            body="<p>مؤتمر صحفي</p>",
            is_key=True,
            published_at=now + timedelta(minutes=5),
        )
    db_clock(now)
    with committed():
        posting.scheduled_entries_due()
    assert bot.calls() == []
    db_clock(now + timedelta(minutes=6))
    for _ in range(3):  # ticks of two workers' clocks
        with committed():
            posting.scheduled_entries_due()
    [sent] = bot.calls()
    assert sent.fields["text"].endswith(f"#entry-{key.pk}")


def test_an_edited_key_entry_edits_its_message_and_a_withdrawn_one_deletes_it(
    bot, coverage, committed
):
    with committed():
        key = LiveEntry.objects.create(coverage=coverage, body="<p>أول</p>", is_key=True)
    with committed():
        key.body = "<p>أول، مصحَّح</p>"
        key.save()
    edit = bot.calls()[-1]
    assert edit.method == "editMessageText" and "أول، مصحَّح" in edit.fields["text"]
    with committed():
        key.status = LiveEntry.Status.DRAFT
        key.save()
    assert bot.calls()[-1].method == "deleteMessage"
    assert TelegramPost.objects.get(entry=key).state == State.DELETED


def test_a_key_entry_withdrawn_then_published_again_is_posted_again(bot, coverage, committed):
    with committed():
        key = LiveEntry.objects.create(coverage=coverage, body="<p>عاجل</p>", is_key=True)
    for status in (LiveEntry.Status.DRAFT, LiveEntry.Status.PUBLISHED):
        with committed():
            key.status = status
            key.save()
    assert [call.method for call in bot.calls()] == ["sendMessage", "deleteMessage", "sendMessage"]


def test_a_journalists_forged_box_is_ignored_with_a_warning(bot, client, journalist, make_article):
    article = make_article(status=Article.Status.DRAFT, published_at=None, created_by=journalist)
    client.force_login(journalist)
    data = form_data(client.get(change_url(article))) | {"post_to_telegram": "on"}
    response = client.post(change_url(article), data, follow=True)
    assert "لم تُطبَّق هذه الحقول لأنها للمحررين فقط: نشر على تيليغرام" in response.content.decode()
    article.refresh_from_db()
    assert article.post_to_telegram is False
