"""The WordPress import (README, "import_wordpress"; DESIGN.md, "Moving in from WordPress").

Two streaming passes over the export. The first reads it to the end without writing
anything: a truncated or hostile file is refused before the first row is written, and it
collects what posts refer to (authors, categories, tags, attachments, and every post's old
addresses, so that a link to a post further down the file can be recognised). The second
writes posts in batches, one transaction per batch and a savepoint per post: a post that
fails is rolled back alone and reported, never half-imported. Every WordPress id is recorded
(wpimport.ImportedItem) with a digest of what was exported, so a second run updates what
changed, adds what is new, skips the rest, and a run that was interrupted resumes.
"""

import hashlib
import html
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, reset_queries, transaction
from django.utils import timezone

from articles import signals as article_signals
from articles.body.editor import BODY_MAX_LENGTH
from articles.body.sanitize import sanitize_body
from articles.models import Article, ArticleTag, html_to_text
from articles.roles import JOURNALISTS
from articles.search import index_articles
from core.arabic import clean_name, slugify_arabic, unique_slug
from images.models import Image
from pagecache.generation import bump_generation
from redirects.models import Redirect
from redirects.paths import key_for_url
from sections.models import Section
from tags.models import Tag
from tags.parsing import MAX_TAGS

from . import body as wpbody
from . import wxr
from .models import ImportedItem

# Bump when the conversion changes: every post is then written again on the next run.
CONVERSION_VERSION = "1"
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # a future time: scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
}
SKIPPED_STATUSES = {
    "private": "منشور خاص (private) لا يُعرض للقراء",
    "trash": "في سلة المحذوفات (trash)",
    "auto-draft": "مسودة تلقائية (auto-draft)",
    "inherit": "نسخة محفوظة تلقائياً (inherit)",
}
ZERO_DATE = "0000-00-00 00:00:00"
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
CREDIT = re.compile(r's:6:"credit";s:\d+:"(.*?)";')
HEADLINE_MAX = Article._meta.get_field("headline").max_length
SUMMARY_MAX = Article._meta.get_field("summary").max_length
TAG_MAX = Tag._meta.get_field("name").max_length
KEPT_SKIPS = 500


@dataclass
class Report:
    counts: Counter = field(default_factory=Counter)
    skipped: list = field(default_factory=list)  # (what, reason)
    skipped_total: int = 0
    missing_files: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def skip(self, what, reason):
        self.skipped_total += 1
        if len(self.skipped) < KEPT_SKIPS:
            self.skipped.append((what, reason))

    def missing(self, path):
        self.counts["missing image files"] += 1
        if len(self.missing_files) < KEPT_SKIPS:
            self.missing_files.append(path)


class RetryWithSavepoints(Exception):
    """A post of a batch written without savepoints failed: write the batch again with."""


class PostSkipped(Exception):
    """A post that is reported and not imported; the message is the reason (Arabic)."""


@dataclass
class Attachment:
    url: str
    title: str
    caption: str
    alt: str
    credit: str
    link: str
    parent: int


def parse_wp_date(value, gmt):
    """A WordPress date ('2022-01-23 10:05:00', GMT or the site's local time) as an aware
    datetime, or None for WordPress's zero date."""
    value = (value or "").strip()
    if not value or value == ZERO_DATE:
        return None
    try:
        naive = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    zone = ZoneInfo("UTC") if gmt else ZoneInfo(settings.TIME_ZONE)
    return timezone.make_aware(naive, zone)


def fingerprint(item, images, lead_url=""):
    digest = hashlib.sha256()
    for part in (
        CONVERSION_VERSION,
        str(images),
        lead_url,
        item.status,
        item.title,
        item.link,
        item.slug,
        item.date_gmt,
        item.date,
        item.creator,
        item.content,
        item.excerpt,
        json.dumps(item.categories, ensure_ascii=False),
        item.meta.get("_thumbnail_id", ""),
        item.meta.get("_yoast_wpseo_primary_category", ""),
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class Importer:
    def __init__(
        self,
        path,
        uploads=None,
        dry_run=False,
        images=True,
        batch_size=500,
        category_map=None,
        progress=None,
    ):
        self.path = Path(path)
        self.uploads = Path(uploads).resolve() if uploads else None
        self.dry_run = dry_run
        self.images = images
        self.batch_size = batch_size
        self.category_map = category_map or {}
        self.progress = progress or (lambda done, total, started: None)
        self.report = Report()
        self.site = {}
        self.site_key = ""
        self.hosts = set()
        self.authors, self.categories, self.tags = [], [], []
        self.attachments = {}
        self.attachment_by_path = {}
        self.post_keys = {}  # old address key -> wp post id
        self.post_links = {}  # wp post id -> [keys]
        self.total_posts = 0
        # WordPress id -> our pk, filled as rows are found or made
        self.section_of = {}  # category nicename -> section pk
        self.tag_of = {}  # tag slug -> tag pk
        self.user_of = {}  # author login -> user pk
        self.article_of = {}  # wp post id -> article pk
        self.image_of = {}  # wp attachment id or uploads path -> image pk
        self.pending_links = set()  # article pks whose links name posts imported later
        self.records = {}  # (kind, wp id) -> (pk, digest), written once per batch

    # --- Pass 1: read everything, write nothing ------------------------------------------

    def scan(self):
        for kind, value in wxr.read(self.path):
            if kind == "site":
                self.site = value
                base = value.get("wp:base_site_url") or value.get("link") or ""
                self.site_key = base.rstrip("/")[:255] or "wordpress"
                for url in (base, value.get("wp:base_blog_url", ""), value.get("link", "")):
                    host = urlsplit(url).netloc.lower()
                    if host:
                        self.hosts |= {host, host.removeprefix("www."), "www." + host}
            elif kind == "wp:author":
                self.authors.append(value)
            elif kind == "wp:category":
                self.categories.append(value)
            elif kind == "wp:tag":
                self.tags.append(value)
            elif kind == "item":
                self.scan_item(value)

    def scan_item(self, item):
        if item.post_type == "attachment":
            url = item.attachment_url or item.guid
            self.attachments[item.wp_id] = Attachment(
                url=url,
                title=html.unescape(item.title),
                caption=wpbody.plain_text(item.excerpt),
                alt=item.meta.get("_wp_attachment_image_alt", ""),
                credit=credit_of(item.meta.get("_wp_attachment_metadata", "")),
                link=item.link,
                parent=item.parent,
            )
            relative = self.uploads_relative(url)
            if relative:
                self.attachment_by_path[relative] = item.wp_id
            return
        if item.post_type != "post":
            self.report.counts[f"items skipped (type {item.post_type or '?'})"] += 1
            return
        self.total_posts += 1
        keys = [f"/?p={item.wp_id}"]
        for url in (item.link, item.guid):
            if url and self.is_old_site(url):
                keys.append(key_for_url(url))
        keys = [key for key in dict.fromkeys(keys) if key != "/"]
        self.post_links[item.wp_id] = keys
        for key in keys:
            self.post_keys.setdefault(key, item.wp_id)

    def is_old_site(self, url):
        parts = urlsplit(url)
        return not parts.netloc or parts.netloc.lower() in self.hosts

    @staticmethod
    def uploads_relative(url):
        """'2022/01/photo.jpg' for '…/wp-content/uploads/2022/01/photo.jpg', decoded; None
        for a URL outside an uploads folder."""
        path = unquote(urlsplit(url or "").path)
        marker = "/uploads/"
        if marker not in path:
            return None
        return path.split(marker, 1)[1]

    # --- Pass 2 ------------------------------------------------------------------------

    def run(self):
        self.scan()
        started = time.monotonic()
        if self.dry_run:
            with transaction.atomic():
                self.write(started)
                transaction.set_rollback(True)
        else:
            self.write(started)
        self.report.counts["seconds"] = round(time.monotonic() - started)
        return self.report

    def write(self, started):
        with transaction.atomic():
            self.load_known()
            self.import_authors()
            self.import_categories()
            self.import_tags()
            self.flush_records()
        self.done, self.started = 0, started
        batch = []
        for kind, item in wxr.read(self.path):
            if kind != "item" or item.post_type != "post":
                continue
            batch.append(item)
            if len(batch) >= self.batch_size:
                self.import_batch(batch)
                self.done += len(batch)
                batch = []
        if batch:
            self.import_batch(batch)
            self.done += len(batch)
        self.progress(self.done, self.total_posts, started)
        with transaction.atomic():
            self.fix_pending_links()
            self.term_redirects()
            self.attachment_redirects()
            self.flush_records()

    def load_known(self):
        known = ImportedItem.objects.filter(site=self.site_key).values_list(
            "kind", "wp_id", "object_id"
        )
        self.known = {(kind, wp_id): pk for kind, wp_id, pk in known}
        for (kind, wp_id), pk in self.known.items():
            if kind == ImportedItem.Kind.POST:
                self.article_of[wp_id] = pk
            elif kind == ImportedItem.Kind.ATTACHMENT:
                self.image_of[wp_id] = pk
        # Rows deleted here since the last run are made again.
        alive = set(
            Article.objects.filter(pk__in=self.article_of.values()).values_list("pk", flat=True)
        )
        self.article_of = {wp: pk for wp, pk in self.article_of.items() if pk in alive}
        images = set(
            Image.objects.filter(pk__in=self.image_of.values()).values_list("pk", flat=True)
        )
        self.image_of = {wp: pk for wp, pk in self.image_of.items() if pk in images}
        self.slug_owner = dict(Article.objects.values_list("slug", "pk"))
        self.fingerprints = dict(
            ImportedItem.objects.filter(
                site=self.site_key, kind=ImportedItem.Kind.POST
            ).values_list("wp_id", "fingerprint")
        )

    def record(self, kind, wp_id, pk, digest=""):
        """Remember what `wp_id` became; written by flush_records, in bulk."""
        self.records[(kind, wp_id)] = (pk, digest)

    def flush_records(self):
        rows = [
            ImportedItem(
                site=self.site_key, kind=kind, wp_id=wp_id, object_id=pk, fingerprint=digest
            )
            for (kind, wp_id), (pk, digest) in self.records.items()
        ]
        self.records = {}
        ImportedItem.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["site", "kind", "wp_id"],
            update_fields=["object_id", "fingerprint", "imported_at"],
            batch_size=500,
        )

    # --- Authors, categories, tags ---------------------------------------------------------

    def import_authors(self):
        User = get_user_model()
        journalists = Group.objects.get(name=JOURNALISTS)
        for entry in self.authors:
            login = entry.get("wp:author_login", "")
            wp_id = int(entry.get("wp:author_id") or 0)
            if not login:
                self.report.skip("كاتب بلا اسم دخول", "لا يذكر التصدير اسم الدخول (author_login)")
                continue
            known = self.known.get((ImportedItem.Kind.AUTHOR, wp_id))
            user = User.objects.filter(pk=known).first() if known else None
            if user is None:
                username = username_for(login)
                if User.objects.filter(username=username).exists():
                    # Someone here already has this name: never merge a WordPress author
                    # into an existing account (it would give them its articles).
                    username = unique_username(username + "-wp")
                    self.report.counts["authors renamed (name taken)"] += 1
                user = User(username=username, is_active=False, is_staff=True)
                user.set_unusable_password()
                self.report.counts["authors created"] += 1
            else:
                self.report.counts["authors updated"] += 1
            first, last = (
                entry.get("wp:author_first_name", ""),
                entry.get("wp:author_last_name", ""),
            )
            if not first and not last:
                display = entry.get("wp:author_display_name", "").split(" ", 1)
                first, last = display[0], display[1] if len(display) > 1 else ""
            user.first_name, user.last_name = first[:150], last[:150]
            user.email = entry.get("wp:author_email", "")[:254]
            user.save()
            user.groups.add(journalists)
            self.user_of[login] = user.pk
            self.record(ImportedItem.Kind.AUTHOR, wp_id, user.pk)
            self.author_entries = getattr(self, "author_entries", {})
            self.author_entries[login] = (wp_id, user.pk)

    def import_categories(self):
        for entry in self.categories:
            nicename = unquote(entry.get("wp:category_nicename", ""))
            name = html.unescape(entry.get("wp:cat_name", "")) or nicename
            wp_id = int(entry.get("wp:term_id") or 0)
            self.section_for(nicename, name, wp_id, entry.get("wp:category_description", ""))

    def section_for(self, nicename, name, wp_id=0, description=""):
        if nicename in self.section_of:
            return self.section_of[nicename]
        mapped = self.category_map.get(nicename)
        known = self.known.get((ImportedItem.Kind.CATEGORY, wp_id)) if wp_id else None
        section = Section.objects.filter(pk=known).first() if known and not mapped else None
        if section is None:
            target = clean_name(mapped or name)[:100] or "أرشيف"
            section = Section.objects.filter(name=target).first()
            if section is None:
                slug = slugify_arabic(nicename if not mapped else target, 120)
                if not slug or Section.objects.filter(slug=slug).exists():
                    slug = ""
                section = Section(name=target, slug=slug, description=html.unescape(description))
                section.save()
                self.report.counts["sections created"] += 1
            else:
                self.report.counts["sections matched by name"] += 1
        self.section_of[nicename] = section.pk
        if wp_id:
            self.record(ImportedItem.Kind.CATEGORY, wp_id, section.pk)
            self.category_ids = getattr(self, "category_ids", {})
            self.category_ids[nicename] = wp_id
        return section.pk

    def import_tags(self):
        """The export's tags: names normalized as ours (clean_name), matched by name with the
        tags already here, the rest made in one statement."""
        wanted = {}
        for entry in self.tags:
            slug = unquote(entry.get("wp:tag_slug", ""))
            name = clean_name(html.unescape(entry.get("wp:tag_name", "")) or slug)
            if not name:
                continue
            if len(name) > TAG_MAX:
                self.report.skip(
                    f"وسم «{name[:40]}…»", f"الاسم أطول من {TAG_MAX} حرفاً (tag too long)"
                )
                self.tag_of[slug] = None
                continue
            wanted[slug] = (name, int(entry.get("wp:term_id") or 0))
        names = {name for name, _ in wanted.values()}
        existing = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        taken = set(Tag.objects.values_list("slug", flat=True))
        new = []
        for slug, (name, _) in wanted.items():
            if name in existing or any(tag.name == name for tag in new):
                continue
            tag_slug = slugify_arabic(slug or name, 90)
            if not tag_slug or tag_slug in taken:
                tag_slug = unique_slug(name, taken.__contains__, 90, "وسم")
            taken.add(tag_slug)
            new.append(Tag(name=name, slug=tag_slug))
        for tag in new:
            tag.name = clean_name(tag.name)  # what Tag.save does; bulk_create skips save()
        Tag.objects.bulk_create(new, batch_size=500)
        self.report.counts["tags created"] += len(new)
        existing |= dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        for slug, (name, wp_id) in wanted.items():
            self.tag_of[slug] = existing[name]
            if wp_id:
                self.record(ImportedItem.Kind.TAG, wp_id, existing[name])
                self.tag_ids = getattr(self, "tag_ids", {})
                self.tag_ids[slug] = wp_id

    def tag_for(self, slug, name, wp_id=0):
        if slug in self.tag_of:
            return self.tag_of[slug]
        name = clean_name(name)
        if not name:
            return None
        if len(name) > TAG_MAX:
            self.report.skip(f"وسم «{name[:40]}…»", f"الاسم أطول من {TAG_MAX} حرفاً (tag too long)")
            self.tag_of[slug] = None
            return None
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag_slug = slugify_arabic(slug or name, 90)
            if not tag_slug or Tag.objects.filter(slug=tag_slug).exists():
                tag_slug = unique_slug(
                    name, lambda s: Tag.objects.filter(slug=s).exists(), 90, "وسم"
                )
            tag = Tag.objects.create(name=name, slug=tag_slug)
            self.report.counts["tags created"] += 1
        self.tag_of[slug] = tag.pk
        if wp_id:
            self.record(ImportedItem.Kind.TAG, wp_id, tag.pk)
            self.tag_ids = getattr(self, "tag_ids", {})
            self.tag_ids[slug] = wp_id
        return tag.pk

    # --- Posts -------------------------------------------------------------------------

    def import_batch(self, items):
        """One transaction. Written first without a savepoint per post (two statements fewer
        each); if any post fails, the batch is rolled back and written again with one, so
        that only the failing post is left out."""
        # With DEBUG on (the default outside production) Django keeps the last 9,000
        # statements, bodies included: 200 MB of a 10,000-post import. Not needed here.
        reset_queries()
        state = self.snapshot()
        try:
            with transaction.atomic():
                self.write_batch(items, savepoints=False)
            return
        except (RetryWithSavepoints, DatabaseError):
            self.restore(state)
        try:
            with transaction.atomic():
                self.write_batch(items, savepoints=True)
        except DatabaseError as error:
            self.restore(state)
            # The whole batch is rolled back; its posts are reported, and a later run
            # retries them.
            for item in items:
                self.report.skip(
                    post_label(item), f"تعذّر حفظ الدفعة في قاعدة البيانات ({type(error).__name__})"
                )

    def write_batch(self, items, savepoints):
        # Without savepoints, the authors and tags of new articles are written once for the
        # whole batch (a failure rolls the batch back anyway).
        self.deferred = None if savepoints else ([], [])
        redirects = []
        for index, item in enumerate(items):
            redirects += self.import_one(item, savepoints)
            self.progress(self.done + index + 1, self.total_posts, self.started)
        if self.deferred:
            Article.authors.through.objects.bulk_create(self.deferred[0], batch_size=1000)
            ArticleTag.objects.bulk_create(self.deferred[1], batch_size=1000)
        self.deferred = None
        self.save_redirects(redirects)
        self.flush_records()

    def snapshot(self):
        report = self.report
        return (
            Counter(report.counts),
            len(report.skipped),
            report.skipped_total,
            len(report.notes),
            len(report.missing_files),
            *(
                dict(value)
                for value in (
                    self.article_of,
                    self.image_of,
                    self.records,
                    self.slug_owner,
                    self.tag_of,
                    self.section_of,
                )
            ),
            set(self.pending_links),
        )

    def restore(self, state):
        report = self.report
        report.counts, skipped, report.skipped_total, notes, missing, *rest = state
        del report.skipped[skipped:], report.notes[notes:], report.missing_files[missing:]
        (
            self.article_of,
            self.image_of,
            self.records,
            self.slug_owner,
            self.tag_of,
            self.section_of,
            self.pending_links,
        ) = rest
        self.report.counts = Counter(report.counts)

    def import_one(self, item, savepoints=True):
        label = post_label(item)
        if item.status in SKIPPED_STATUSES:
            self.report.counts[f"posts skipped ({item.status})"] += 1
            self.report.skip(label, SKIPPED_STATUSES[item.status])
            return []
        if item.status not in STATUSES:
            self.report.counts["posts skipped (unknown status)"] += 1
            self.report.skip(label, f"حالة غير معروفة ({item.status!r})")
            return []
        thumbnail = item.meta.get("_thumbnail_id", "")
        lead = self.attachments.get(int(thumbnail)) if thumbnail.isdigit() else None
        digest = fingerprint(item, self.images, lead.url if lead else "")
        if item.wp_id in self.article_of and self.fingerprints.get(item.wp_id) == digest:
            self.report.counts["posts unchanged"] += 1
            return []
        added_images = []
        self.records_before = dict(self.records)
        try:
            if savepoints:
                with transaction.atomic():
                    article = self.write_post(item, digest, added_images)
            else:
                article = self.write_post(item, digest, added_images)
        except PostSkipped as skipped:  # raised before anything is written
            self.forget_images(added_images)
            self.report.counts["posts skipped (invalid)"] += 1
            self.report.skip(label, str(skipped))
            return []
        except (ValidationError, DatabaseError, ValueError, TypeError, OSError) as error:
            if not savepoints:
                raise RetryWithSavepoints from error
            self.forget_images(added_images)
            if isinstance(error, ValidationError):
                self.report.counts["posts skipped (invalid)"] += 1
                self.report.skip(label, "بيانات غير صالحة: " + "؛ ".join(error.messages)[:300])
            else:
                self.report.counts["posts skipped (error)"] += 1
                self.report.skip(
                    label, f"خطأ أثناء الحفظ ({type(error).__name__}: {str(error)[:200]})"
                )
            return []
        return [(key, "article", article.pk) for key in self.post_links.get(item.wp_id, [])]

    unresolved = ()
    deferred = None

    def forget_images(self, added):
        """After a post's savepoint rolled back: what it added is not in the database."""
        for key in added:
            self.image_of.pop(key, None)
        self.records = self.records_before

    def write_post(self, item, digest, added_images):
        counts = self.report.counts
        self.unresolved = []
        content = wpbody.remove_block_comments(item.content, counts)
        classic = wpbody.is_classic(content)
        content = wpbody.convert_shortcodes(
            content, counts, lambda wp_id: f'<img src="wp-attachment:{wp_id}">'
        )
        if classic:
            content = wpbody.autop(content)
        if len(content) > BODY_MAX_LENGTH:
            raise PostSkipped(
                f"نص المقال {len(content):,} حرفاً، والحد الأقصى {BODY_MAX_LENGTH:,} حرف "
                "(BODY_MAX_LENGTH في articles/body/editor.py). قسّمه أو اختصره في ووردبريس ثم أعد "
                "الاستيراد. (body too large)"
            )
        content = wpbody.rewrite_links(content, self.link_target, counts)
        content = wpbody.read_also(content, counts)
        content = wpbody.rewrite_images(
            content,
            lambda url, wp_id, alt: self.body_image(url, wp_id, alt, item, added_images),
            counts,
        )
        existing = self.article_of.get(item.wp_id)
        article = Article.objects.filter(pk=existing).first() if existing else None
        created = article is None
        if created:
            article = Article()
        headline = " ".join(html.unescape(item.title).split())
        if not headline:
            headline = wpbody.plain_text(content)[:80] or f"بلا عنوان ({item.wp_id})"
            counts["posts without a title (text used)"] += 1
        if len(headline) > HEADLINE_MAX:
            headline = headline[: HEADLINE_MAX - 1] + "…"
            counts["headlines shortened"] += 1
        article.headline = headline
        summary = wpbody.plain_text(item.excerpt)
        if len(summary) > SUMMARY_MAX:
            summary = summary[: SUMMARY_MAX - 1] + "…"
            counts["summaries shortened"] += 1
        article.summary = summary
        article.body = content
        article.status = STATUSES[item.status]
        published = parse_wp_date(item.date_gmt, True) or parse_wp_date(item.date, False)
        if article.status == Article.Status.PUBLISHED and published is None:
            published = timezone.now()
        article.published_at = published if item.status in {"publish", "future"} else None
        article.section_id = self.post_section(item)
        if article.slug and self.slug_owner.get(article.slug) == article.pk:
            del self.slug_owner[article.slug]
        article.slug = self.post_slug(item, headline, article.pk)
        lead = item.meta.get("_thumbnail_id", "")
        lead_pk = self.attachment_image(int(lead), item, added_images) if lead.isdigit() else None
        article.lead_image_id = lead_pk if lead_pk and lead_pk > 0 else None
        author = self.user_of.get(item.creator)
        if not author and item.creator:
            article.byline = item.creator[:255]
        article.save()
        if created:
            Authors = Article.authors.through
            authors = [Authors(article_id=article.pk, user_id=author)] if author else []
            if self.deferred is not None:
                self.deferred[0].extend(authors)
            else:
                Authors.objects.bulk_create(authors)
        else:
            article.authors.set([author] if author else [])
        tag_pks = []
        for domain, nicename, name in item.categories:
            if domain == "post_tag":
                pk = self.tag_for(unquote(nicename), html.unescape(name))
                if pk and pk not in tag_pks:
                    tag_pks.append(pk)
        if len(tag_pks) > MAX_TAGS:
            counts["posts with tags dropped (over 30)"] += 1
            tag_pks = tag_pks[:MAX_TAGS]
        if created:
            tags = [ArticleTag(content_object_id=article.pk, tag_id=pk) for pk in tag_pks]
            if self.deferred is not None:
                self.deferred[1].extend(tags)
            else:
                ArticleTag.objects.bulk_create(tags)
        else:
            article.tags.set(list(Tag.objects.filter(pk__in=tag_pks)))
        if self.unresolved:
            self.pending_links.add(article.pk)
        self.article_of[item.wp_id] = article.pk
        self.slug_owner[article.slug] = article.pk
        self.record(ImportedItem.Kind.POST, item.wp_id, article.pk, digest)
        counts["posts created" if created else "posts updated"] += 1
        counts[f"posts {article.status}{' (scheduled)' if article.is_scheduled else ''}"] += 1
        return article

    def post_section(self, item):
        categories = [(n, name) for domain, n, name in item.categories if domain == "category"]
        primary = item.meta.get("_yoast_wpseo_primary_category", "")
        if primary.isdigit():
            by_id = {v: k for k, v in getattr(self, "category_ids", {}).items()}
            nicename = by_id.get(int(primary))
            if nicename:
                categories.insert(0, (nicename, nicename))
        if not categories:
            self.report.counts["posts without a category (section «أرشيف»)"] += 1
            return self.section_for("", "أرشيف")
        nicename, name = categories[0]
        return self.section_for(unquote(nicename), html.unescape(name) or unquote(nicename))

    def post_slug(self, item, headline, pk):
        """The post's own slug unless another article has it (the slugs of every article
        are read once, at the start: a query per post was a tenth of an import)."""
        wanted = slugify_arabic(unquote(item.slug), 255) or slugify_arabic(headline, 255)

        def taken(slug):
            return self.slug_owner.get(slug, pk) != pk

        if wanted and not taken(wanted):
            return wanted
        slug = unique_slug(wanted or headline, taken)
        if wanted:
            self.report.counts["duplicate slugs renamed"] += 1
            self.report.notes.append(
                f"المعرّف «{wanted}» مستخدم؛ أُعطي المقال {item.wp_id} المعرّف «{slug}». "
                "(duplicate slug)"
            )
        return slug

    def link_target(self, href):
        """A link in a post: to another post -> /articles/<pk>/; elsewhere on the old site ->
        its path (the redirects answer it); any other site -> unchanged."""
        if not self.is_old_site(href) or href.startswith("#"):
            return None
        parts = urlsplit(href)
        if not parts.netloc and not parts.path.startswith("/"):
            return None
        key = key_for_url(href)
        wp_id = self.post_keys.get(key)
        if wp_id is not None:
            if wp_id in self.article_of:
                return f"/articles/{self.article_of[wp_id]}/"
            self.unresolved = [*self.unresolved, key]
            return None
        if parts.netloc:
            if self.uploads_relative(href):
                return None  # a file: left as it is
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return None

    def fix_pending_links(self):
        """Posts that linked to posts further down the export: their links now resolve.
        Only hrefs and the read-also paragraphs change, so the rows are updated in bulk (the
        body sanitized again, the search text rewritten), not saved one by one."""
        pending = sorted(self.pending_links)
        for start in range(0, len(pending), 500):
            changed = []
            for article in Article.objects.filter(pk__in=pending[start : start + 500]):
                counts = Counter()
                body = wpbody.rewrite_links(article.body, self.link_target, counts)
                body = sanitize_body(wpbody.read_also(body, counts))
                self.unresolved = []
                if body != article.body:
                    same_words = html_to_text(body) == html_to_text(article.body)
                    article.body = body
                    if not same_words:
                        article.refresh_search_fields()
                    changed.append(article)
                    self.report.counts["internal links"] += counts["internal links"]
                    self.report.counts["read-also links"] += counts["read-also links"]
            Article.objects.bulk_update(changed, ["body", "search_title", "search_body"])
            index_articles(changed)  # SQLite's search table (nothing to do on PostgreSQL)
            if changed:
                article_signals.articles_rewritten.send(
                    sender=Article, pks=[article.pk for article in changed]
                )
        if pending:
            transaction.on_commit(bump_generation)

    # --- Images ------------------------------------------------------------------------

    def body_image(self, url, wp_id, alt, item, added):
        if url.startswith("wp-attachment:"):
            wp_id, url = int(url.split(":", 1)[1]), ""
        if not self.images:
            self.report.counts["body images left out (--no-images)"] += 1
            return None
        if wp_id is None or wp_id not in self.attachments:
            relative = self.uploads_relative(url)
            if relative:
                wp_id = self.attachment_by_path.get(relative) or self.attachment_by_path.get(
                    SIZE_SUFFIX.sub("", relative)
                )
        if wp_id is not None and wp_id in self.attachments:
            pk = self.attachment_image(wp_id, item, added, alt)
        elif url and self.is_old_site(url) and self.uploads_relative(url):
            pk = self.file_image(self.uploads_relative(url), None, item, added, alt)
        else:
            self.report.counts["body images from other sites removed"] += 1
            return None
        if pk is None:
            return None
        self.report.counts["body images"] += 1
        if self.dry_run and pk == -1:
            return None
        return Image.objects.only("file").get(pk=pk).file.url

    def attachment_image(self, wp_id, item, added, alt=""):
        if not self.images:
            if wp_id in self.attachments:
                self.report.counts["lead images left out (--no-images)"] += 1
            return None
        if wp_id in self.image_of:
            return self.image_of[wp_id]
        attachment = self.attachments.get(wp_id)
        if attachment is None:
            self.report.counts["images whose attachment is not in the export"] += 1
            return None
        relative = self.uploads_relative(attachment.url)
        if relative is None:
            self.report.counts["images outside wp-content/uploads"] += 1
            return None
        return self.file_image(relative, wp_id, item, added, alt, attachment)

    def file_image(self, relative, wp_id, item, added, alt="", attachment=None):
        key = wp_id if wp_id is not None else relative
        if key in self.image_of:
            return self.image_of[key]
        if self.uploads is None:
            self.report.missing(f"{relative} (no --uploads folder given)")
            return None
        path = (self.uploads / relative).resolve()
        if not path.is_relative_to(self.uploads):
            self.report.counts["attachments outside --uploads refused"] += 1
            self.report.skip(
                f"صورة «{relative[:80]}»",
                "مسار الملف يخرج من مجلد --uploads؛ لم يُقرأ (path traversal refused)",
            )
            return None
        if not path.is_file():
            self.report.missing(relative)
            return None
        if self.dry_run:
            self.report.counts["images (dry run: would be imported)"] += 1
            self.image_of[key] = -1
            return -1
        title = (attachment.title if attachment else "") or Path(relative).stem
        alt_text = (attachment.alt if attachment else "") or alt or title or item.title
        image = Image(
            title=title[:255],
            alt_text=html.unescape(alt_text)[:255],
            caption=(attachment.caption if attachment else "")[:500],
            credit=(attachment.credit if attachment else "")[:255],
        )
        try:
            with path.open("rb") as handle:
                image.file = File(handle, name=path.name)
                image.save()
        except ValidationError as error:
            self.report.counts["images refused"] += 1
            self.report.skip(f"صورة «{relative[:80]}»", "؛ ".join(error.messages))
            return None
        self.report.counts["images imported"] += 1
        self.image_of[key] = image.pk
        added.append(key)
        if wp_id is not None:
            self.record(ImportedItem.Kind.ATTACHMENT, wp_id, image.pk)
        return image.pk

    # --- Redirects -------------------------------------------------------------------

    def save_redirects(self, rows):
        """(old key, target field, pk) rows as Redirect rows: new keys added, ours updated,
        an editor's own row for the same key kept."""
        wanted = {}
        for key, target, pk in rows:
            if key and key != "/":
                wanted[key] = (target, pk)
        if not wanted:
            return
        existing = {r.old_path: r for r in Redirect.objects.filter(old_path__in=list(wanted))}
        new, changed = [], []
        for key, (target, pk) in wanted.items():
            row = existing.get(key)
            if row is None:
                new.append(
                    Redirect(old_path=key, origin=Redirect.Origin.WORDPRESS, **{f"{target}_id": pk})
                )
            elif row.origin != Redirect.Origin.WORDPRESS:
                self.report.counts["redirects kept (an editor's)"] += 1
            elif getattr(row, f"{target}_id") != pk:
                for name in ("article", "section", "tag", "author"):
                    setattr(row, f"{name}_id", pk if name == target else None)
                row.target_url = ""
                changed.append(row)
        Redirect.objects.bulk_create(new)
        Redirect.objects.bulk_update(changed, ["article", "section", "tag", "author", "target_url"])
        self.report.counts["redirects"] += len(new)
        self.report.counts["redirects updated"] += len(changed)

    def term_redirects(self):
        rows = []
        prefix = urlsplit(self.site.get("wp:base_blog_url", "")).path.rstrip("/")
        parents = {
            unquote(c.get("wp:category_nicename", "")): unquote(c.get("wp:category_parent", ""))
            for c in self.categories
        }
        for nicename, pk in self.section_of.items():
            if not nicename:
                continue
            chain, seen = [nicename], {nicename}
            while parents.get(chain[0]) and parents[chain[0]] not in seen:
                seen.add(parents[chain[0]])
                chain.insert(0, parents[chain[0]])
            for path in {"/".join(chain), nicename}:
                rows.append((key_for_url(f"{prefix}/category/{path}/"), "section", pk))
            wp_id = getattr(self, "category_ids", {}).get(nicename)
            if wp_id:
                rows.append((f"/?cat={wp_id}", "section", pk))
        for slug, pk in self.tag_of.items():
            if pk:
                rows.append((key_for_url(f"{prefix}/tag/{slug}/"), "tag", pk))
                rows.append((key_for_url(f"/?tag={slug}"), "tag", pk))
        for login, (wp_id, pk) in getattr(self, "author_entries", {}).items():
            rows.append((key_for_url(f"{prefix}/author/{author_nicename(login)}/"), "author", pk))
            if wp_id:
                rows.append((f"/?author={wp_id}", "author", pk))
        self.save_redirects(rows)

    def attachment_redirects(self):
        """An attachment's page goes to the article it was attached to."""
        rows = []
        for wp_id, attachment in self.attachments.items():
            article = self.article_of.get(attachment.parent)
            if not article:
                continue
            rows.append((f"/?attachment_id={wp_id}", "article", article))
            if attachment.link and self.is_old_site(attachment.link):
                rows.append((key_for_url(attachment.link), "article", article))
        self.save_redirects(rows)


def credit_of(metadata):
    match = CREDIT.search(metadata or "")
    return match.group(1) if match else ""


def post_label(item):
    return f"مقال {item.wp_id} «{html.unescape(item.title)[:60]}»"


USERNAME = re.compile(r"[^\w.@+-]")


def username_for(login):
    return USERNAME.sub("-", clean_name(login))[:140] or "wp-author"


def unique_username(base):
    User = get_user_model()
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def author_nicename(login):
    """WordPress's user_nicename: the login, lower case, spaces and dots as dashes."""
    return re.sub(r"[^\w-]+", "-", clean_name(login).lower()).strip("-")
