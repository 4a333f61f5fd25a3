import html
import re
import secrets

import reversion
from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    F,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONArray, Now
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.arabic import search_words, unique_slug
from core.control_characters import strip_controls_from_fields
from core.date_range import validate_date_range, validate_dates
from core.routing import object_url
from images.models import Image
from sections.models import Section
from tags.models import Tag

from .body.editor import BODY_EXTENSIONS, BODY_MAX_LENGTH
from .body.sanitize import sanitize_body, validate_upload_dates

# The fields search reads; a save limited to other fields leaves the search fields alone.
SEARCHED_FIELDS = {"headline", "kicker", "summary", "body"}
# The body is sanitized HTML (attributes are quoted, no comments), so a tag is <...>.
TAG_RE = re.compile(r"<[^>]*>")


def html_to_text(body):
    """Sanitized HTML as plain text; tags become spaces so that paragraphs don't run together."""
    return " ".join(html.unescape(TAG_RE.sub(" ", body or "")).split())


def search_fields(article):
    """(search_title, search_body) for an article, or a migration's historical Article."""
    rest = f"{article.kicker} {article.summary} {html_to_text(article.body)}"
    return " ".join(search_words(article.headline)), " ".join(search_words(rest))


# What a card shows (jinja2/includes/article_card.html, the home page's latest list, «اقرأ أيضاً»).
CARD_FIELDS = (
    "headline",
    "slug",
    "summary",
    "published_at",
    "section__name",
    "section__slug",
    *(f"lead_image__{name}" for name in ("file", "alt_text", "width", "height", "renditions")),
)


def new_preview_secret():
    return secrets.token_urlsafe(16)


def flag(condition):
    """`condition` as a boolean column: true where it holds, false elsewhere (never NULL)."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


class ArticleQuerySet(models.QuerySet):
    @staticmethod
    def published_q():
        """The one visibility rule. Now() is evaluated by the database on every query, so a
        scheduled article appears on time without any job running."""
        return Q(status=Article.Status.PUBLISHED, published_at__lte=Now()) & (
            Q(expire_at__isnull=True) | Q(expire_at__gt=Now())
        )

    def published(self):
        return self.filter(self.published_q())

    @staticmethod
    def scheduled_q():
        """The one "scheduled" rule: published, with a time the database clock has not
        reached yet; published_q() lets it through by itself when the clock does.
        Article.is_scheduled is this rule read from an instance in memory."""
        return Q(status=Article.Status.PUBLISHED, published_at__gt=Now())

    def scheduled(self):
        return self.filter(self.scheduled_q())

    def with_is_live(self):
        """Each article's `is_live`: whether readers can see it now (published_q)."""
        return self.annotate(is_live=flag(self.published_q()))

    def with_is_due(self):
        """Each article's `is_due`: whether it is scheduled now (scheduled_q). Not named
        `is_scheduled`: that is the property reading the instance as it is in memory."""
        return self.annotate(is_due=flag(self.scheduled_q()))

    def public_tag_ids(self):
        """Ids of the tags that at least one public article carries: a tag used only by
        drafts must not show anywhere public (its name can reveal the story)."""
        return ArticleTag.objects.filter(content_object__in=self.published()).values("tag")

    def breaking(self):
        """Public articles flagged breaking whose strip time has not passed (by the database
        clock, like the visibility rule)."""
        return self.published().filter(
            Q(breaking_until__isnull=True) | Q(breaking_until__gt=Now()), is_breaking=True
        )

    def cards(self):
        """What a card needs and no more: the body and search text are the bulk of a row
        (tens of KB each), and fetching them for every card was most of a list page's time;
        the other columns cost a fifth of the six related cards' query in Python."""
        from .extensions import CARD_ANNOTATIONS

        extra = {name: expression() for name, expression in CARD_ANNOTATIONS.items()}
        return self.select_related("section", "lead_image").only(*CARD_FIELDS).annotate(**extra)

    def for_listing(self):
        """Cards, newest first, in a fixed number of queries however many articles."""
        return self.cards().order_by("-published_at", "-id")

    def with_credits(self):
        """Each article's authors and tags in its own row, as JSON arrays: `author_rows`
        ([through id, username, first name, last name, user id]) and `tag_rows` ([name, slug]). An
        article page reads them so, not with two prefetch queries (1.3 ms of a render)."""
        authors = Article.authors.through.objects.filter(article=OuterRef("pk"))
        tags = ArticleTag.objects.filter(content_object=OuterRef("pk"))
        return self.annotate(
            author_rows=rows_of(
                authors,
                "article",
                F("id"),
                "user__username",
                "user__first_name",
                "user__last_name",
                "user_id",
            ),
            tag_rows=rows_of(tags, "content_object", "tag__name", "tag__slug"),
        )


class JSONList(Aggregate):
    """The rows of a group as one JSON array (jsonb on PostgreSQL: its json type would reach
    JSONField already decoded)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def rows_of(queryset, key, *fields):
    """A subquery giving `fields` of the rows of `queryset` (filtered on the outer row by
    `key`) as a JSON array of arrays; NULL when there are none."""
    rows = JSONList(JSONArray(*fields))
    return Subquery(queryset.order_by().values(key).annotate(rows=rows).values("rows"))


class ArticleTag(TaggedItemBase):
    """taggit's through model with a real foreign key (the generic one warns on new Django
    and cannot be joined efficiently). It lives here, not in `tags`, so that `tags` never
    imports `articles`."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="article_items")
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        unique_together = [("content_object", "tag")]
        # A tag's newest articles without a sort (related articles' candidate pool).
        indexes = [models.Index(fields=["tag", "-content_object"], name="articletag_tag_newest")]
        verbose_name = "وسم مقال"
        verbose_name_plural = "وسوم المقالات"


class BodyImage(models.Model):
    """A library image shown in an article's body, kept in step by Article.save. PROTECT
    means an image cannot be deleted while a body shows it, and the admin says where."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey(
        Image, verbose_name="الصورة", on_delete=models.PROTECT, related_name="in_bodies"
    )

    class Meta:
        unique_together = [("article", "image")]
        verbose_name = "صورة في نص مقال"
        verbose_name_plural = "صور في نصوص المقالات"

    def __str__(self):
        return self.article.headline


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "مسودة"
        REVIEW = "review", "قيد المراجعة"
        PUBLISHED = "published", "منشور"
        UNPUBLISHED = "unpublished", "سُحب من النشر"

    headline = models.CharField(
        "العنوان",
        max_length=255,
        help_text="العنوان الرئيسي كما يظهر للقراء. اجعله واضحاً ودقيقاً، دون مبالغة.",
    )
    slug = models.SlugField(
        "المعرّف في الرابط",
        max_length=255,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="يُولَّد من العنوان إن تُرك فارغاً. تغييره لاحقاً لا يكسر الروابط القديمة.",
    )
    kicker = models.CharField(
        "العنوان التمهيدي",
        max_length=100,
        blank=True,
        help_text="كلمة أو كلمتان فوق العنوان، مثل «عاجل» أو «تحقيق».",
    )
    summary = models.TextField(
        "الملخص",
        max_length=600,
        blank=True,
        help_text="جملة أو جملتان تظهران تحت العنوان وفي القوائم ونتائج البحث والمشاركة.",
    )
    body = ProseEditorField(
        "نص المقال",
        extensions=BODY_EXTENSIONS,
        # The allowlist is derived from BODY_EXTENSIONS (articles/body/sanitize.py).
        sanitize=sanitize_body,
        max_length=BODY_MAX_LENGTH,
        validators=[validate_upload_dates],
        blank=True,
        help_text="استخدم العناوين الفرعية (H2) لتقسيم المقالات الطويلة.",
    )
    section = models.ForeignKey(
        Section,
        verbose_name="القسم",
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="القسم الرئيسي الذي يظهر فيه المقال.",
    )
    tags = TaggableManager(
        "الوسوم",
        through=ArticleTag,
        blank=True,
        help_text="افصل بين الوسوم بفاصلة (، أو ,). مثال: الحسكة، قسد، داعش",
    )
    lead_image = models.ForeignKey(
        Image,
        verbose_name="الصورة الرئيسية",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_for",
    )
    lead_image_caption = models.CharField(
        "تعليق الصورة في هذا المقال",
        max_length=500,
        blank=True,
        help_text="اتركه فارغاً لاستخدام تعليق الصورة من المكتبة.",
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="الكتّاب",
        blank=True,
        related_name="articles",
        help_text="من كتب المقال من فريق التحرير؛ تظهر أسماؤهم مع روابط لصفحاتهم.",
    )
    byline = models.CharField(
        "اسم الكاتب (نص حر)",
        max_length=255,
        blank=True,
        help_text="لكاتب من خارج الفريق، مثل مراسل متعاون.",
    )
    source = models.CharField(
        "المصدر", max_length=255, blank=True, help_text="مثال: وكالة ستيب الإخبارية."
    )
    status = models.CharField(
        "الحالة", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "وقت النشر",
        validators=[validate_date_range],
        null=True,
        blank=True,
        help_text="بتوقيت غرفة الأخبار. وقت في المستقبل يعني أن المقال مجدول وسيظهر وحده في موعده.",
    )
    expire_at = models.DateTimeField(
        "وقت انتهاء النشر",
        validators=[validate_date_range],
        null=True,
        blank=True,
        help_text="اختياري: يختفي المقال من الموقع بعد هذا الوقت.",
    )
    content_updated_at = models.DateTimeField(
        "آخر تحديث جوهري",
        validators=[validate_date_range],
        null=True,
        blank=True,
        help_text="يظهر للقراء بعبارة «تم التحديث». لا تغيّره للتصحيحات الإملائية.",
    )
    is_featured = models.BooleanField(
        "مميّز", default=False, help_text="يظهر في أعلى الصفحة الرئيسية."
    )
    is_breaking = models.BooleanField(
        "خبر عاجل", default=False, help_text="يظهر في شريط العاجل أعلى كل الصفحات."
    )
    post_to_telegram = models.BooleanField(
        "نشر على تيليغرام",
        default=False,
        help_text="يُرسل العنوان والملخص والرابط مع الصورة إلى قناة تيليغرام لحظة ظهور المقال "
        "للقراء، مرة واحدة. تعديل العنوان أو الملخص بعدها يعدّل الرسالة، وسحب المقال يحذفها.",
    )
    push_breaking = models.BooleanField(
        "إشعار عاجل",
        default=False,
        help_text="يُرسل إشعار بالعنوان والصورة إلى كل قارئ اشترك في تنبيهات الأخبار العاجلة، "
        "لحظة ظهور المقال للقراء، مرة واحدة لكل قارئ.",
    )
    exclude_from_most_read = models.BooleanField(
        "استبعاد من الأكثر قراءة",
        default=False,
        help_text="لا يظهر المقال في قائمة «الأكثر قراءة» مهما كثرت قراءاته (خبر حساس، "
        "أو قراءات غير طبيعية). يختفي منها فور الحفظ، ويعود إليها عند إزالة العلامة.",
    )
    breaking_until = models.DateTimeField(
        "عاجل حتى",
        validators=[validate_date_range],
        null=True,
        blank=True,
        help_text="يختفي من شريط العاجل بعد هذا الوقت.",
    )
    related = models.ManyToManyField(
        "self",
        verbose_name="مقالات ذات صلة يختارها المحرر",
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text="تظهر أولاً في «مقالات ذات صلة».",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="أنشأه",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField("تاريخ الإنشاء", auto_now_add=True)
    updated_at = models.DateTimeField("آخر حفظ", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="آخر من حفظه",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    review_note = models.TextField(
        "ملاحظة المحرر",
        blank=True,
        help_text="سبب إعادة المقال إلى المسودة أو ما ينبغي تعديله. يراها الكاتب ولا تظهر للقراء.",
    )
    # Optimistic lock: every save states the version it was loaded at.
    version = models.PositiveIntegerField("النسخة", default=1, editable=False)
    # Changing it revokes every preview link already shared.
    preview_secret = models.CharField(max_length=32, default=new_preview_secret, editable=False)
    # What search reads (articles/search.py): normalized words, rewritten on every save.
    search_title = models.TextField(default="", editable=False)
    search_body = models.TextField(default="", editable=False)
    # «مقالات ذات صلة» as ranked when the article or a story it suggests was last saved
    # (articles/related.py); pages read it back through published(). None: never ranked.
    suggested_ids = models.JSONField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [("publish_article", "يستطيع نشر المقالات وجدولتها وسحبها")]
        verbose_name = "مقال"
        verbose_name_plural = "المقالات"
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub"),
            models.Index(fields=["section", "-published_at"], name="article_section_pub"),
            models.Index(fields=["-published_at", "-id"], name="article_pub_id"),
            # Speed at a million rows (issue 7): listings read their ids and the visibility
            # columns from one index; the page cache's next-change probe and the admin's
            # filters and sortable columns each have theirs.
            models.Index(
                fields=["section", "status", "-published_at", "-id", "expire_at"],
                name="article_section_live",
            ),
            models.Index(
                fields=["status", "-published_at", "-id", "expire_at"], name="article_live"
            ),
            models.Index(fields=["status", "expire_at"], name="article_status_expire"),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(is_featured=True),
                name="article_featured_pub",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(is_breaking=True),
                name="article_breaking_pub",
            ),
            models.Index(fields=["headline"], name="article_headline"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        validate_dates(self)
        # Control characters first (Word's U+000B in a headline broke the feeds), then the
        # body's allowlist; both on every path (admin, import, shell), not only the form's.
        strip_controls_from_fields(self)
        self.body = self._meta.get_field("body").sanitize(self.body or "")
        if not self.slug:
            others = Article.objects.exclude(pk=self.pk)
            self.slug = unique_slug(self.headline, lambda s: others.filter(slug=s).exists())
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED_FIELDS.intersection(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_title", "search_body"}
        super().save(*args, **kwargs)
        self.track_body_images()

    def get_absolute_url(self):
        return object_url("article", self.pk, self.slug)

    def track_body_images(self):
        shown = set(Image.objects.referenced_in(self.body).values_list("pk", flat=True))
        tracked = set(BodyImage.objects.filter(article=self).values_list("image_id", flat=True))
        if tracked - shown:
            BodyImage.objects.filter(article=self, image__in=tracked - shown).delete()
        BodyImage.objects.bulk_create(
            [BodyImage(article=self, image_id=pk) for pk in shown - tracked]
        )

    def refresh_search_fields(self):
        self.search_title, self.search_body = search_fields(self)

    @property
    def body_text(self):
        return html_to_text(self.body)

    @property
    def caption(self):
        if self.lead_image_caption:
            return self.lead_image_caption
        return self.lead_image.caption if self.lead_image else ""

    @property
    def is_scheduled(self):
        """ArticleQuerySet.scheduled_q() read from this instance as it is in memory (a form or
        a transition may have changed it since it was loaded), against Python's clock rather
        than the database's; tests/test_visibility.py checks that the two agree."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def _preview_signer(self):
        # The per-article secret is part of the salt: regenerating it invalidates every
        # link already shared, and a link for one article never opens another.
        return signing.TimestampSigner(salt=f"articles.preview:{self.preview_secret}")

    def preview_token(self):
        return self._preview_signer().sign(str(self.pk))

    def check_preview_token(self, token, max_age):
        """Raises signing.SignatureExpired or signing.BadSignature; compares in constant time."""
        if self._preview_signer().unsign(token, max_age=max_age) != str(self.pk):
            raise signing.BadSignature("token for another article")

    def get_preview_url(self):
        return reverse("article_preview", args=[self.preview_token()])

    @staticmethod
    def pk_from_preview_token(token):
        """The article id a token claims, or None; the signature is checked afterwards."""
        head = token.split(":", 1)[0]
        # isdigit() alone accepts "²", which int() refuses: ASCII digits only.
        return int(head) if head.isascii() and head.isdigit() and len(head) < 19 else None


class Correction(models.Model):
    """A dated correction note, shown to readers at the end of the article."""

    article = models.ForeignKey(
        Article,
        verbose_name="المقال",
        on_delete=models.CASCADE,
        related_name="public_corrections",
    )
    text = models.TextField(
        "نص التصحيح",
        help_text="ما الخطأ وما الصحيح، بجملة أو جملتين. مثال: ذكرت نسخة سابقة أن…، والصحيح أن…",
    )
    published_at = models.DateTimeField(
        "تاريخ التصحيح",
        validators=[validate_date_range],
        default=timezone.now,
        help_text="بتوقيت غرفة الأخبار. يظهر للقراء بجانب التصحيح.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="أضافه",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["published_at", "id"]
        verbose_name = "تصحيح"
        verbose_name_plural = "التصحيحات"

    def __str__(self):
        return self.text[:60]

    def save(self, *args, **kwargs):
        validate_dates(self)
        strip_controls_from_fields(self)
        super().save(*args, **kwargs)


def images_shown_publicly(images):
    """The images of `images` that a live or scheduled article shows, as lead image or in its
    body: those are published work, which only editors change (images/permissions.py, where
    ArticlesConfig.ready registers this)."""
    shown = Article.objects.filter(Article.objects.published_q() | Article.objects.scheduled_q())
    return images.filter(Q(lead_for__in=shown) | Q(in_bodies__article__in=shown))


# History: every save through the admin or a workflow function is a revision. Tags and
# corrections are followed so a recovered article comes back whole. The preview secret is
# left out: restoring an old revision must never revive revoked share links; the remembered
# related list too: it is derived, and ranked again when the restored article is saved.
reversion.register(ArticleTag)
reversion.register(Correction)
reversion.register(
    Article,
    follow=["tagged_items", "public_corrections"],
    exclude=["preview_secret", "suggested_ids"],
)


class SearchEntry(models.Model):
    """A row of SQLite's FTS5 table `articles_search`: the article's words, stemmed
    (articles/search.py). The table is made by migration `search` on SQLite only; on
    PostgreSQL nothing uses this model, the GIN index covers the article's own columns."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )
    title = models.TextField()
    body = models.TextField()

    class Meta:
        managed = False
        db_table = "articles_search"

    def __str__(self):
        return self.title
