"""Fill the database with a large synthetic archive for `make bench` (issue 7).

Idempotent and resumable: articles are numbered (slug `bench-<n>`); a run adds the missing
ones up to --articles, one committed batch at a time, so an interrupted run loses at most one
batch and the next run carries on. PostgreSQL is filled with COPY (ids reserved from the
sequence first, so tags and authors go in the same batch); other databases with bulk_create.
"""

import io
import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, ArticleTag, search_fields
from images.models import Image
from sections.models import Section
from tags.models import Tag

SLUG_PREFIX = "bench-"
SECTIONS = [
    "الشأن السوري",
    "اقتصاد",
    "سياسة دولية",
    "مجتمع",
    "ثقافة",
    "رياضة",
    "تقارير",
    "تحقيقات",
    "رأي",
    "منوعات",
    "صحة",
    "تكنولوجيا",
]
WORDS = [
    "الحسكة",
    "دمشق",
    "حلب",
    "الرقة",
    "دير",
    "الزور",
    "إدلب",
    "درعا",
    "حمص",
    "اللاذقية",
    "طرطوس",
    "القامشلي",
    "منبج",
    "الفرات",
    "سجن",
    "هجوم",
    "اتفاق",
    "مفاوضات",
    "انتخابات",
    "اقتصاد",
    "الليرة",
    "أسعار",
    "الخبز",
    "الكهرباء",
    "المياه",
    "الزراعة",
    "القمح",
    "النفط",
    "الطاقة",
    "المدارس",
    "الجامعات",
    "المستشفيات",
    "اللاجئين",
    "العودة",
    "الإعمار",
    "الطرق",
    "الحدود",
    "المعبر",
    "الأمم",
    "المتحدة",
    "المساعدات",
    "الإنسانية",
    "الشتاء",
    "الأمطار",
    "الجفاف",
    "الحرائق",
    "الزلزال",
]
PARAGRAPH = (
    "قالت مصادر محلية إن {a} شهدت تطورات متسارعة خلال الأيام الماضية، وسط ترقب لما ستؤول "
    "إليه الأوضاع في {b}، بينما أكد مسؤولون أن ملف {c} سيبقى على رأس الأولويات."
)


def progress(done, total, started, out):
    elapsed = time.monotonic() - started
    rate = done / elapsed if elapsed else 0
    left = (total - done) / rate if rate else 0
    out.write(
        f"\r{done:,}/{total:,} articles, {rate:,.0f}/s, about {left:,.0f}s left   ", ending=""
    )
    out.flush()


class Command(BaseCommand):
    help = "Generate a synthetic archive of articles for benchmarking (resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--batch", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, articles, batch, seed, **options):
        sections, tags, images, authors = self.ensure_shared_rows()
        existing = Article.objects.filter(slug__startswith=SLUG_PREFIX).count()
        if existing >= articles:
            self.stdout.write(f"{existing:,} benchmark articles already present.")
            self.vacuum()  # a run stopped after its last batch may not have got there
            return
        started, now = time.monotonic(), timezone.now()
        for start in range(existing, articles, batch):
            stop = min(start + batch, articles)
            rng = random.Random(seed * 1_000_003 + start)
            rows = [self.article_row(n, rng, now, sections, images) for n in range(start, stop)]
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    self.copy_batch(rows, rng, tags, authors)
                else:
                    self.bulk_batch(rows, rng, tags, authors)
            progress(stop - existing, articles - existing, started, self.stdout)
        self.vacuum()
        self.stdout.write("")
        self.stdout.write(
            f"Added {articles - existing:,} articles ({articles:,} in all) "
            f"in {time.monotonic() - started:,.0f}s."
        )

    def ensure_shared_rows(self):
        sections = []
        for position, name in enumerate(SECTIONS):
            section = Section.objects.filter(name=name).first()
            sections.append(section or Section.objects.create(name=name, position=position))
        tags = list(Tag.objects.filter(slug__startswith="bench-tag-"))
        if len(tags) < 500:
            Tag.objects.bulk_create(
                [
                    Tag(name=f"وسم {WORDS[n % len(WORDS)]} {n}", slug=f"bench-tag-{n}")
                    for n in range(500)
                ],
                ignore_conflicts=True,
            )
            tags = list(Tag.objects.filter(slug__startswith="bench-tag-"))
        images = list(Image.objects.filter(title__startswith="صورة اختبار الأداء"))
        for n in range(len(images), 5):
            out = io.BytesIO()
            PILImage.new("RGB", (1200, 675), (40 * n, 90, 140)).save(out, "JPEG", quality=70)
            image = Image(
                title=f"صورة اختبار الأداء {n}",
                alt_text=f"صورة توضيحية رقم {n}",
                caption=f"تعليق الصورة رقم {n}",
                credit="نيوزروم",
            )
            image.file.save("bench.jpg", ContentFile(out.getvalue()), save=False)
            image.save()
            images.append(image)
        user_model = get_user_model()
        authors = []
        for n in range(20):
            author, _ = user_model.objects.get_or_create(
                username=f"bench-author-{n}",
                defaults={"first_name": "كاتب", "last_name": f"رقم {n}", "is_staff": True},
            )
            authors.append(author)
        return sections, tags, images, authors

    def article_row(self, n, rng, now, sections, images):
        words = rng.sample(WORDS, 6)
        # Half the archive in one section, so that its page 200 exists even at 10,000.
        section = sections[0] if rng.random() < 0.5 else rng.choice(sections)
        roll = rng.random()
        status = Article.Status.PUBLISHED
        if roll < 0.02:
            status = Article.Status.DRAFT
        elif roll < 0.025:
            status = Article.Status.UNPUBLISHED
        published_at = now - timedelta(minutes=2 * n + 1)
        if roll > 0.999:
            published_at = now + timedelta(hours=rng.randint(1, 48))
        body = "".join(
            "<p>"
            + PARAGRAPH.format(a=words[k % 6], b=words[(k + 1) % 6], c=words[(k + 2) % 6])
            + "</p>"
            + ("<h2>" + " ".join(words[:3]) + "</h2>" if k == 2 else "")
            for k in range(6)
        )
        row = {
            "headline": f"{words[0]} {words[1]}: {words[2]} و{words[3]} في {words[4]} ({n})",
            "slug": f"{SLUG_PREFIX}{n}",
            "summary": f"ملخص عن {words[0]} و{words[5]} في تقرير رقم {n}.",
            "body": body,
            "section_id": section.pk,
            "lead_image_id": images[n % len(images)].pk if n % 4 else None,
            "status": status,
            "published_at": published_at,
            "created_at": published_at,
            "updated_at": published_at,
            "expire_at": now + timedelta(days=rng.randint(1, 30)) if roll > 0.995 else None,
            "is_featured": n % 97 == 0,
        }
        # COPY bypasses save(): fill the search fields it would have filled.
        row["search_title"], row["search_body"] = search_fields(Article(**row, kicker=""))
        return row

    def bulk_batch(self, rows, rng, tags, authors):
        created = Article.objects.bulk_create(Article(**row) for row in rows)
        ArticleTag.objects.bulk_create(
            ArticleTag(content_object_id=a.pk, tag_id=t.pk)
            for a in created
            for t in rng.sample(tags, 3)
        )
        Article.authors.through.objects.bulk_create(
            Article.authors.through(article_id=a.pk, user_id=rng.choice(authors).pk)
            for a in created
        )

    def copy_batch(self, rows, rng, tags, authors):
        """COPY with every concrete column: ours where given, the field's default otherwise,
        so that columns other branches add with a default need no change here."""
        fields = list(Article._meta.concrete_fields)
        with connection.cursor() as cursor:
            # A maintenance job, not a web request: a batch on a busy machine outlasts the
            # web's 10 s statement timeout (it cancelled a 1M run at 234,000).
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Article._meta.db_table, len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            for pk, row in zip(ids, rows, strict=True):
                row["id"] = pk
            self.copy(cursor, Article._meta.db_table, fields, rows)
            tag_rows = [
                {"content_object_id": pk, "tag_id": t.pk} for pk in ids for t in rng.sample(tags, 3)
            ]
            self.copy(cursor, ArticleTag._meta.db_table, ArticleTag._meta.concrete_fields, tag_rows)
            through = Article.authors.through
            author_rows = [{"article_id": pk, "user_id": rng.choice(authors).pk} for pk in ids]
            self.copy(cursor, through._meta.db_table, through._meta.concrete_fields, author_rows)

    @staticmethod
    def vacuum():
        """Statistics for the planner, and the visibility map that lets listings use
        index-only scans. A maintenance job, not a web request: the statement timeout does
        not apply (a million rows take longer than its 10 s)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
                cursor.execute("VACUUM ANALYZE")

    @staticmethod
    def copy(cursor, table, fields, rows):
        fields = [f for f in fields if not (f.primary_key and f.attname not in rows[0])]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        missing = [f for f in fields if f.attname not in rows[0]]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = {f.attname: f.get_default() for f in missing} | row
                copy.write_row([f.get_db_prep_save(values[f.attname], connection) for f in fields])
