"""Journalists propose changes to their own published article; an editor approves them
through the normal save path (lock, sanitizer, revision) or rejects them with a note."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.roles import JOURNALISTS
from proposals.models import Proposal

from .dom import parse_html

Status = Article.Status


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(make_article, journalist):
    article = make_article(created_by=journalist, headline="عنوان منشور")
    article.authors.add(journalist)
    return article


def propose(client, article, **changes):
    data = {
        "kicker": article.kicker,
        "headline": article.headline,
        "summary": article.summary,
        "body": article.body,
        "lead_image_caption": "",
        "byline": "",
        "source": "",
        "based_on": article.version,
    } | changes
    return client.post(reverse("proposal_new", args=[article.pk]), data)


def test_journalist_proposes_a_change_and_the_article_stays_as_it_is(journalist, published):
    client = client_for(journalist)
    page = client.get(reverse("admin:articles_article_change", args=[published.pk]))
    assert "اقترح تعديلاً" in page.content.decode()
    form = client.get(reverse("proposal_new", args=[published.pk]))
    assert form.status_code == 200 and "اقتراح تعديل" in form.content.decode()

    response = propose(client, published, headline="عنوان مصحَّح")
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.author, proposal.state) == (journalist, Proposal.State.PENDING)
    assert proposal.data["headline"] == "عنوان مصحَّح"
    published.refresh_from_db()
    assert published.headline == "عنوان منشور"
    # The journalist sees its state on the article's page; a second proposal replaces it.
    page = client.get(reverse("admin:articles_article_change", args=[published.pk]))
    assert "بانتظار قرار المحرر" in page.content.decode()
    propose(client, published, headline="عنوان مصحَّح مرة ثانية")
    assert Proposal.objects.get().data["headline"] == "عنوان مصحَّح مرة ثانية"


def test_a_proposal_gets_the_forms_checks(journalist, published):
    response = propose(client_for(journalist), published, headline="")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Proposal.objects.exists()


def test_only_the_author_proposes_and_only_on_what_they_cannot_edit(
    make_user, make_article, journalist, published
):
    colleague = make_user("colleague", JOURNALISTS)
    assert propose(client_for(colleague), published, headline="س").status_code == 403
    draft = make_article(status=Status.DRAFT, published_at=None, created_by=journalist)
    response = client_for(journalist).get(reverse("proposal_new", args=[draft.pk]))
    assert response.status_code == 302  # a draft is edited directly
    assert not Proposal.objects.exists()


def test_editor_sees_the_banner_and_approves_through_the_normal_save(editor, journalist, published):
    propose(client_for(journalist), published, body="<p>نص مصحَّح<script>alert(1)</script></p>")
    proposal = Proposal.objects.get()
    client = client_for(editor)
    page = client.get(reverse("admin:articles_article_change", args=[published.pk]))
    banner = parse_html(page.content).one("div", cls="proposals-banner")
    assert "قارن واعتمد أو ارفض" in banner.text
    detail = client.get(proposal.get_absolute_url())
    assert "مصحَّح" in parse_html(detail.content).one("table", cls="revision-diff").text
    version = published.version
    response = client.post(
        reverse("proposal_decide", args=[proposal.pk]),
        {"decision": "approve", "loaded_version": version},
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert "نص مصحَّح" in published.body and "<script" not in published.body  # sanitized
    assert published.version == version + 1 and published.updated_by == editor
    assert published.status == Status.PUBLISHED
    latest = Version.objects.get_for_object(published).first()
    assert "اعتُمد تعديل اقترحه" in latest.revision.comment
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == (Proposal.State.APPROVED, editor)


def test_an_outdated_proposal_is_not_applied(editor, journalist, published):
    propose(client_for(journalist), published, headline="قديم")
    Article.objects.filter(pk=published.pk).update(version=published.version + 1, headline="أحدث")
    proposal = Proposal.objects.get()
    client = client_for(editor)
    assert (
        "تغيّر المقال بعد هذا الاقتراح" in client.get(proposal.get_absolute_url()).content.decode()
    )
    response = client.post(
        reverse("proposal_decide", args=[proposal.pk]),
        {"decision": "approve", "loaded_version": published.version + 1},
        follow=True,
    )
    assert "تغيّر المقال بعد هذا الاقتراح" in response.content.decode()
    published.refresh_from_db()
    assert published.headline == "أحدث"
    assert Proposal.objects.get().state == Proposal.State.PENDING


def test_editor_rejects_with_a_note_the_journalist_reads(editor, journalist, published):
    propose(client_for(journalist), published, headline="مبالغ فيه")
    proposal = Proposal.objects.get()
    client_for(editor).post(
        reverse("proposal_decide", args=[proposal.pk]),
        {"decision": "reject", "note": "العنوان يبالغ؛ أبقِ الأصل.", "loaded_version": 1},
    )
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REJECTED
    page = client_for(journalist).get(reverse("admin:articles_article_change", args=[published.pk]))
    text = page.content.decode()
    assert "رُفض" in text and "العنوان يبالغ؛ أبقِ الأصل." in text


def test_journalists_cannot_decide_or_read_others_proposals(make_user, journalist, published):
    propose(client_for(journalist), published, headline="س")
    proposal = Proposal.objects.get()
    colleague = make_user("colleague", JOURNALISTS)
    assert client_for(colleague).get(proposal.get_absolute_url()).status_code == 403
    response = client_for(journalist).post(
        reverse("proposal_decide", args=[proposal.pk]), {"decision": "approve", "loaded_version": 1}
    )
    assert response.status_code == 403
    assert Proposal.objects.get().state == Proposal.State.PENDING


def test_the_change_form_banner_costs_one_query(
    editor, journalist, published, django_assert_max_num_queries, make_user
):
    client = client_for(editor)
    url = reverse("admin:articles_article_change", args=[published.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as before:
        client.get(url)
    for n in range(3):
        author = make_user(f"j{n}", JOURNALISTS)
        Proposal.objects.create(article=published, author=author, data={}, based_on_version=1)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("قارن واعتمد أو ارفض") == 3
