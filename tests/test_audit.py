"""The audit log: events stored with who, address, what, object, before/after; append-only
through every admin path, the ORM and (PostgreSQL) the database; bounded admin queries."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from freezegun import freeze_time

from articles import workflow
from articles.roles import EDITORS
from audit.middleware import AuditContextMiddleware
from audit.models import AppendOnly, AuditEvent

from .dom import parse_html

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.fixture
def chief(make_user):
    return make_user("chief", is_superuser=True)


def test_failed_and_throttled_logins_are_stored_with_the_address(client, editor, settings):
    settings.LOGIN_THROTTLE_MAX_PER_ACCOUNT = 2
    for _ in range(3):
        client.post(
            "/admin/login/", {"username": "editor", "password": "x"}, REMOTE_ADDR="10.9.8.7"
        )
    failed = AuditEvent.objects.filter(action="login_failed")
    assert failed.count() == 2
    assert {e.address for e in failed} == {"10.9.8.7"}
    assert failed[0].target_repr == "editor"
    throttled = AuditEvent.objects.get(action="login_throttled")
    assert throttled.detail == "refused: 429"


def test_address_behind_the_configured_proxy(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5",
    )
    assert AuditEvent.objects.get(action="login", actor=editor).address == "203.0.113.5"


def test_publication_is_stored_with_before_and_after(client, editor, make_article):
    article = make_article(status="review", published_at=None)
    client.force_login(editor)
    client.post(
        "/admin/articles/article/",
        {"action": "publish_selected", "_selected_action": [article.pk]},
        REMOTE_ADDR="192.0.2.4",
    )
    event = AuditEvent.objects.get(action="publish")
    assert event.actor == editor
    assert event.address == "192.0.2.4"
    assert event.target == f"articles.article:{article.pk}"
    assert event.changes["status"] == ["review", "published"]


def test_denial_inside_a_rolled_back_transaction_is_still_stored(rf, journalist, make_article):
    """deny() raises inside transaction.atomic(): the row is written once the view has
    answered (audit.middleware), so the rollback does not take it away."""
    article = make_article(status="review", published_at=None)
    request = rf.post("/admin/x/", REMOTE_ADDR="198.51.100.7")
    request.user = journalist

    def view(request):
        with pytest.raises(PermissionDenied):
            workflow.perform(article.pk, journalist, "publish")
        assert not AuditEvent.objects.filter(action="denied").exists()
        return HttpResponse()

    AuditContextMiddleware(view)(request)
    event = AuditEvent.objects.get(action="denied")
    assert (event.actor, event.address, event.detail) == (journalist, "198.51.100.7", "publish")


def test_preview_link_revocation_is_stored(client, editor, make_article):
    article = make_article()
    client.force_login(editor)
    client.post(f"/admin/articles/article/{article.pk}/preview-link/")
    assert AuditEvent.objects.filter(
        action="preview_link_revoked", target=f"articles.article:{article.pk}"
    ).exists()


def test_user_group_and_password_changes_are_stored(make_user):
    user = make_user("newcomer")
    assert AuditEvent.objects.filter(action="user_created", target=f"auth.user:{user.pk}")
    user.groups.add(Group.objects.get(name=EDITORS))
    user.is_superuser = True
    user.set_password("another long passphrase")
    user.save()
    groups = AuditEvent.objects.get(action="groups_changed", target=f"auth.user:{user.pk}")
    assert groups.changes == {"added": [EDITORS]}
    changed = AuditEvent.objects.get(action="user_changed", target=f"auth.user:{user.pk}")
    assert changed.changes == {"is_superuser": [False, True]}
    assert AuditEvent.objects.filter(action="password_changed", target=f"auth.user:{user.pk}")


def test_article_page_links_to_its_audit_trail(client, chief, editor, make_article):
    article = make_article()
    client.force_login(chief)
    workflow.perform(article.pk, editor, "unpublish")
    page = parse_html(client.get(f"/admin/articles/article/{article.pk}/change/").content)
    link = page.one("a", id="audit-trail-link")
    chief_view = link.attrs["href"]
    assert chief_view.endswith(f"?target=articles.article%3A{article.pk}")


def test_audit_view_filters_by_object(client, chief, editor, make_article):
    one, other = make_article(), make_article()
    workflow.perform(one.pk, editor, "unpublish")
    workflow.perform(other.pk, editor, "unpublish")
    client.force_login(chief)
    response = client.get(f"/admin/audit/auditevent/?target=articles.article:{one.pk}")
    assert response.status_code == 200
    text = response.content.decode()
    assert one.headline in text
    assert other.headline not in text


def test_audit_view_is_for_administrators_only(client, editor):
    client.force_login(editor)
    assert client.get("/admin/audit/auditevent/").status_code == 403


# Append-only ------------------------------------------------------------------------------


@pytest.fixture
def event(editor, make_article):
    article = make_article()
    workflow.perform(article.pk, editor, "unpublish")
    return AuditEvent.objects.get(action="unpublish")


def test_no_admin_path_changes_or_deletes_a_row(client, chief, event):
    client.force_login(chief)
    base = f"/admin/audit/auditevent/{event.pk}"
    assert client.post(f"{base}/change/", {"action": "publish"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    response = client.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    page = parse_html(client.get("/admin/audit/auditevent/").content)
    assert page.find_all("select", name="action") == []
    assert AuditEvent.objects.filter(pk=event.pk, action="unpublish").exists()


def test_the_orm_refuses_to_change_or_delete_rows(event):
    event.detail = "edited"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.postgres
def test_postgresql_refuses_raw_updates_and_deletes(event):
    for sql in ["UPDATE audit_auditevent SET detail = 'x'", "DELETE FROM audit_auditevent"]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_retention_command_deletes_only_old_rows(event, settings):
    later = timezone.now() + timedelta(days=settings.AUDIT_RETENTION_DAYS + 1)
    with freeze_time(later):
        recent = AuditEvent.objects.create(action="logout", actor_name="x")
        call_command("prune_audit_log", stdout=io.StringIO())
    assert not AuditEvent.objects.filter(pk=event.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()


def test_audit_view_queries_are_bounded(client, chief, editor, django_assert_max_num_queries):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="logout", actor=editor, actor_name="editor") for _ in range(120)
    )
    client.force_login(chief)
    with django_assert_max_num_queries(12):
        assert client.get("/admin/audit/auditevent/?action=logout").status_code == 200
