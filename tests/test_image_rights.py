"""Who may change a library image, and what a change keeps: a journalist changes only images
they uploaded that no live or scheduled article shows; editors change any; a replaced file
stays in storage and in the image's history, from which it can be restored."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from images import renditions
from images.models import Image

from .adminform import form_data
from .conftest import jpeg_bytes

Status = Article.Status


def image_url(image, view="change"):
    return f"/admin/images/image/{image.pk}/{view}/"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def change_image(client, image, **changes):
    """GET the image's change form, change some fields, POST it back (a `file` change is a
    new upload)."""
    data = form_data(client.get(image_url(image)), "image_form") | changes
    return client.post(image_url(image), data)


def new_upload():
    return SimpleUploadedFile("new.jpg", jpeg_bytes(size=(90, 60), colour=(20, 160, 40)))


def as_stored(image):
    fresh = Image.objects.get(pk=image.pk)
    return (fresh.file.name, fresh.alt_text, fresh.credit)


@pytest.fixture
def journalists_image(make_image, journalist):
    return lambda: make_image(uploaded_by=journalist, credit="عمر")


def in_body(image):
    return f'<figure><img src="{image.file.url}" alt="و"></figure><p>نص</p>'


# Journalists ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "use",
    ["lead of a live article", "in a live body", "lead of a scheduled article"],
)
def test_journalist_cannot_change_their_image_once_a_public_article_shows_it(
    journalist, journalists_image, make_article, use
):
    image = journalists_image()
    if use == "lead of a live article":
        make_article(lead_image=image)
    elif use == "in a live body":
        make_article(body=in_body(image))
    else:
        make_article(lead_image=image, published_at=timezone.now() + timedelta(hours=3))
    before = as_stored(image)
    client = client_for(journalist)

    page = client.get(image_url(image))
    assert page.status_code == 200
    assert 'name="alt_text"' not in page.content.decode()  # read-only
    assert "لا يمكنك تعديل هذه الصورة" in page.content.decode()
    response = change_image(client, image, alt_text="مزوّر", credit="مزوّر", file=new_upload())
    assert response.status_code == 403
    assert as_stored(image) == before


def test_journalist_cannot_change_an_image_someone_else_uploaded(journalist, editor, make_image):
    theirs = make_image(uploaded_by=editor)
    nobodys = make_image()  # the demo's, or uploaded before uploaders were recorded
    client = client_for(journalist)
    for image in (theirs, nobodys):
        before = as_stored(image)
        response = change_image(client, image, alt_text="مزوّر", file=new_upload())
        assert response.status_code == 403
        assert as_stored(image) == before


def test_journalist_changes_their_own_image_while_only_drafts_show_it(
    journalist, journalists_image, make_article, committed
):
    image = journalists_image()
    make_article(lead_image=image, status=Status.DRAFT, published_at=None)
    make_article(body=in_body(image), status=Status.UNPUBLISHED)
    with committed():
        response = change_image(client_for(journalist), image, alt_text="وصف أدق")
    assert response.status_code == 302
    assert Image.objects.get(pk=image.pk).alt_text == "وصف أدق"


def test_journalist_can_neither_delete_nor_act_on_images_in_the_list(journalist, journalists_image):
    """Deleting is an editor's: the delete page, the bulk delete and the list's actions all
    refuse, whoever uploaded the image."""
    image = journalists_image()
    client = client_for(journalist)
    assert client.get(image_url(image, "delete")).status_code == 403
    assert client.post(image_url(image, "delete"), {"post": "yes"}).status_code == 403
    client.post(
        "/admin/images/image/",
        {"action": "delete_selected", "_selected_action": image.pk, "post": "yes"},
    )
    assert Image.objects.filter(pk=image.pk).exists()
    assert 'value="delete_selected"' not in client.get("/admin/images/image/").content.decode()


def test_journalist_cannot_restore_a_revision_of_an_image_they_may_not_change(
    journalist, editor, journalists_image, make_article, committed
):
    image = journalists_image()
    with committed():
        change_image(client_for(journalist), image, alt_text="الوصف الأول")
        change_image(client_for(journalist), image, alt_text="الوصف الثاني")
    make_article(lead_image=image)
    first = Version.objects.get_for_object(image).last()
    client = client_for(journalist)
    url = f"/admin/images/image/{image.pk}/history/{first.pk}/"
    data = form_data(client.get(url), "image_form")
    assert client.post(url, data).status_code == 403
    assert Image.objects.get(pk=image.pk).alt_text == "الوصف الثاني"


def test_the_picker_upload_only_ever_adds_an_image_owned_by_the_uploader(
    journalist, editor, make_image
):
    """The editor's picker has no way to change an existing image: an id in the POST is
    ignored, and the new image is the uploader's."""
    theirs = make_image(uploaded_by=editor)
    before = as_stored(theirs)
    client = client_for(journalist)
    form = {"file": new_upload(), "title": "صورة", "alt_text": "وصف"}
    form |= {"focal_x": "0.5", "focal_y": "0.5"}
    response = client.post("/editor/images/upload/", form | {"id": theirs.pk, "pk": theirs.pk})
    assert response.status_code == 201
    assert response.json()["image"]["id"] != theirs.pk
    assert as_stored(theirs) == before
    assert Image.objects.get(pk=response.json()["image"]["id"]).uploaded_by == journalist


# Editors, history and files ------------------------------------------------------------


def test_editor_replaces_a_live_lead_image_and_the_old_file_stays_restorable(
    editor, make_image, make_article, settings, committed
):
    with committed():
        image = make_image(alt_text="الوصف الأصلي")
    make_article(lead_image=image)
    image.refresh_from_db()
    old_name = image.file.name
    old_renditions = list(renditions.files_of(image.renditions))
    client = client_for(editor)

    with committed():
        response = change_image(client, image, alt_text="وصف جديد", file=new_upload())
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.file.name != old_name and image.alt_text == "وصف جديد"
    # Nothing of the replaced version was deleted: pages and shares that still name its
    # files keep working, and its revision can bring it back.
    for name in [old_name, *old_renditions]:
        assert (settings.MEDIA_ROOT / name).exists(), name

    history = client.get(image_url(image, "history"))
    assert history.status_code == 200
    versions = Version.objects.get_for_object(image)
    assert versions.count() == 2
    original = versions.last()
    assert str(original.field_dict["file"]) == old_name

    url = f"/admin/images/image/{image.pk}/history/{original.pk}/"
    with committed():
        response = client.post(url, form_data(client.get(url), "image_form"))
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.file.name, image.alt_text) == (old_name, "الوصف الأصلي")
    assert image.renditions and all(
        (settings.MEDIA_ROOT / name).exists() for name in renditions.files_of(image.renditions)
    )
    assert versions.count() == 3


def test_an_image_revision_never_reverts_another_model(editor, make_image, make_article):
    """django-reversion's own revision view finds a version by its id and object id only:
    an article's revision whose article id equals an image's id must not be reverted from
    the image's history."""
    image = make_image()
    article = make_article(pk=image.pk, headline="العنوان الأول")
    client = client_for(editor)
    article_form = f"/admin/articles/article/{article.pk}/change/"
    client.post(article_form, form_data(client.get(article_form)))
    article_version = Version.objects.get_for_object(article).get()
    Article.objects.filter(pk=article.pk).update(headline="العنوان الحالي")

    url = f"/admin/images/image/{image.pk}/history/{article_version.pk}/"
    assert client.get(url).status_code == 404
    assert (
        client.post(url, form_data(client.get(image_url(image)), "image_form")).status_code == 404
    )
    assert Article.objects.get(pk=article.pk).headline == "العنوان الحالي"


def test_deleting_an_image_removes_the_files_of_every_revision_and_its_history(
    editor, make_image, settings, committed
):
    """Deleting is how a picture that must go (it identifies a source) really goes: no
    earlier file stays behind in storage or in a revision."""
    with committed():
        image = make_image()
        change_image(client_for(editor), image, file=new_upload())
    assert Version.objects.get_for_object(image).count() == 2
    with committed():
        response = client_for(editor).post(image_url(image, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert not Version.objects.get_for_object_reference(Image, image.pk).exists()


def test_media_audit_counts_renditions_and_files_of_revisions_as_referenced(
    editor, make_image, capsys, committed
):
    with committed():
        image = make_image()
    with committed():
        change_image(client_for(editor), image, file=new_upload())
    call_command("media_audit")
    out = capsys.readouterr().out
    assert "0 orphans, 0 missing" in out, out
