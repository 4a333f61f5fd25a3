"""Two people saving the same article at the same instant on PostgreSQL (THREATS EDIT-02):
two threads, two database connections, a barrier so both POSTs start together. Exactly one
save wins, the other is refused with the Arabic stale-edit message, and exactly one new
revision is recorded."""

import threading

import pytest
from django.db import connection
from django.test import Client
from reversion.models import Version

from articles.models import Article

from .adminform import change_url, form_data
from .test_admin_forms import form_errors


def race(users, article, edits):
    """Each user loads the form, then all POST at once; returns their responses."""
    barrier = threading.Barrier(len(users))
    forms, responses, failures = {}, {}, []
    for user in users:
        client = Client()
        client.force_login(user)
        forms[user.pk] = (client, form_data(client.get(change_url(article))))

    def post(user, edit):
        try:
            client, data = forms[user.pk]
            barrier.wait(timeout=10)
            responses[user.pk] = client.post(change_url(article), data | edit)
        except Exception as error:  # reported in the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=pair) for pair in zip(users, edits, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures
    return [responses[user.pk] for user in users]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_racing_exactly_one_wins(editor, make_user, make_article):
    from articles.roles import EDITORS

    rival = make_user("rival", EDITORS, first_name="نور", last_name="الدين")
    article = make_article(headline="الأصل")
    edits = [{"headline": "تعديل سارة"}, {"headline": "تعديل نور"}]
    responses = race([editor, rival], article, edits)

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 302], codes
    loser = next(r for r in responses if r.status_code == 200)
    errors = " ".join(form_errors(loser))
    assert "لم يُحفظ تعديلك" in errors
    article.refresh_from_db()
    winner_name = "سارة الأحمد" if article.headline == "تعديل سارة" else "نور الدين"
    assert winner_name in errors
    assert article.headline in {"تعديل سارة", "تعديل نور"}
    assert article.version == 2
    assert Version.objects.get_for_object(article).count() == 1
    assert Article.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_form_save_racing_a_bulk_action_never_loses_either(editor, make_user, make_article):
    """One editor saves the form while another retracts the article from the list."""
    from articles import workflow
    from articles.roles import EDITORS

    rival = make_user("rival", EDITORS)
    article = make_article(headline="الأصل")
    client = Client()
    client.force_login(editor)
    data = form_data(client.get(change_url(article))) | {"headline": "تعديل"}
    barrier = threading.Barrier(2)
    results = {}

    def save_form():
        barrier.wait(timeout=10)
        results["form"] = client.post(change_url(article), data).status_code
        connection.close()

    def retract():
        barrier.wait(timeout=10)
        workflow.perform(article.pk, rival, "unpublish")
        results["bulk"] = "done"
        connection.close()

    threads = [threading.Thread(target=save_form), threading.Thread(target=retract)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    article.refresh_from_db()
    assert results["bulk"] == "done"
    assert article.status == Article.Status.UNPUBLISHED
    if results["form"] == 302:  # the form went first; the retraction came after it
        assert (article.headline, article.version) == ("تعديل", 3)
    else:  # the retraction went first; the form was refused, not applied over it
        assert (results["form"], article.headline, article.version) == (200, "الأصل", 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_save_waiting_on_a_long_lock_gets_a_clear_message_not_a_hung_worker(
    editor, make_article, monkeypatch
):
    """THREATS EDIT-07: another session holds the row; the save gives up after
    LOCK_TIMEOUT_MS with an Arabic message, the editor's text still in the form."""
    import time

    from django.db import transaction

    from articles import workflow

    monkeypatch.setattr(workflow, "LOCK_TIMEOUT_MS", 300)
    article = make_article(headline="الأصل")
    client = Client()
    client.force_login(editor)
    data = form_data(client.get(change_url(article))) | {"headline": "عاجل: نص المحرر"}
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic():
            Article.objects.select_for_update().get(pk=article.pk)
            holding.set()
            release.wait(timeout=20)
        connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        started = time.monotonic()
        response = client.post(change_url(article), data)
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=20)
    assert response.status_code == 200
    assert workflow.Busy.message in " ".join(form_errors(response))
    assert "عاجل: نص المحرر" in response.content.decode()
    assert elapsed < 3
    article.refresh_from_db()
    assert (article.headline, article.version) == ("الأصل", 1)
