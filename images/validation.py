"""Checking and cleaning an uploaded image before any byte of it is stored.

Only JPEG, PNG, WebP and GIF decoders ever see the upload. Sizes are checked from the header,
before the pixels are decoded, so a decompression bomb costs a few hundred bytes of reading.
The picture is then turned upright (EXIF orientation) and re-encoded from its pixels alone:
no EXIF (GPS, camera, serial, owner), XMP, IPTC, ICC profile, comment, embedded thumbnail
or appended payload survives. What is stored is these new bytes, never the upload.
"""

import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

# Detected format -> stored extension. Nothing else is accepted.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000


NOT_AN_IMAGE = "هذا الملف ليس صورة مقبولة. ارفع صورة بصيغة JPEG أو PNG أو WebP أو GIF."
TOO_BIG = "حجم الملف {size} ميغابايت، والحد الأقصى {limit} ميغابايت. صغّر الصورة ثم أعد رفعها."
TOO_LARGE = (
    "أبعاد الصورة {width}×{height} بكسل أكبر من المسموح (ضلع حتى {side} بكسل، "
    "ومجموع حتى {megapixels} مليون بكسل). صغّر الصورة ثم أعد رفعها."
)
TOO_LARGE_HEADER = (
    f"أبعاد الصورة أكبر من المسموح (ضلع حتى {MAX_SIDE} بكسل، ومجموع حتى "
    f"{MAX_PIXELS // 1_000_000} مليون بكسل). صغّر الصورة ثم أعد رفعها."
)
BROKEN = "تعذّرت قراءة الصورة: الملف تالف أو غير مكتمل. جرّب حفظها من جديد ثم ارفعها."


@contextmanager
def bombs_are_errors():
    """Pillow only warns between MAX_IMAGE_PIXELS and twice that; we never decode there."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        yield


class CleanFile(ContentFile):
    """Bytes made by `reencode`: the model stores these as they are."""


class PreviewFile(CleanFile):
    """A clean preview made by `quick_preview`, carrying the upload's bytes (`original`)
    for the job that re-encodes them in full."""

    def __init__(self, content, original, name=None):
        super().__init__(content, name=name)
        self.original = original


@dataclass
class CleanImage:
    content: CleanFile
    width: int
    height: int
    format: str


def megabytes(size):
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def check_header(upload):
    limit = settings.IMAGE_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            TOO_BIG.format(size=megabytes(upload.size), limit=megabytes(limit)), code="too_big"
        )
    upload.seek(0)
    try:
        with bombs_are_errors():
            picture = Image.open(upload, formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(TOO_LARGE_HEADER, code="too_large") from None
    except UnidentifiedImageError:
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(BROKEN, code="broken") from None
    width, height = picture.size
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS or not width or not height:
        raise ValidationError(
            TOO_LARGE.format(
                width=width, height=height, side=MAX_SIDE, megapixels=MAX_PIXELS // 1_000_000
            ),
            code="too_large",
        )
    return picture


def reencode(picture):
    """New bytes from the pixels alone, upright, in the detected format."""
    detected = picture.format
    if detected == "GIF":
        # The first frame only: animations are not part of a news photo library.
        picture.seek(0)
    picture = ImageOps.exif_transpose(picture)
    transparency = picture.info.get("transparency")
    picture.info = {}
    if detected == "JPEG" or (detected == "WEBP" and picture.mode not in {"RGB", "RGBA"}):
        picture = picture.convert("RGBA" if picture.mode in {"RGBA", "LA", "PA"} else "RGB")
    if detected == "JPEG" and picture.mode != "RGB":
        picture = picture.convert("RGB")
    if detected == "PNG" and picture.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
        picture = picture.convert("RGBA")
    options = {
        "JPEG": {"quality": 90, "optimize": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 90},
        "GIF": {},
    }[detected]
    if transparency is not None and picture.mode in {"P", "L"}:
        options["transparency"] = transparency
    out = io.BytesIO()
    picture.save(out, detected, **options)
    return CleanImage(
        CleanFile(out.getvalue(), name=f"image.{FORMATS[detected]}"),
        picture.width,
        picture.height,
        detected,
    )


@contextmanager
def decoding(picture):
    try:
        with picture, bombs_are_errors():
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(TOO_LARGE_HEADER, code="too_large") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ValidationError(BROKEN, code="broken") from None


def clean_upload(upload):
    """The upload checked and re-encoded, or a ValidationError with an Arabic message."""
    picture = check_header(upload)
    with decoding(picture):
        picture.load()
        return reencode(picture)


def quick_preview(upload):
    """For a JPEG above IMAGE_BACKGROUND_PIXELS: a clean preview (a CleanImage whose content
    is a PreviewFile carrying the upload's bytes); None for any other upload.

    Re-encoding 40 megapixels takes seconds, too long for a request. The header is checked
    here like any upload's (format, bytes, pixels: the bomb limits), and the preview is
    decoded at an eighth of the size (JPEG's DCT scaling, a fraction of the work) and
    re-encoded from its pixels, so it carries no metadata either. The full re-encode of the
    kept bytes follows in a job (images/models.py, finish_upload); the bytes wait in the
    database, never in public storage."""
    picture = check_header(upload)
    if (
        picture.format != "JPEG"
        or picture.width * picture.height <= settings.IMAGE_BACKGROUND_PIXELS
    ):
        return None
    with decoding(picture):
        picture.draft("RGB", (picture.width // 8, picture.height // 8))
        picture.load()
        preview = reencode(picture)
    upload.seek(0)
    preview.content = PreviewFile(preview.content.read(), upload.read(), preview.content.name)
    return preview
