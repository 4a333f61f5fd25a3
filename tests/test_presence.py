"""«تحرره الآن»: the change form's heartbeat, who may send it and see it, take-over and
expiry (presence/)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from articles import workflow
from articles.models import Article
from presence.models import Presence

Status = Article.Status


def beat(client, article_id, what="presence_heartbeat"):
    return client.post(reverse(what, args=[article_id]))


@pytest.fixture
def draft(make_article, journalist):
    return make_article(headline="مسودة عمر", status=Status.DRAFT, created_by=journalist)


def logged_in(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def clients(client, editor, journalist):
    return logged_in(type(client), editor), logged_in(type(client), journalist)


def test_two_people_on_one_article_see_each_other(clients, draft):
    as_editor, as_journalist = clients
    first = beat(as_journalist, draft.pk)
    assert first.status_code == 200 and first.json()["text"] == ""
    seen = beat(as_editor, draft.pk).json()
    assert seen["text"] == "تحرره الآن: عمر الخطيب منذ لحظات"
    assert seen["can_take_over"] is True
    back = beat(as_journalist, draft.pk).json()
    assert back["text"] == "تحرره الآن: سارة الأحمد منذ لحظات"
    assert back["can_take_over"] is False
    assert back["next_in"] == 20


def test_the_time_is_since_the_form_was_opened(clients, draft):
    as_editor, as_journalist = clients
    with freeze_time(timezone.now() - timedelta(minutes=3, seconds=10)):
        beat(as_journalist, draft.pk)
    # Still beating since then.
    Presence.objects.update(seen_at=timezone.now())
    assert (
        beat(as_editor, draft.pk).json()["text"] == "تحرره الآن: عمر الخطيب منذ 3\xa0دقائق"
    )  # Django: a no-break space


def test_a_silent_tab_expires_and_a_leave_is_immediate(clients, draft, settings):
    as_editor, as_journalist = clients
    beat(as_journalist, draft.pk)
    Presence.objects.update(seen_at=timezone.now() - timedelta(seconds=49))
    assert "عمر" in beat(as_editor, draft.pk).json()["text"]
    Presence.objects.filter(user__username="journalist").update(
        seen_at=timezone.now() - timedelta(seconds=settings.PRESENCE_EXPIRY_SECONDS + 1)
    )
    assert beat(as_editor, draft.pk).json()["text"] == ""
    # The expired row was forgotten by that heartbeat.
    assert not Presence.objects.filter(user__username="journalist").exists()
    beat(as_journalist, draft.pk)
    response = beat(as_journalist, draft.pk, "presence_leave")
    assert response.status_code == 204
    assert beat(as_editor, draft.pk).json()["text"] == ""


def test_coming_back_after_a_dead_tab_starts_a_new_since(clients, draft):
    as_editor, as_journalist = clients
    with freeze_time(timezone.now() - timedelta(hours=2)):
        beat(as_journalist, draft.pk)
    beat(as_journalist, draft.pk)
    assert beat(as_editor, draft.pk).json()["text"] == "تحرره الآن: عمر الخطيب منذ لحظات"


def test_editor_takes_over_and_the_other_banner_says_so(clients, draft):
    as_editor, as_journalist = clients
    beat(as_journalist, draft.pk)
    taken = beat(as_editor, draft.pk, "presence_take_over")
    assert taken.status_code == 200
    assert taken.json()["can_take_over"] is False
    assert taken.json()["others"][0]["taken_over_by_me"] is True
    told = beat(as_journalist, draft.pk).json()["taken_over"]
    assert told["name"] == "سارة الأحمد"
    assert told["text"].startswith("تولّى سارة الأحمد تحرير هذا المقال منذ لحظات.")
    # The version lock still decides: take-over changes no article.
    draft.refresh_from_db()
    assert draft.version == 1


def test_journalist_cannot_take_over(clients, make_article, journalist):
    _, as_journalist = clients
    own = make_article(status=Status.DRAFT, created_by=journalist)
    response = beat(as_journalist, own.pk, "presence_take_over")
    assert response.status_code == 403
    assert response.json()["error"] == "تولّي التحرير للمحررين وحدهم، على مقال يحق لهم تعديله."


def test_journalist_cannot_beat_on_or_see_others_drafts(clients, make_article, make_user):
    as_editor, as_journalist = clients
    other = make_user("other", "صحفيون")
    secret = make_article(headline="مسودة زميل", status=Status.DRAFT, created_by=other)
    beat(as_editor, secret.pk)
    for what in ["presence_heartbeat", "presence_take_over"]:
        response = beat(as_journalist, secret.pk, what)
        assert response.status_code == 403
        assert "ليس من المقالات التي يحق لك فتحها" in response.json()["error"]
        assert "سارة" not in response.content.decode()
    assert not Presence.objects.filter(user__username="journalist").exists()


def test_journalist_reading_their_published_article_sees_editors_without_counting(
    clients, make_article, journalist
):
    as_editor, as_journalist = clients
    published = make_article(created_by=journalist)
    assert not workflow.can_edit(journalist, published)
    beat(as_editor, published.pk)
    seen = beat(as_journalist, published.pk)
    assert seen.status_code == 200 and "سارة الأحمد" in seen.json()["text"]
    assert beat(as_editor, published.pk).json()["text"] == ""


def test_missing_article_and_bad_requests_get_arabic_answers(clients, draft):
    as_editor, _ = clients
    for pk in [draft.pk + 1000, 10**25]:
        response = beat(as_editor, pk)
        assert response.status_code == 404
        assert response.json()["error"] == "لم نجد هذا المقال؛ ربما حُذف."
    assert as_editor.get(reverse("presence_heartbeat", args=[draft.pk])).status_code == 405
    assert beat(as_editor, 10**25, "presence_leave").status_code == 204


def test_heartbeat_needs_login_and_csrf(client, editor, draft):
    assert beat(client, draft.pk).status_code == 302
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert beat(strict, draft.pk).status_code == 403
    assert not Presence.objects.exists()


# Session, user, the second-factor device, the article, permissions (2), forget expired,
# refresh (+ insert in a savepoint the first time), then who is here.
HEARTBEAT_BUDGET = 12


@pytest.mark.parametrize("others", [1, 30])
def test_heartbeat_queries_do_not_grow_with_the_people_present(
    clients, draft, make_user, others, django_assert_max_num_queries
):
    as_editor, _ = clients
    people = [make_user(f"u{n}") for n in range(others)]
    now = timezone.now()  # after the (slow) password hashing: nobody has expired yet
    Presence.objects.bulk_create(
        Presence(article=draft, user=person, opened_at=now, seen_at=now) for person in people
    )
    with django_assert_max_num_queries(HEARTBEAT_BUDGET):
        first = beat(as_editor, draft.pk)
    with django_assert_max_num_queries(HEARTBEAT_BUDGET - 3):
        again = beat(as_editor, draft.pk)
    assert len(first.json()["others"]) == len(again.json()["others"]) == others
