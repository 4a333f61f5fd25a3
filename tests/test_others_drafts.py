"""A journalist sees their own work and what readers see, never a colleague's unpublished
work: not in the «اقرأ أيضاً» search, not through the admin's «عرض على الموقع» shortcut
(admin/r/), not in the tag admin, not as an editor's related pick in their own form or
history. Editors see everything."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from articles.roles import JOURNALISTS
from tags.models import Tag

from .adminform import change_url, form_data

Status = Article.Status
UNAVAILABLE = "مقال غير متاح"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def colleague(make_user):
    return make_user("colleague", JOURNALISTS)


@pytest.fixture
def work(make_article, journalist, colleague):
    """The colleague's articles in every state, and two of the journalist's own."""
    now = timezone.now()
    states = {
        "draft": {"status": Status.DRAFT, "published_at": None},
        "review": {"status": Status.REVIEW, "published_at": None},
        "scheduled": {"status": Status.PUBLISHED, "published_at": now + timedelta(hours=2)},
        "unpublished": {"status": Status.UNPUBLISHED, "published_at": now - timedelta(days=1)},
        "published": {"status": Status.PUBLISHED, "published_at": now - timedelta(hours=2)},
    }
    made = {
        f"colleague-{state}": make_article(
            created_by=colleague, headline=f"SECRET colleague {state}", **fields
        )
        for state, fields in states.items()
    }
    made["colleague-published"].headline = "PUBLIC colleague published"
    made["colleague-published"].save()
    for state in ("draft", "published"):
        made[f"own-{state}"] = make_article(
            created_by=journalist, headline=f"OWN {state}", **states[state]
        )
    return made


# The «اقرأ أيضاً» search -------------------------------------------------------------


def found(client, query):
    response = client.get("/editor/articles/", {"q": query})
    assert response.status_code == 200
    return {result["headline"] for result in response.json()["results"]}


def test_read_also_search_gives_a_journalist_their_own_and_public_articles_only(journalist, work):
    client = client_for(journalist)
    assert found(client, "colleague") == {"PUBLIC colleague published"}
    assert found(client, "SECRET") == set()
    assert found(client, "OWN") == {"OWN draft", "OWN published"}


def test_read_also_search_gives_an_editor_every_article(editor, work):
    assert found(client_for(editor), "colleague") == {
        *(f"SECRET colleague {s}" for s in ("draft", "review", "scheduled", "unpublished")),
        "PUBLIC colleague published",
    }


# «عرض على الموقع»: admin/r/<content type>/<id>/ ------------------------------------------


def shortcut(model, pk):
    return f"/admin/r/{ContentType.objects.get_for_model(model).pk}/{pk}/"


def test_view_on_site_answers_404_alike_for_a_colleagues_draft_and_a_missing_id(journalist, work):
    client = client_for(journalist)
    missing = client.get(shortcut(Article, 999_999))
    assert missing.status_code == 404
    for key in [k for k in work if k.startswith("colleague")]:
        article = work[key]
        response = client.get(shortcut(Article, article.pk))
        assert response.status_code == 404, key
        assert response.content == missing.content, key
        assert article.slug not in response.get("Location", ""), key


@pytest.mark.parametrize("role", ["journalist", "editor"])
def test_view_on_site_never_redirects_to_the_slug_of_an_article_readers_cannot_see(
    request, role, work
):
    client = client_for(request.getfixturevalue(role))
    own_draft = work["own-draft"]
    response = client.get(shortcut(Article, own_draft.pk))
    assert response.status_code == 404
    assert own_draft.slug not in response.get("Location", "")
    if role == "editor":
        for key in ("colleague-draft", "colleague-scheduled", "colleague-unpublished"):
            assert client.get(shortcut(Article, work[key].pk)).status_code == 404, key


def test_view_on_site_still_leads_to_a_live_articles_page(journalist, editor, work):
    own = work["own-published"]
    response = client_for(journalist).get(shortcut(Article, own.pk))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == own.get_absolute_url()
    theirs = work["colleague-published"]
    response = client_for(editor).get(shortcut(Article, theirs.pk))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == theirs.get_absolute_url()


# The tag admin -----------------------------------------------------------------------


@pytest.fixture
def tags(work):
    made = {
        name: Tag.objects.create(name=name)
        for name in ("secret-tag-7f3a", "public-tag", "own-draft-tag", "unused-tag")
    }
    work["colleague-draft"].tags.add(made["secret-tag-7f3a"])
    work["colleague-scheduled"].tags.add(made["secret-tag-7f3a"])
    work["colleague-published"].tags.add(made["public-tag"])
    work["colleague-review"].tags.add(made["public-tag"])
    work["own-draft"].tags.add(made["own-draft-tag"])
    return made


def tag_list(client):
    response = client.get("/admin/tags/tag/")
    assert response.status_code == 200
    return response.content.decode()


def test_tag_admin_hides_from_a_journalist_tags_only_colleagues_unpublished_work_carries(
    journalist, tags
):
    client = client_for(journalist)
    page = tag_list(client)
    assert "secret-tag-7f3a" not in page
    for name in ("public-tag", "own-draft-tag", "unused-tag"):
        assert name in page, name
    secret = tags["secret-tag-7f3a"]
    page = client.get(f"/admin/tags/tag/{secret.pk}/change/", follow=True)
    assert "secret-tag-7f3a" not in page.content.decode()
    assert client.get(shortcut(Tag, secret.pk)).status_code == 404


def test_tag_admin_shows_an_editor_every_tag(editor, tags):
    page = tag_list(client_for(editor))
    for name in tags:
        assert name in page, name


# An editor's related picks in the journalist's own form and history ------------------


@pytest.fixture
def picked(make_article, journalist, editor, work):
    """The journalist's draft, to which an editor added related picks: a colleague's draft,
    a colleague's public article, and another of the journalist's own."""
    article = make_article(
        created_by=journalist, headline="مقالي", status=Status.DRAFT, published_at=None
    )
    client = client_for(editor)
    client.post(change_url(article), form_data(client.get(change_url(article))))
    data = form_data(client.get(change_url(article)))
    data["related"] = [work[k].pk for k in ("colleague-draft", "colleague-published", "own-draft")]
    assert client.post(change_url(article), data).status_code == 302
    return article


def test_journalists_read_only_form_names_only_related_picks_they_may_read(journalist, picked):
    page = client_for(journalist).get(change_url(picked)).content.decode()
    assert "SECRET" not in page
    assert "PUBLIC colleague published" in page and "OWN draft" in page
    assert UNAVAILABLE in page


def test_history_shows_a_journalist_only_related_picks_they_may_read(journalist, picked):
    client = client_for(journalist)
    new, old = Version.objects.get_for_object(picked)[:2]
    base = f"/admin/articles/article/{picked.pk}/history"
    for url in [f"{base}/compare/?from={old.pk}&to={new.pk}", f"{base}/{old.pk}/"]:
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert "SECRET" not in text, url
        assert "PUBLIC colleague published" in text and UNAVAILABLE in text, url


def test_history_shows_an_editor_every_related_pick(editor, picked):
    new, old = Version.objects.get_for_object(picked)[:2]
    url = f"/admin/articles/article/{picked.pk}/history/compare/?from={old.pk}&to={new.pk}"
    text = client_for(editor).get(url).content.decode()
    assert "SECRET colleague draft" in text and UNAVAILABLE not in text
