"""The permission matrix (THREATS AUTHZ-01..04): role × action × object, every cell written
out by hand and asserted, first against the rules in articles/workflow.py, then over HTTP
against every admin endpoint that touches an article."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.forms import ArticleForm
from articles.models import Article
from articles.roles import JOURNALISTS

from .adminform import change_url, form_data

Status = Article.Status

# Objects, in the column order of the matrix: the actor's own articles, then a colleague's,
# each in every state.
STATES = ["draft", "review", "scheduled", "published", "unpublished"]
OBJECTS = [(owner, s) for owner in ("own", "others") for s in STATES]

ACTIONS = [
    "view",
    "edit",
    "delete",
    "submit",
    "publish",
    "schedule",
    "unpublish",
    "send_back",
    "feature",
    "restore",
    "recover",
]

# Y = allowed, . = refused. Columns: own D V S P U | others' D V S P U.
MATRIX = {
    "journalist": {
        "view": "YYYYY .....",
        "edit": "YY... .....",
        "delete": "..... .....",
        "submit": "Y.... .....",
        "publish": "..... .....",
        "schedule": "..... .....",
        "unpublish": "..... .....",
        "send_back": "..... .....",
        "feature": "..... .....",
        "restore": "YY... .....",
        "recover": "..... .....",
    },
    "editor": {
        "view": "YYYYY YYYYY",
        "edit": "YYYYY YYYYY",
        "delete": "YYYYY YYYYY",
        "submit": "Y.... Y....",
        "publish": "YYY.Y YYY.Y",
        "schedule": "YYY.Y YYY.Y",
        "unpublish": "..YY. ..YY.",
        "send_back": ".YY.. .YY..",
        "feature": "YYYYY YYYYY",
        "restore": "YYYYY YYYYY",
        "recover": "YYYYY YYYYY",
    },
    "administrator": {
        "view": "YYYYY YYYYY",
        "edit": "YYYYY YYYYY",
        "delete": "YYYYY YYYYY",
        "submit": "Y.... Y....",
        "publish": "YYY.Y YYY.Y",
        "schedule": "YYY.Y YYY.Y",
        "unpublish": "..YY. ..YY.",
        "send_back": ".YY.. .YY..",
        "feature": "YYYYY YYYYY",
        "restore": "YYYYY YYYYY",
        "recover": "YYYYY YYYYY",
    },
    "staff without a role": dict.fromkeys(ACTIONS, "..... ....."),
}

RULES = {
    "view": workflow.can_view,
    "edit": workflow.can_edit,
    "delete": workflow.can_delete,
    "feature": lambda user, article: workflow.can_change_field(user, article, "is_featured"),
    "restore": workflow.can_edit,
    "recover": lambda user, article: workflow.can_publish(user),
}


def state_fields(state):
    now = timezone.now()
    return {
        "draft": {"status": Status.DRAFT, "published_at": None},
        "review": {"status": Status.REVIEW, "published_at": None},
        "scheduled": {"status": Status.PUBLISHED, "published_at": now + timedelta(hours=2)},
        "published": {"status": Status.PUBLISHED, "published_at": now - timedelta(hours=2)},
        "unpublished": {"status": Status.UNPUBLISHED, "published_at": now - timedelta(days=1)},
    }[state]


@pytest.fixture
def actors(make_user, editor, journalist):
    admin = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw-1234567")
    bare = make_user("bare")
    return {
        "journalist": journalist,
        "editor": editor,
        "administrator": admin,
        "staff without a role": bare,
    }


@pytest.fixture
def articles(actors, make_user, make_article):
    """For each actor: {(owner, state): article}, 'own' created by the actor."""
    colleague = make_user("colleague", JOURNALISTS)
    made = {}
    for role, actor in actors.items():
        for owner, state in OBJECTS:
            creator = actor if owner == "own" else colleague
            made[role, owner, state] = make_article(
                created_by=creator, headline=f"CANARY-{role}-{owner}-{state}", **state_fields(state)
            )
    return made


def expected(role, action, column):
    cells = MATRIX[role][action].replace(" ", "")
    return cells[column] == "Y"


def test_matrix_is_complete():
    for role, actions in MATRIX.items():
        assert set(actions) == set(MATRIX["journalist"]), role
        assert all(len(cells.replace(" ", "")) == len(OBJECTS) for cells in actions.values())


def test_workflow_rules_match_the_matrix(actors, articles):
    checked = 0
    for role, actor in actors.items():
        for action in MATRIX[role]:
            for column, (owner, state) in enumerate(OBJECTS):
                article = articles[role, owner, state]
                rule = RULES.get(action) or (
                    lambda user, art, action=action: workflow.can_transition(user, art, action)
                )
                got = rule(actor, article)
                want = expected(role, action, column)
                assert got == want, f"{role} {action} {owner} {state}: {got}, expected {want}"
                checked += 1
    assert checked == len(MATRIX) * len(MATRIX["journalist"]) * len(OBJECTS)


DAY = timedelta(days=1)
TRANSITIONS = ["submit", "publish", "schedule", "unpublish", "send_back"]


def form_allows(user, article, action):
    """Whether the change form accepts the workflow button (its own check, as the admin
    builds the form: user and button on the class)."""
    form_class = type("Form", (ArticleForm,), {"user": user, "action": action})
    form = form_class(instance=Article.objects.get(pk=article.pk))
    form.cleaned_data = {}
    try:
        form.clean_workflow_action({"published_at": timezone.now() + DAY})
    except ValidationError:
        return False
    return True


def apply_allows(user, article, action):
    """Whether workflow.apply (bulk actions, restore, the form's save) performs the step."""
    try:
        workflow.apply(Article.objects.get(pk=article.pk), user, action, at=timezone.now() + DAY)
    except (PermissionDenied, workflow.TransitionRefused):
        return False
    return True


def test_form_and_apply_follow_the_matrix_for_every_transition(actors, articles):
    """One rule (workflow.can_transition): the buttons shown, the form's check and apply's
    check agree cell by cell. The form used to check the role and the state but not the
    right to edit the article, so it accepted a journalist's submit of a colleague's draft."""
    for role, actor in actors.items():
        for action in TRANSITIONS:
            for column, (owner, state) in enumerate(OBJECTS):
                article = articles[role, owner, state]
                want = expected(role, action, column)
                cell = f"{role} {action} {owner} {state}"
                assert form_allows(actor, article, action) == want, f"form: {cell}"
                assert apply_allows(actor, article, action) == want, f"apply: {cell}"


def test_an_unknown_workflow_step_is_refused_everywhere(actors, articles):
    article = articles["editor", "own", "draft"]
    assert not workflow.can_transition(actors["editor"], article, "approve")
    assert not form_allows(actors["editor"], article, "approve")
    assert not apply_allows(actors["editor"], article, "approve")


# The same matrix over HTTP: every admin endpoint, for the cells a journalist can reach.


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def unchanged(article):
    before = {f.attname: getattr(article, f.attname) for f in Article._meta.concrete_fields}
    fresh = Article.objects.get(pk=article.pk)
    after = {f.attname: getattr(fresh, f.attname) for f in Article._meta.concrete_fields}
    return before == after


@pytest.mark.parametrize(("owner", "state"), OBJECTS)
def test_journalist_over_http(actors, articles, editor, owner, state):
    journalist = actors["journalist"]
    article = articles["journalist", owner, state]
    canary = article.headline
    client = client_for(journalist)
    column = OBJECTS.index((owner, state))
    can_view = expected("journalist", "view", column)
    can_edit = expected("journalist", "edit", column)

    # An editor saves once, so the article has a revision to view, compare and restore.
    editor_client = client_for(editor)
    editor_client.post(change_url(article), form_data(editor_client.get(change_url(article))))
    article.refresh_from_db()
    revision = Version.objects.get_for_object(article).first()
    base = f"/admin/articles/article/{article.pk}"

    changelist = client.get("/admin/articles/article/").content.decode()
    assert (canary in changelist) == can_view

    page = client.get(change_url(article))
    if can_view:
        assert page.status_code == 200
        assert ('name="headline"' in page.content.decode()) == can_edit
    else:
        assert page.status_code in {302, 403, 404}
        assert canary not in page.content.decode()

    for url in [
        f"{base}/history/",
        f"{base}/history/{revision.pk}/",
        f"{base}/history/compare/?from={revision.pk}&to={revision.pk}",
        f"{base}/delete/",
        f"{base}/preview-link/",
    ]:
        response = client.get(url)
        if not can_view or (url.endswith(("/delete/", "/preview-link/")) and not can_edit):
            assert response.status_code in {302, 403, 404}, url
            assert canary not in response.content.decode(), url
        elif url.endswith("/delete/"):
            assert response.status_code == 403
        else:
            assert response.status_code == 200, url

    # Forged writes: a publishing POST to the change form, a delete, a restore, a bulk publish
    # and a bulk submit of this article, a preview-link revoke.
    forged = {
        "headline": "مزوّر",
        "status": "published",
        "published_at_0": "2020-01-01",
        "published_at_1": "00:00:00",
        "is_featured": "on",
        "loaded_version": str(article.version),
        "section": article.section_id,
        "_workflow": "publish",
    }
    writes = [
        (change_url(article), forged),
        (f"{base}/delete/", {"post": "yes"}),
        (f"{base}/history/{revision.pk}/", {"version": article.version}),
        (
            "/admin/articles/article/",
            {"action": "publish_selected", "_selected_action": article.pk},
        ),
        (
            "/admin/articles/article/",
            {"action": "unpublish_selected", "_selected_action": article.pk},
        ),
        ("/admin/articles/article/", {"action": "delete_selected", "_selected_action": article.pk}),
    ]
    for url, data in writes:
        client.post(url, data)
        assert Article.objects.filter(pk=article.pk).exists(), url
        fresh = Article.objects.get(pk=article.pk)
        assert fresh.status == article.status, url
        assert fresh.published_at == article.published_at, url
        assert fresh.is_featured == article.is_featured, url
        if not can_edit:
            assert unchanged(article), url
        article = fresh
    secret = article.preview_secret
    client.post(f"{base}/preview-link/")
    article.refresh_from_db()
    assert (article.preview_secret != secret) == can_edit

    # Bulk submit is a journalist's action: it works on their own drafts only.
    client.post(
        "/admin/articles/article/", {"action": "submit_selected", "_selected_action": article.pk}
    )
    article.refresh_from_db()
    submitted = expected("journalist", "submit", column)
    assert (article.status == Status.REVIEW) == (submitted or state == "review")


def test_journalist_sees_no_editor_actions_or_recover(actors, articles):
    client = client_for(actors["journalist"])
    page = client.get("/admin/articles/article/").content.decode()
    assert 'value="submit_selected"' in page
    for action in [
        "publish_selected",
        "unpublish_selected",
        "send_back_selected",
        "delete_selected",
    ]:
        assert f'value="{action}"' not in page
    assert client.get("/admin/articles/article/recover/").status_code == 403


def test_autocomplete_offers_a_journalist_only_their_own_articles(actors, articles):
    client = client_for(actors["journalist"])
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "CANARY",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "related",
        },
    )
    names = [r["text"] for r in response.json()["results"]]
    assert names and all(name.startswith("CANARY-journalist-own-") for name in names)


def test_demoted_editor_loses_publishing_at_the_next_request(actors, articles):
    editor = actors["editor"]
    article = articles["editor", "others", "review"]
    editor.groups.clear()
    client = client_for(get_user_model().objects.get(pk=editor.pk))
    client.post(
        "/admin/articles/article/", {"action": "publish_selected", "_selected_action": article.pk}
    )
    article.refresh_from_db()
    assert article.status == Status.REVIEW
