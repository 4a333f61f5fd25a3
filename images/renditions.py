"""Renditions: the resized and cropped copies that pages serve.

Fixed widths only (no size comes from a URL), never wider than the library image, in AVIF
(when this Pillow can encode it) and WebP with a JPEG fallback (PNG for pictures with
transparency). Crops of a fixed shape are taken around the image's focal point. What was made
is recorded on `Image.renditions`, so a template builds `srcset` without another query.
"""

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage
from PIL import features

from .validation import FORMATS

WIDTHS = (320, 640, 960, 1280, 1920)
CARD_RATIO = (16, 9)
CARD_WIDTHS = (320, 640, 960)
SOCIAL_SIZE = (1200, 630)
MODERN_FORMATS = ("avif", "webp") if features.check("avif") else ("webp",)
SAVE_OPTIONS = {
    "avif": ("AVIF", {"quality": 60, "speed": 8}),
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpg": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    "png": ("PNG", {"optimize": True}),
}
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


def folder_for(image):
    return folder_of(image.file.name)


def folder_of(name):
    """renditions/2026/11/<uuid>/ beside images/2026/11/<uuid>.jpg: generated names only."""
    path = PurePosixPath(name)
    return PurePosixPath("renditions", *path.parent.parts[1:], path.stem)


def has_transparency(picture):
    return picture.mode in {"RGBA", "LA", "PA"} or "transparency" in picture.info


def fitted(size, ratio, focal):
    """The largest box of `ratio` inside `size`, centred on the focal point where it fits."""
    width, height = size
    if width * ratio[1] > height * ratio[0]:
        crop_width, crop_height = round(height * ratio[0] / ratio[1]), height
    else:
        crop_width, crop_height = width, round(width * ratio[1] / ratio[0])
    left = min(max(round(focal[0] * width - crop_width / 2), 0), width - crop_width)
    top = min(max(round(focal[1] * height - crop_height / 2), 0), height - crop_height)
    return (left, top, left + crop_width, top + crop_height)


def widths_for(available, wanted):
    """The wanted widths that need no upscaling; the picture's own width if it is narrower."""
    return [w for w in wanted if w <= available] or [available]


def encode(picture, extension):
    name, options = SAVE_OPTIONS[extension]
    if extension == "jpg" and picture.mode != "RGB":
        picture = picture.convert("RGB")
    out = io.BytesIO()
    picture.save(out, name, **options)
    return out.getvalue()


def store(path, data):
    name = str(path)
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        raise OSError(f"storage renamed {name} to {saved}")
    return saved


def resized_set(picture, folder, prefix, widths, formats):
    made = {extension: [] for extension in formats}
    for width in widths:
        height = round(picture.height * width / picture.width)
        copy = picture.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        for extension in formats:
            path = folder / f"{prefix}{width}.{extension}"
            made[extension].append([store(path, encode(copy, extension)), width, height])
    return made


def build(image):
    """Make every rendition of `image` and record them on it; safe to run again."""
    with image.file.open("rb") as source:
        picture = PILImage.open(source, formats=list(FORMATS))
        picture.load()
    if picture.mode not in {"RGB", "RGBA"}:
        picture = picture.convert("RGBA" if has_transparency(picture) else "RGB")
    fallback = "png" if picture.mode == "RGBA" else "jpg"
    formats = (*MODERN_FORMATS, fallback)
    folder = folder_for(image)
    focal = (image.focal_x, image.focal_y)

    card = picture.crop(fitted(picture.size, CARD_RATIO, focal))
    social = picture.crop(fitted(picture.size, SOCIAL_SIZE, focal))
    social_width = min(SOCIAL_SIZE[0], social.width)
    social = social.resize(
        (social_width, round(social_width * SOCIAL_SIZE[1] / SOCIAL_SIZE[0])),
        PILImage.Resampling.LANCZOS,
    )
    renditions = {
        "fallback": fallback,
        "widths": resized_set(picture, folder, "w", widths_for(picture.width, WIDTHS), formats),
        "card": resized_set(card, folder, "card-", widths_for(card.width, CARD_WIDTHS), formats),
        "social": [
            store(folder / "social.jpg", encode(social, "jpg")),
            social.width,
            social.height,
        ],
    }
    type(image).objects.filter(pk=image.pk).update(renditions=renditions)
    image.renditions = renditions
    return renditions


def files_of(renditions):
    """Every stored name listed in a renditions record."""
    for kind in ("widths", "card"):
        for entries in renditions.get(kind, {}).values():
            yield from (entry[0] for entry in entries)
    if social := renditions.get("social"):
        yield social[0]


def stored_for(name):
    """Every rendition in storage of the library file `name` (they share its folder),
    whatever record names them: an image's revision is saved before its renditions are made."""
    folder = str(folder_of(name))
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{file}" for file in files]


def missing(image):
    return not image.renditions or not all(
        default_storage.exists(name) for name in files_of(image.renditions)
    )
