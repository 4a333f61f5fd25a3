"""Who may do what to an article, and how it moves between states.

Plain functions, checked on the server for every path that writes an article: the change
form, its workflow buttons, bulk actions in the list and revision restore. Hiding a widget
is presentation; these checks are the rule.

States: draft -> in review -> published (scheduled while `published_at` is ahead) ->
unpublished. "Scheduled" is not a stored status: visibility is decided per query by
`Article.objects.published()`, so nothing has to flip a flag when the time comes.
"""

import datetime
import logging
from dataclasses import dataclass

import reversion
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from reversion.models import Version

from core import events
from core.date_range import in_date_range
from core.dates import format_datetime

from .models import Article, ArticleTag

Status = Article.Status
security_log = logging.getLogger("newsroom.security")

# The fields people edit, grouped as the change form shows them: the one list that the form,
# the admin's fieldsets (which add the form's own fields), the history's compare page and
# restore all read.
EDITABLE_FIELDSETS = [
    (None, ["kicker", "headline", "slug", "summary", "body"]),
    ("التصنيف", ["section", "tags", "related"]),
    ("الصورة الرئيسية", ["lead_image", "lead_image_caption"]),
    ("الكتّاب والمصدر", ["authors", "byline", "source"]),
    (
        "النشر",
        [
            "status",
            "published_at",
            "expire_at",
            "content_updated_at",
            "is_featured",
            "is_breaking",
            "breaking_until",
            "post_to_telegram",
            "push_breaking",
            "exclude_from_most_read",
        ],
    ),
    ("المراجعة", ["review_note"]),
]
EDITABLE_FIELDS = [name for _, names in EDITABLE_FIELDSETS for name in names]

# Fields only editors may change. For everyone else they are read-only in the form, and a
# forged POST carrying them is ignored with a warning (and logged).
EDITOR_ONLY_FIELDS = [
    "status",
    "published_at",
    "expire_at",
    "content_updated_at",
    "is_featured",
    "is_breaking",
    "breaking_until",
    "post_to_telegram",
    "push_breaking",
    "exclude_from_most_read",
    "authors",
    "related",
    "review_note",
]

# The form's own fields that change an editor-only field: «تحديث جوهري» stamps
# content_updated_at. Left out of everyone else's form, and ignored (with the same warning)
# when a forged POST carries them.
EDITOR_ONLY_FORM_FIELDS = ["substantive_update"]

# What a related pick someone may not read is called, wherever its headline would show.
UNAVAILABLE = "مقال غير متاح"

# The states a journalist may still edit their own article in.
JOURNALIST_EDITABLE = {Status.DRAFT, Status.REVIEW}


class TransitionRefused(Exception):
    """The transition is not possible from the article's current state (not a permission
    problem: an editor asking to unpublish a draft)."""


class Busy(Exception):
    """Another save holds the article's row longer than LOCK_TIMEOUT_MS."""

    message = "يُحفظ هذا المقال الآن من جلسة أخرى. انتظر لحظات ثم أعد المحاولة؛ نصّك ما زال هنا."


# How long a save waits for another save of the same article before giving up with a clear
# message (PostgreSQL lock_timeout), so a breaking-news publish never hangs a worker.
LOCK_TIMEOUT_MS = 3000


class StaleEdit(Exception):
    """Someone saved the article after this editor loaded it."""

    def __init__(self, current):
        self.current = current
        super().__init__(stale_message(current))


@dataclass(frozen=True)
class Transition:
    label: str
    sources: frozenset
    editors_only: bool = True


def state(article):
    """The state as people name it: a published article with a future time is scheduled."""
    if article.is_scheduled:
        return "scheduled"
    return article.status


TRANSITIONS = {
    "submit": Transition("أُرسل للمراجعة", frozenset({"draft"}), editors_only=False),
    "publish": Transition("نُشر", frozenset({"draft", "review", "scheduled", "unpublished"})),
    "schedule": Transition("جُدول", frozenset({"draft", "review", "scheduled", "unpublished"})),
    "unpublish": Transition("سُحب من النشر", frozenset({"published", "scheduled"})),
    "send_back": Transition("أُعيد إلى المسودة", frozenset({"review", "scheduled"})),
}


def display_name(user):
    if user is None:
        return "زميل"
    return user.get_full_name() or user.get_username()


def local_time_text(moment):
    """A moment in messages and history: the newsroom's date language (core/dates.py)."""
    return format_datetime(moment)


def stale_message(current):
    return (
        f"لم يُحفظ تعديلك: حفظ «{display_name(current.updated_by)}» هذا المقال في "
        f"{local_time_text(current.updated_at)} بعد أن فتحتَه. نصّك ما زال في النموذج أدناه؛ "
        "انسخ ما تريد الإبقاء عليه، ثم افتح المقال من جديد لترى النسخة الأحدث وأضفه إليها."
    )


# Permissions ---------------------------------------------------------------------------


def can_publish(user):
    return user.is_active and user.has_perm("articles.publish_article")


def is_own(user, article):
    return article.created_by_id is not None and article.created_by_id == user.pk


def can_view(user, article):
    if not user.is_active or not user.has_perm("articles.view_article"):
        return False
    return can_publish(user) or is_own(user, article)


def readable_by(user, articles=None):
    """The articles (of the queryset `articles`, or all) `user` may read in the newsroom's
    tools outside their own list: the «اقرأ أيضاً» search, related picks shown in a form or
    a history, the tags of the tag admin. Editors read every article; anyone else their own,
    in any state, and what readers can read. Someone else's unpublished work is not theirs
    to see. (The admin's list is narrower, can_view: a journalist's own articles, which are
    what they may open and edit.)"""
    articles = Article.objects.all() if articles is None else articles
    if can_publish(user):
        return articles
    return articles.filter(Q(created_by=user) | Article.objects.published_q())


def headlines_for(user, articles):
    """The headlines of `articles` (a queryset) as `user` may see them, sorted: an article
    they may not read (readable_by) is «مقال غير متاح», never its headline."""
    shown = sorted(readable_by(user, articles).values_list("headline", flat=True))
    return shown + [UNAVAILABLE] * (articles.count() - len(shown))


def visible_tags(user, tags):
    """The tags of `tags` (a Tag queryset) that `user` may see in the tag admin: those an
    article they may read carries (readable_by), and those no article carries, which reveal no
    story (and a journalist who adds a tag there must find it). Registered with `tags` from
    ArticlesConfig.ready."""
    if can_publish(user):
        return tags
    carried = ArticleTag.objects.filter(tag=OuterRef("pk"))
    return tags.filter(
        Exists(carried.filter(content_object__in=readable_by(user))) | ~Exists(carried)
    )


def can_edit(user, article):
    if not user.is_active or not user.has_perm("articles.change_article"):
        return False
    if can_publish(user):
        return True
    return is_own(user, article) and article.status in JOURNALIST_EDITABLE


def can_delete(user, article):
    return can_publish(user) and user.has_perm("articles.delete_article")


def may_transition(user, article, action):
    """The one permission rule for a workflow step: a step this user's role allows (editors'
    steps need the publish permission) on an article they may edit. Unknown steps are
    refused. Says nothing of the article's state: see can_transition."""
    transition = TRANSITIONS.get(action)
    if transition is None or (transition.editors_only and not can_publish(user)):
        return False
    return can_edit(user, article)


def can_transition(user, article, action, from_state=None):
    """may_transition, from a state the step starts from: the article's, or `from_state`,
    the state it was loaded in when a form has already put other changes on it."""
    return (
        may_transition(user, article, action)
        and (from_state or state(article)) in TRANSITIONS[action].sources
    )


def can_change_field(user, article, field):
    """Field-level rule: editor-only fields need the publish permission."""
    return can_edit(user, article) and (field not in EDITOR_ONLY_FIELDS or can_publish(user))


def deny(user, what, article=None):
    """Refuse and leave a trace: denied attempts are logged for the security log."""
    security_log.warning(
        "denied: user=%s action=%s article=%s", user.pk, what, getattr(article, "pk", None)
    )
    events.send(__name__, "denied", user, target=article, detail=what)
    raise PermissionDenied(what)


# Transitions ---------------------------------------------------------------------------


def apply(article, user, action, at=None, note="", from_state=None):
    """Change `article` in memory as `action` says, after checking role and state.
    The caller saves (inside the same locked transaction that checked the version).
    `from_state` is the state the article was loaded in, when a form has already put the
    editor's other changes on the instance."""
    if not may_transition(user, article, action):
        deny(user, action, article)
    if not can_transition(user, article, action, from_state):
        raise TransitionRefused(action)
    before = (article.status, article.published_at)
    now = timezone.now()
    if action == "submit":
        article.status = Status.REVIEW
    elif action == "publish":
        article.status = Status.PUBLISHED
        if article.published_at is None or article.published_at > now:
            article.published_at = now
    elif action == "schedule":
        if at is None or at <= now:
            raise TransitionRefused("schedule needs a future time")
        if not in_date_range(at):
            raise TransitionRefused("schedule needs a time in the accepted years")
        article.status = Status.PUBLISHED
        article.published_at = at
    elif action == "unpublish":
        article.status = Status.UNPUBLISHED
    elif action == "send_back":
        article.status = Status.DRAFT
        if note:
            article.review_note = note
    # Announced by `announce` once saved (the audit log wants the row's id).
    article.transition = (action, {"status": [before[0], article.status]})
    if before[1] != article.published_at:
        article.transition[1]["published_at"] = [
            str(before[1]) if before[1] else None,
            str(article.published_at),
        ]
    return article


def announce(article, user):
    """After the save that followed `apply`: tells whoever listens (the audit log) which
    transition happened, with the status and publication time before and after."""
    action, changes = getattr(article, "transition", (None, None))
    if action:
        events.send(__name__, action, user, target=article, changes=changes)
        article.transition = None


def locked(pk):
    """The article's row, locked until the transaction ends (inside transaction.atomic)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{LOCK_TIMEOUT_MS}ms"])
    try:
        # A savepoint, so that a timed-out lock leaves the request's transaction usable
        # for re-rendering the form with the message.
        with transaction.atomic():
            return Article.objects.select_for_update().get(pk=pk)
    except OperationalError as error:
        raise Busy from error


def lock(pk, loaded_version):
    """Lock the article's row until the transaction ends and check nobody saved it since
    `loaded_version`. Must run inside transaction.atomic()."""
    current = locked(pk)
    if loaded_version is None or current.version != loaded_version:
        raise StaleEdit(Article.objects.select_related("updated_by").get(pk=pk))
    return current


def stamp(article, user):
    """Every save path bumps the version and records who saved."""
    article.version += 1
    article.updated_by = user


def perform(pk, user, action, at=None, note="", loaded_version=None):
    """One transition as its own saved revision (bulk actions). Without `loaded_version`
    the current version is taken under the lock: a bulk action acts on what is there now,
    and still bumps the version so any open form on that article becomes stale."""
    with transaction.atomic(), reversion.create_revision():
        article = locked(pk)
        if loaded_version is not None and article.version != loaded_version:
            raise StaleEdit(Article.objects.select_related("updated_by").get(pk=pk))
        apply(article, user, action, at=at, note=note)
        stamp(article, user)
        article.save()
        announce(article, user)
        reversion.set_user(user)
        reversion.set_comment(TRANSITIONS[action].label)
    return article


def regenerate_preview_secret(pk, user):
    """Revoke every preview link shared so far."""
    with transaction.atomic():
        article = locked(pk)
        if not can_edit(user, article):
            deny(user, "revoke_preview", article)
        article.preview_secret = Article._meta.get_field("preview_secret").get_default()
        article.save(update_fields=["preview_secret"])
        events.send(__name__, "preview_link_revoked", user, target=article)
    return article


# Restore -------------------------------------------------------------------------------


def revision_tag_ids(version):
    """Ids of the tags that the article of `version` (a revision of an Article) carried in
    that revision: the revision holds a version of each of its ArticleTag rows (reversion
    follows `tagged_items`)."""
    article_pk = int(version.object_id)
    return [
        tagged.field_dict["tag_id"]
        for tagged in Version.objects.get_for_model(ArticleTag).filter(revision=version.revision_id)
        if tagged.field_dict.get("content_object_id") == article_pk
    ]


def restore(pk, version, user, loaded_version):
    """Copy a revision back as a NEW revision, checked like any other save: the version
    the editor loaded, their right to edit the article as it is now, and field by field
    their right to change editor-only fields. A journalist restoring a revision that was
    published gets its text, never its status. Returns warnings for the person."""
    warnings = []
    with transaction.atomic(), reversion.create_revision():
        article = lock(pk, loaded_version)
        if not can_edit(user, article):
            deny(user, "restore", article)
        data = version.field_dict
        publisher = can_publish(user)
        skipped = []
        # What people edit is what comes back; tags come from the revision's own versions.
        fields = [Article._meta.get_field(name) for name in EDITABLE_FIELDS if name != "tags"]
        for field in fields:
            if field.many_to_many or field.attname not in data:
                continue
            value = data[field.attname]
            if isinstance(value, datetime.date) and not in_date_range(value):
                # Saved before dates were checked: the row could not be saved with it.
                warnings.append(
                    f"«{field.verbose_name}» في تلك النسخة تاريخ غير مقبول؛ أبقينا الحالي."
                )
                continue
            if field.name in EDITOR_ONLY_FIELDS and not publisher:
                if value != getattr(article, field.attname):
                    skipped.append(field.verbose_name)
                continue
            related = field.related_model._default_manager if field.is_relation else None
            if related is not None and value is not None and not related.filter(pk=value).exists():
                warnings.append(f"«{field.verbose_name}» في تلك النسخة حُذف؛ أبقينا الحالي.")
                continue
            setattr(article, field.attname, value)
        if Article.objects.exclude(pk=pk).filter(slug=article.slug).exists():
            article.slug = Article.objects.values_list("slug", flat=True).get(pk=pk)
            warnings.append("المعرّف في الرابط مستخدم الآن لمقال آخر؛ أبقينا المعرّف الحالي.")
        if skipped:
            warnings.append(
                "لم تُستعد هذه الحقول لأنها للمحررين فقط: " + "، ".join(map(str, skipped)) + "."
            )
        stamp(article, user)
        article.save()
        events.send(
            __name__, "restore", user, target=article, detail=f"revision {version.revision_id}"
        )
        for field in fields:
            if not field.many_to_many or field.name not in data:
                continue
            if field.name in EDITOR_ONLY_FIELDS and not publisher:
                continue
            ids = field.related_model._default_manager.filter(pk__in=data[field.name] or [])
            getattr(article, field.name).set(ids.values_list("pk", flat=True))
        tag_ids = revision_tag_ids(version)
        article.tagged_items.all().delete()
        tags = ArticleTag._meta.get_field("tag").related_model.objects.filter(pk__in=tag_ids)
        ArticleTag.objects.bulk_create(ArticleTag(content_object=article, tag=t) for t in tags)
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(
            f"استُعيدت النسخة المحفوظة في {local_time_text(version.revision.date_created)}"
        )
    return article, warnings
