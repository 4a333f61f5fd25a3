"""The image library: only real images, re-encoded without metadata, sized and cropped
renditions, and files that follow their rows."""

import errno
import io
import struct
import time
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError
from django.template import engines
from PIL import Image as PILImage
from PIL import ImageDraw

from images import renditions
from images.models import Image
from images.models import media_url as media_url_of
from images.validation import MAX_SIDE

from .test_sanitize import Elements

ADD_URL = "/admin/images/image/add/"
CANARIES = [b"CANARY-GPS", b"CANARY-MAKE", b"CANARY-SERIAL", b"CANARY-ARTIST", b"CANARY-XMP"]


def picture(size=(64, 48), mode="RGB"):
    """Left half red, right half blue: which way is up shows after rotation."""
    image = PILImage.new(mode, size, "blue")
    ImageDraw.Draw(image).rectangle([0, 0, size[0] // 2 - 1, size[1]], fill="red")
    return image


def camera_exif(orientation=1):
    exif = PILImage.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "CANARY-MAKE"
    exif[0x0110] = "CANARY-MODEL"
    exif[0x013B] = "CANARY-ARTIST"
    exif.get_ifd(0x8769)[0xA431] = "CANARY-SERIAL"
    exif.get_ifd(0x8825).update({1: "N", 2: (33.0, 30.0, 0.0), 3: "E", 4: (36.0, 17.0, 0.0)})
    exif.get_ifd(0x8825)[27] = b"ASCII\0\0\0CANARY-GPS"
    return exif


def jpeg_with_everything(size=(64, 48), orientation=6):
    """A JPEG carrying GPS, camera, serial, owner, XMP, a comment and a thumbnail."""
    exif = camera_exif(orientation)
    out = io.BytesIO()
    picture(size).save(
        out,
        "JPEG",
        exif=exif.tobytes(),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">CANARY-XMP</x:xmpmeta>',
        comment=b"<script>alert(1)</script><?php CANARY ?>",
    )
    data = out.getvalue()
    # An embedded thumbnail is a second JPEG inside APP1; put one after the EXIF block too.
    thumbnail = io.BytesIO()
    picture((16, 12)).save(thumbnail, "JPEG")
    app1 = b"\xff\xe1" + struct.pack(">H", len(thumbnail.getvalue()) + 2) + thumbnail.getvalue()
    return data[:2] + app1 + data[2:]


def encoded(fmt, size=(40, 30), mode="RGB", **options):
    out = io.BytesIO()
    picture(size, mode).save(out, fmt, **options)
    return out.getvalue()


def png_header_claiming(width, height):
    """A 70-byte PNG whose header claims a huge picture (THREATS §6.2)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def upload(client, data, name="photo.jpg", **fields):
    form = {
        "file": SimpleUploadedFile(name, data, content_type="image/jpeg"),
        "title": "صورة من الميدان",
        "alt_text": "مبنى مدمر في الحسكة",
        "caption": "",
        "credit": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
    } | fields
    return client.post(ADD_URL, form)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def form_error_text(response):
    from .test_admin_forms import form_errors

    return " ".join(form_errors(response))


@pytest.fixture
def staff(client, editor):
    client.force_login(editor)
    return client


def test_jpeg_with_gps_and_orientation_6_is_stored_upright_without_any_metadata(
    staff, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff, jpeg_with_everything())
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (48, 64)
    assert image.file.name.startswith("images/") and image.file.name.endswith(".jpg")
    assert "photo" not in image.file.name

    files = stored_files(settings)
    assert len(files) == 1 + len(list(renditions.files_of(image.renditions)))
    for path in files:
        data = path.read_bytes()
        for canary in [*CANARIES, b"<script>", b"<?php", b"Exif", b"http://ns.adobe.com"]:
            assert canary not in data, (path.name, canary)
        assert data.count(b"\xff\xd8\xff") <= 1, path.name  # no embedded thumbnail
        with PILImage.open(path) as served:
            assert not served.getexif(), path.name
            assert not served.info.get("icc_profile") and not served.info.get("xmp")
            assert served.height > served.width or "card" in path.name or "social" in path.name
    with PILImage.open(image.file.path) as stored:
        top, bottom = stored.getpixel((24, 4)), stored.getpixel((24, 60))
    assert top[0] > 200 and top[2] < 60, top  # the red half is now on top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (encoded("PNG", mode="RGBA", pnginfo=None), "png"),
        (encoded("WEBP", exif=camera_exif().tobytes()), "webp"),
        (encoded("GIF"), "gif"),
        (encoded("JPEG"), "jpg"),
    ],
    ids=["png", "webp-with-exif", "gif", "jpeg"],
)
def test_accepted_formats_are_stored_under_a_generated_name_with_the_detected_extension(
    staff, data, extension
):
    response = upload(staff, data, name="../../etc/صورة المصدر.php.jpg")
    assert response.status_code == 302
    name = Image.objects.get().file.name
    assert name.endswith(f".{extension}") and ".." not in name and "php" not in name
    assert len(name.rsplit("/", 1)[1]) == 32 + 1 + len(extension)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def bmp():
    return encoded("BMP")


def tiff():
    return encoded("TIFF")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SVG, "drawing.svg"),
        (SVG, "drawing.jpg"),
        (HTML, "page.jpg"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", "doc.jpg"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "x.eps"),
        (bmp(), "x.bmp"),
        (tiff(), "x.tif"),
        (b"", "empty.jpg"),
        (encoded("JPEG")[:60], "truncated.jpg"),
    ],
    ids=["svg", "svg-as-jpg", "html-as-jpg", "pdf", "eps", "bmp", "tiff", "empty", "truncated"],
)
def test_anything_but_jpeg_png_webp_gif_is_refused_with_an_arabic_message(
    staff, settings, data, name
):
    response = upload(staff, data, name=name)
    assert response.status_code == 200
    message = form_error_text(response)
    assert any(word in message for word in ["ليس صورة", "تعذّرت قراءة", "فارغ", "لم يتم"]), message
    assert not Image.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "data",
    [
        encoded("JPEG") + b"PK\x03\x04" + b"<?php CANARY-ZIP ?>" * 10,
        encoded("PNG") + b"<script>CANARY-AFTER-IEND</script>",
        encoded("GIF") + b"<html><script>CANARY-GIF-TAIL</script></html>",
    ],
    ids=["jpeg+zip", "png-after-iend", "gif-html-tail"],
)
def test_polyglots_are_re_encoded_so_the_appended_payload_is_not_stored(staff, settings, data):
    response = upload(staff, data)
    assert response.status_code == 302
    for path in stored_files(settings):
        stored = path.read_bytes()
        assert b"CANARY" not in stored and b"<script>" not in stored and b"PK\x03\x04" not in stored


def test_a_50000_by_50000_png_header_is_refused_in_under_a_second(staff, settings):
    started = time.monotonic()
    response = upload(staff, png_header_claiming(50_000, 50_000), name="bomb.png")
    assert time.monotonic() - started < 1
    assert response.status_code == 200
    assert "أكبر من المسموح" in form_error_text(response)
    assert not Image.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize("size", [(MAX_SIDE + 1, 10), (7000, 7000), (65535, 65535)])
def test_pictures_over_the_side_or_pixel_cap_are_refused_before_decoding(staff, size):
    started = time.monotonic()
    response = upload(staff, png_header_claiming(*size), name="big.png")
    assert time.monotonic() - started < 1
    assert "أكبر من المسموح" in form_error_text(response)


def test_files_over_the_byte_cap_are_refused(staff, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    response = upload(staff, encoded("PNG", size=(400, 400)))
    assert "والحد الأقصى" in form_error_text(response)
    assert not Image.objects.exists()


def test_alt_text_is_required(staff):
    response = upload(staff, encoded("JPEG"), alt_text="")
    assert response.status_code == 200
    assert not Image.objects.exists()


def test_a_storage_failure_leaves_no_file_and_no_row(staff, settings, monkeypatch):
    def full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    response = upload(staff, encoded("JPEG"))
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert stored_files(settings) == []
    page = staff.get(response.url)
    assert "تعذّر حفظ الصورة" in page.content.decode()


def test_a_failed_row_insert_removes_the_file_it_wrote(db, settings, monkeypatch):
    from django.db.models import Model

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "database went away")

    image = Image(title="ع", alt_text="ب", file=SimpleUploadedFile("a.jpg", encoded("JPEG")))
    monkeypatch.setattr(Model, "save_base", broken)
    with pytest.raises(OSError):
        image.save()
    assert stored_files(settings) == []


def test_renditions_have_fixed_widths_never_upscaled_in_modern_formats_with_fallback(
    make_image, django_capture_on_commit_callbacks
):
    image = make_image()
    data = io.BytesIO()
    picture((1000, 700)).save(data, "JPEG")
    with django_capture_on_commit_callbacks(execute=True):
        image.file = SimpleUploadedFile("big.jpg", data.getvalue())
        image.save()
    image.refresh_from_db()
    record = image.renditions
    assert record["fallback"] == "jpg"
    assert set(record["widths"]) == {*renditions.MODERN_FORMATS, "jpg"}
    assert [w for _, w, _ in record["widths"]["jpg"]] == [320, 640, 960]
    assert [(w, h) for _, w, h in record["card"]["webp"]] == [(320, 180), (640, 360), (960, 540)]
    assert record["social"][1:] == [1000, 525]
    for name in renditions.files_of(record):
        with image.file.storage.open(name) as stored, PILImage.open(stored) as served:
            assert (
                served.format
                == {"avif": "AVIF", "webp": "WEBP", "jpg": "JPEG"}[name.rsplit(".", 1)[1]]
            )


def test_crops_keep_the_focal_point_in_view():
    # A wide picture with the focal point at its far right keeps its right edge.
    assert renditions.fitted((1600, 600), (16, 9), (1.0, 0.5)) == (533, 0, 1600, 600)
    assert renditions.fitted((1600, 600), (16, 9), (0.0, 0.5)) == (0, 0, 1067, 600)
    assert renditions.fitted((1600, 600), (16, 9), (0.5, 0.5)) == (266, 0, 1333, 600)
    # A tall picture cropped to 16:9 around a focal point near its top.
    assert renditions.fitted((900, 1600), (16, 9), (0.5, 0.1)) == (0, 0, 900, 506)


def test_transparent_pictures_fall_back_to_png(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = Image(title="شعار", alt_text="شعار", file=SimpleUploadedFile("a.png", b""))
        image.file = SimpleUploadedFile("a.png", encoded("PNG", size=(400, 300), mode="RGBA"))
        image.save()
    image.refresh_from_db()
    assert image.renditions["fallback"] == "png"
    assert image.file.name.endswith(".png")


# Unset variables come out as "" (falsy), as in the card and article templates.
PICTURE = engines["jinja2"].from_string("{{ picture(image, sizes=sizes, eager=eager, crop=crop) }}")


def test_picture_tag_renders_sources_srcset_sizes_dimensions_and_lazy_loading(
    make_image, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image(alt_text='بديل "><svg onload=alert(1)>')
    image = Image.objects.get(pk=image.pk)
    with django_assert_num_queries(0):
        html = PICTURE.render({"image": image, "sizes": "50vw"})
        eager = PICTURE.render({"image": image, "eager": True})
        card = PICTURE.render({"image": image, "crop": "card"})
    elements = Elements(html).found
    sources = [attrs for tag, attrs in elements if tag == "source"]
    assert [s["type"] for s in sources] == [f"image/{ext}" for ext in renditions.MODERN_FORMATS]
    assert all(s["sizes"] == "50vw" and " 120w" in s["srcset"] for s in sources)
    img = next(attrs for tag, attrs in elements if tag == "img")
    assert img["loading"] == "lazy" and img["width"] == "120" and img["height"] == "80"
    assert img["alt"] == 'بديل "><svg onload=alert(1)>' and "<svg" not in html
    assert img["src"].endswith(".jpg") and "120w" in img["srcset"]
    assert 'fetchpriority="high"' in eager and "loading=" not in eager
    assert 'sizes="100vw"' in eager and 'sizes=""' not in eager
    assert "/card-" in card


@pytest.mark.parametrize("media_url", ["/media/", "https://media.example.net/m/"])
def test_media_urls_are_the_storage_urls(settings, media_url):
    settings.MEDIA_URL = media_url
    names = ["renditions/2026/11/" + "a" * 32 + "/w640.webp", "images/x y/ص(1)~!*'.jpg"]
    assert [media_url_of(n) for n in names] == [default_storage.url(n) for n in names]
    settings.STORAGES = settings.STORAGES | {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    }
    assert media_url_of(names[1]) == storages["default"].url(names[1])


def test_an_image_in_use_cannot_be_deleted_and_the_admin_says_where(
    staff, make_image, make_article
):
    lead = make_image()
    in_body = make_image()
    make_article(headline="مقال الصورة الرئيسية", lead_image=lead)
    make_article(
        headline="مقال الصورة في النص",
        body=f'<figure><img src="{in_body.file.url}" alt="و"></figure><p>نص</p>',
    )
    for image, headline in [(lead, "مقال الصورة الرئيسية"), (in_body, "مقال الصورة في النص")]:
        page = staff.get(f"/admin/images/image/{image.pk}/delete/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "لأنها مستخدمة في المقالات التالية" in text and headline in text
        staff.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
        assert Image.objects.filter(pk=image.pk).exists()
        with pytest.raises(ProtectedError):
            image.delete()


def test_removing_an_image_from_the_body_frees_it(make_image, make_article):
    image = make_image()
    article = make_article(body=f'<figure><img src="{image.file.url}" alt="و"></figure>')
    article.body = "<p>بلا صورة</p>"
    article.save()
    image.delete()
    assert not Image.objects.exists()


def test_files_of_a_deleted_image_go_only_after_the_commit(
    make_image, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image()
    image.refresh_from_db()
    files = stored_files(settings)
    assert len(files) > 1

    with pytest.raises(RuntimeError), transaction.atomic():
        Image.objects.get(pk=image.pk).delete()
        raise RuntimeError("rolled back")
    assert stored_files(settings) == files

    with django_capture_on_commit_callbacks(execute=True):
        Image.objects.get(pk=image.pk).delete()
    assert stored_files(settings) == []


def test_rebuild_renditions_fills_the_gaps_and_is_idempotent(make_image, settings):
    first, second = make_image(), make_image()
    out = io.StringIO()
    call_command("rebuild_renditions", stdout=out)
    assert "2 built, 0 already complete, 0 failed" in out.getvalue()
    files = stored_files(settings)

    out = io.StringIO()
    call_command("rebuild_renditions", stdout=out)
    assert "0 built, 2 already complete" in out.getvalue()
    assert stored_files(settings) == files

    (
        settings.MEDIA_ROOT / next(renditions.files_of(Image.objects.get(pk=first.pk).renditions))
    ).unlink()
    out = io.StringIO()
    call_command("rebuild_renditions", stdout=out)
    assert "1 built, 1 already complete" in out.getvalue()
    assert stored_files(settings) == files
    assert second.pk


def test_the_picker_lists_and_searches_images_for_staff_only(client, journalist, make_image):
    make_image(title="حريق في السوق")
    make_image(title="مباراة كرة القدم", caption="ملعب حلب")
    assert client.get("/editor/images/").status_code == 302
    client.force_login(journalist)
    everything = client.get("/editor/images/").json()["results"]
    assert len(everything) == 2
    found = client.get("/editor/images/", {"q": "ملعب"}).json()["results"]
    assert [r["title"] for r in found] == ["مباراة كرة القدم"]
    assert set(found[0]) >= {"id", "alt", "caption", "credit", "thumbnail", "src", "width"}


def test_staff_without_image_permissions_get_403(client, make_user):
    client.force_login(make_user("intern"))
    assert client.get("/editor/images/").status_code == 403
    assert client.post("/editor/images/upload/").status_code == 403


def test_the_picker_upload_needs_csrf_and_stores_a_clean_image(journalist, settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(journalist)
    form = {
        "file": SimpleUploadedFile("x.jpg", jpeg_with_everything()),
        "title": "صورة",
        "alt_text": "وصف",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    assert client.post("/editor/images/upload/", form).status_code == 403
    assert not Image.objects.exists()

    client = Client()
    client.force_login(journalist)
    form["file"].seek(0)
    response = client.post("/editor/images/upload/", form)
    assert response.status_code == 201
    assert response.json()["image"]["width"] == 48
    bad = client.post("/editor/images/upload/", form | {"file": SimpleUploadedFile("x.jpg", SVG)})
    assert bad.status_code == 400 and "ليس صورة" in str(bad.json()["errors"])


def test_uploaded_originals_are_never_kept(make_image, settings):
    data = jpeg_with_everything()
    image = Image(title="ع", alt_text="ب")
    image.file.save("leak.jpg", SimpleUploadedFile("leak.jpg", data), save=False)
    image.save()
    for path in stored_files(settings):
        assert path.read_bytes() != data and b"CANARY" not in path.read_bytes()


def test_zip_is_not_an_image(staff):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "x")
    response = upload(staff, archive.getvalue(), name="a.jpg")
    assert "ليس صورة" in form_error_text(response)


def test_bytes_saved_to_storage_before_a_refused_save_are_removed(db, settings):
    image = Image(title="ع", alt_text="ب")
    image.file.save("x.jpg", SimpleUploadedFile("x.jpg", HTML), save=False)
    with pytest.raises(ValidationError):
        image.save()
    assert stored_files(settings) == []
    assert not Image.objects.exists()


def test_moving_the_focal_point_recrops_the_renditions(
    make_image, django_capture_on_commit_callbacks
):
    data = io.BytesIO()
    picture((3200, 600)).save(data, "JPEG")
    with django_capture_on_commit_callbacks(execute=True):
        image = make_image()
        image.file = SimpleUploadedFile("wide.jpg", data.getvalue())
        image.save()
    image.refresh_from_db()
    left_card = image.card_picture.src
    with image.file.storage.open(image.renditions["card"]["jpg"][0][0]) as stored:
        assert PILImage.open(stored).getpixel((5, 90))[0] > 200  # the red left half, centred crop

    with django_capture_on_commit_callbacks(execute=True):
        image.focal_x = 1.0
        image.save()
    image.refresh_from_db()
    assert image.card_picture.src == left_card  # same names, new pixels
    with image.file.storage.open(image.renditions["card"]["jpg"][0][0]) as stored:
        assert PILImage.open(stored).getpixel((5, 90))[2] > 200  # now the blue right half
