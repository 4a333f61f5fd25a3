import logging
import operator
import re
import uuid
from functools import partial, reduce
from urllib.parse import quote

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from reversion.errors import RevertError
from reversion.models import Version

from core.control_characters import strip_controls_from_fields
from jobs.queue import enqueue, job, progress

from . import renditions as rendition_maker
from .validation import FORMATS, CleanFile, clean_upload, quick_preview

logger = logging.getLogger(__name__)


def image_path(instance, filename):
    """A generated name: no part of what the uploader called the file reaches the disk. The
    extension is the one `clean_upload` chose from the detected format."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    if ext not in FORMATS.values():
        ext = "jpg"
    return timezone.now().strftime(f"images/%Y/%m/{uuid.uuid4().hex}.{ext}")


def media_url(name):
    """default_storage.url(name). For local storage without urljoin(), which was a tenth of
    an article page's render: a page builds some fifty of these URLs. Our names are made by
    image_path() and the rendition maker (ASCII, relative), quoted as filepath_to_uri does."""
    storage = storages["default"]
    if type(storage) is FileSystemStorage:
        return storage.base_url + quote(name, safe="/~!*()'")
    return storage.url(name)


class Picture:
    """What `picture()` (images/pictures.py) needs for one set of
    renditions."""

    def __init__(self, image, kind):
        record = image.renditions or {}
        entries = record.get(kind) or {}
        fallback = record.get("fallback")
        url = media_url
        self.sources = [
            (rendition_maker.MIME_TYPES[ext], srcset(entries[ext], url))
            for ext in rendition_maker.MODERN_FORMATS
            if ext in entries
        ]
        if fallback in entries:
            largest = entries[fallback][-1]
            middle = entries[fallback][min(2, len(entries[fallback]) - 1)]
            self.srcset = srcset(entries[fallback], url)
            self.src = url(middle[0])
            self.width, self.height = largest[1], largest[2]
        else:
            self.srcset, self.src = "", image.file.url
            self.width, self.height = image.width, image.height


def srcset(entries, url):
    return ", ".join(f"{url(name)} {width}w" for name, width, _ in entries)


# Our media names carry a uuid: images/2026/11/<hex>.jpg and renditions/2026/11/<hex>/w640.webp.
MEDIA_KEY = re.compile(r"/(?:images|renditions)/\d{4}/\d{2}/([0-9a-f]{32})[./]")


class ImageQuerySet(models.QuerySet):
    def referenced_in(self, html):
        """The library images an HTML body shows (by file or rendition URL)."""
        keys = set(MEDIA_KEY.findall(html or ""))
        if not keys:
            return self.none()
        return self.filter(reduce(operator.or_, (Q(file__contains=key) for key in keys)))


class Image(models.Model):
    file = models.ImageField(
        "الملف",
        upload_to=image_path,
        width_field="width",
        height_field="height",
        help_text="JPEG أو PNG أو WebP أو GIF. تُحذف بيانات الموقع والكاميرا من الصورة تلقائياً.",
    )
    title = models.CharField(
        "العنوان",
        max_length=255,
        help_text="اسم يساعدك على إيجاد الصورة في المكتبة؛ لا يظهر للقراء.",
    )
    alt_text = models.CharField(
        "النص البديل",
        max_length=255,
        help_text="صف ما في الصورة لمن لا يراها (قارئات الشاشة ومحركات البحث). إلزامي.",
    )
    caption = models.CharField(
        "التعليق", max_length=500, blank=True, help_text="يظهر تحت الصورة في المقال."
    )
    credit = models.CharField(
        "المصدر / المصوّر", max_length=255, blank=True, help_text="مثال: ستيب الإخبارية / أحمد."
    )
    width = models.PositiveIntegerField("العرض", editable=False, default=0)
    height = models.PositiveIntegerField("الارتفاع", editable=False, default=0)
    focal_x = models.FloatField(
        "النقطة المحورية أفقياً",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="من 0 (يسار الصورة) إلى 1 (يمينها)؛ تبقى هذه النقطة ظاهرة عند القص.",
    )
    focal_y = models.FloatField(
        "النقطة المحورية عمودياً",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="من 0 (أعلى الصورة) إلى 1 (أسفلها).",
    )
    # Written by images/renditions.py: {"fallback": "jpg", "widths": {"webp": [[name, w, h],
    # ...], ...}, "card": {...}, "social": [name, w, h]}. Pages read it instead of querying.
    renditions = models.JSONField("النسخ المصغّرة", default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="رفعها",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("تاريخ الرفع", auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [("change_any_image", "يستطيع تعديل أي صورة، ولو عرضها مقال منشور")]
        verbose_name = "صورة"
        verbose_name_plural = "الصور"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Whatever the path (admin, picker, shell, demo), only re-encoded bytes are kept;
        renditions follow once the transaction commits; a failure leaves no file behind.
        A replaced file is kept, with its renditions, and named by a revision (the admin
        saves one per change; elsewhere the state being replaced is saved first), so it can
        be restored, and pages or shares still naming it keep working."""
        strip_controls_from_fields(self)
        new_file = self.has_new_file()
        recrop = not new_file and self.focal_point_changed()
        raw_upload = original = None
        if new_file:
            if not self._state.adding and not reversion.is_active():
                keep_in_history(self.pk)
            raw_upload, original = self.take_clean_file()
        try:
            with transaction.atomic():
                super().save(*args, **kwargs)
                if original is not None:
                    keep_original(self, original)
        except BaseException:
            if new_file and self.file_in_storage():
                self.file.storage.delete(self.file.name)
            raise
        finally:
            # Uploaded bytes written before save() never outlive it, whatever happens.
            delete_files([raw_upload])
        # No renditions: a restored revision saved before they were made, or a failed build.
        if original is not None:
            enqueue(finish_upload, self.pk, key=f"renditions:{self.pk}")
        elif new_file or recrop or not self.renditions:
            enqueue(build_renditions, self.pk, key=f"renditions:{self.pk}")

    def get_absolute_url(self):
        return self.file.url

    def has_new_file(self):
        """Whether the file is not the one the saved row names (a new image, or a file
        assigned or written since it was loaded)."""
        if not self.file:
            return False
        if self._state.adding:
            return True
        saved = type(self).objects.filter(pk=self.pk).values_list("file", flat=True).first()
        return self.file.name != saved

    def file_in_storage(self):
        """Whether the file's bytes are already in storage (written by
        `image.file.save(..., save=False)` or by a save that failed later), as opposed to an
        upload assigned and not yet written. Django keeps this in a private flag of
        FieldFile and offers no public accessor, so it is told here by public means: an
        assigned upload carries only its base name, and stored names are always generated
        under images/, so an assigned name exists in storage only once the bytes are there."""
        return bool(self.file) and self.file.storage.exists(self.file.name)

    def take_clean_file(self):
        """Swap the file for its re-encoded version (or a quick preview of a large JPEG: see
        validation.quick_preview). Returns the name of raw uploaded bytes already in storage,
        if any, and the bytes of an original to re-encode in the background, if any."""
        raw_upload = original = None
        if self.file_in_storage():
            # Written to storage before save() (e.g. `image.file.save(..., save=False)`):
            # replace those bytes too.
            raw_upload = self.file.name
            try:
                with self.file.open("rb") as stored:
                    clean = clean_upload(stored)
            except ValidationError:
                delete_files([raw_upload])
                raise
        elif isinstance(self.file.file, CleanFile):
            clean = None
        else:
            clean = quick_preview(self.file.file) or clean_upload(self.file.file)
        # A preview (a large JPEG): its original is re-encoded in full by a job.
        original = getattr((clean.content if clean else self.file.file), "original", None)
        if clean is not None:
            self.file = clean.content
            self.width, self.height = clean.width, clean.height
        self.renditions = {}
        return raw_upload, original

    def focal_point_changed(self):
        if self._state.adding:
            return False
        stored = type(self).objects.filter(pk=self.pk).values_list("focal_x", "focal_y").first()
        return stored is not None and stored != (self.focal_x, self.focal_y)

    @property
    def picture(self):
        return Picture(self, "widths")

    @property
    def card_picture(self):
        return Picture(self, "card")

    @property
    def social_url(self):
        social = (self.renditions or {}).get("social")
        return media_url(social[0]) if social else self.file.url

    @property
    def thumbnail_url(self):
        widths = (self.renditions or {}).get("card", {})
        fallback = widths.get((self.renditions or {}).get("fallback"))
        return media_url(fallback[0][0]) if fallback else self.file.url


class PendingOriginal(models.Model):
    """A large JPEG's upload until a job re-encodes it (finish_upload). Its bytes still carry
    their metadata, so they wait in the "pending" storage, which nothing serves
    (settings.STORAGES), never in the public media storage. (In a bytea column, writing
    12 MB took PostgreSQL longer than the whole request may.)"""

    image = models.OneToOneField(Image, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"original of image {self.image_id}"


def keep_original(image, data):
    """Store `data` (bytes) in the pending storage and name it for the image's job."""
    pending = storages["pending"]
    name = pending.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data))
    try:
        PendingOriginal.objects.filter(image=image).delete()
        PendingOriginal.objects.create(image=image, name=name)
    except BaseException:
        pending.delete(name)
        raise


PROCESSING = "جاري تجهيز الصور"


def processing(image):
    """Whether the image's renditions are still being made («جاري تجهيز الصور»)."""
    return not image.renditions


@job("تجهيز الصور")
def build_renditions(pk):
    """Pages show the library file until the renditions exist (Picture falls back to it)."""
    image = Image.objects.filter(pk=pk).first()
    if image is not None:
        rendition_maker.build(image)


@job("تجهيز الصور")
def finish_upload(pk):
    """Re-encode a large upload's original (validation.clean_upload: every check, metadata
    stripped), make it the image's file, then its renditions. A file that turns out broken
    stops the job (the image keeps its preview and stays usable). Idempotent: once the
    original is taken, a second run only makes renditions that are missing."""
    pending = PendingOriginal.objects.filter(image_id=pk).select_related("image").first()
    if pending is None:
        image = Image.objects.filter(pk=pk).first()
        if image is not None and rendition_maker.missing(image):
            rendition_maker.build(image)
        return
    image = pending.image
    with storages["pending"].open(pending.name, "rb") as upload:
        clean = clean_upload(ContentFile(upload.read(), name="upload.jpg"))
    name = default_storage.save(image_path(image, clean.content.name), clean.content)
    preview = image.file.name
    with transaction.atomic():
        updated = Image.objects.filter(pk=pk, file=preview).update(
            file=name, width=clean.width, height=clean.height, renditions={}
        )
        pending.delete()
    storages["pending"].delete(pending.name)
    if not updated:  # the file was replaced meanwhile: that one wins
        default_storage.delete(name)
        return
    # The preview stays while a revision names it (it can be restored); otherwise it goes.
    if not Version.objects.get_for_object_reference(Image, pk).exists():
        default_storage.delete(preview)
    image.refresh_from_db()
    rendition_maker.build(image)


@job("إعادة تجهيز صور المكتبة", max_attempts=1)
def rebuild_library(everything=False):
    """Make the renditions of every image that lacks them (all with `everything`), with its
    progress shown in the admin; one bad file does not stop the rest. Returns the counts."""
    pks = list(Image.objects.order_by("pk").values_list("pk", flat=True))
    built = skipped = failed = 0
    for done, pk in enumerate(pks, 1):
        image = Image.objects.filter(pk=pk).first()
        if image is None or not (everything or rendition_maker.missing(image)):
            skipped += 1
        else:
            try:
                rendition_maker.build(image)
                built += 1
            except Exception:
                failed += 1
                logger.exception("Renditions of image %s could not be made", pk)
        if done % 10 == 0 or done == len(pks):
            progress(done, len(pks))
    return built, skipped, failed


def delete_files(names):
    for name in names:
        if name:
            default_storage.delete(name)


def keep_in_history(pk):
    """Save the image as stored now as a revision of its own when it has none (uploaded by
    the demo loader, a shell, or before images had history), so that what a change replaces
    can be restored. Runs outside any other revision: one open now would take this state
    as the new one."""
    if Version.objects.get_for_object_reference(Image, pk).exists():
        return
    stored = Image.objects.filter(pk=pk).first()
    if stored is None:
        return
    with reversion.create_revision():
        reversion.add_to_revision(stored)
        reversion.set_user(stored.uploaded_by)
        reversion.set_comment("الصورة كما كانت قبل أول تعديل محفوظ في السجل.")


def history_files(versions):
    """{name: version pk} of the library files that `versions` (revisions of images) name."""
    names = {}
    for version in versions:
        try:
            name = str(version.field_dict.get("file") or "")
        except RevertError:  # a revision this code can no longer read
            continue
        if name:
            names.setdefault(name, version.pk)
    return names


def delete_with_renditions(names):
    delete_files([*names, *(r for name in names for r in rendition_maker.stored_for(name))])


@receiver(post_delete, sender=Image)
def delete_files_after_commit(sender, instance, **kwargs):
    """Only once the deletion is committed: a rolled-back delete keeps its files. Every file
    the image ever had goes, with its renditions and its history: deleting is how a picture
    that must go (say, it identifies a source) really goes."""
    history = Version.objects.get_for_object_reference(Image, instance.pk)
    names = [instance.file.name, *history_files(history).keys() - {instance.file.name}]
    history.delete()
    transaction.on_commit(partial(delete_with_renditions, names))


# History: every change in the admin is a revision (ImageAdmin), restorable there.
reversion.register(Image)
