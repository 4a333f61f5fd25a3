"""What purges what: the saves and events that change pages, each turned into the keys of
the pages it touches (keys.py), purged after commit (purge.py)."""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from articles import signals as article_signals
from articles.models import Article, ArticleTag, Correction
from images.models import Image
from live.models import LiveCoverage, LiveEntry
from sections.models import Section
from tags.models import Tag

from .keys import article_keys, article_state, articles_with_image, articles_with_tag, is_public
from .purge import active, committed, purge_after_commit

# Saves that change nothing a reader sees.
INVISIBLE_FIELDS = {"preview_secret", "last_login"}
# What an article looked like before the save or delete in progress, by id: its keys.
BEFORE = "edge_keys_before"


def invisible(kwargs):
    """A save no reader sees, or no edge to tell (EDGE_PURGER=none: no query, no key)."""
    fields = kwargs.get("update_fields")
    return (
        not active()
        or kwargs.get("raw")
        or (fields is not None and set(fields) <= INVISIBLE_FIELDS)
    )


def article_before(sender, instance, **kwargs):
    """The keys of the article as readers saw it before this save or delete (none if it was
    not public): a retraction, a move to another section, a tag removed all purge the
    pages it left."""
    if invisible(kwargs) or instance.pk is None:
        return
    setattr(instance, BEFORE, article_state(instance.pk))


def article_saved(sender, instance, **kwargs):
    if invisible(kwargs):
        return
    before = getattr(instance, BEFORE, (set(), None))
    transaction.on_commit(partial(article_committed, instance.pk, before), using=kwargs["using"])


def article_committed(pk, before):
    """After commit: what the article was and what it is now (its tags and authors as saved
    by the same form). `breaking` only if the strip's part of it changed: an update of a
    breaking story's body must not re-render every page of the site."""
    before_keys, before_strip = before
    after_keys, after_strip = article_state(pk)
    keys = before_keys | after_keys
    if before_strip == after_strip:
        keys.discard("breaking")
    if keys:
        committed(frozenset(keys))


def article_deleted(sender, instance, **kwargs):
    purge_after_commit(getattr(instance, BEFORE, (set(), None))[0], using=kwargs["using"])


def article_tag_changed(sender, instance, **kwargs):
    if invisible(kwargs):
        return
    article, tag = instance.content_object_id, instance.tag_id
    transaction.on_commit(
        partial(if_public, article, {f"a{article}", f"t{tag}"}), using=kwargs["using"]
    )


def authors_changed(sender, instance, action, pk_set, **kwargs):
    if not active():
        return
    if action not in ("post_add", "post_remove") or not isinstance(instance, Article):
        return
    keys = {f"a{instance.pk}", *(f"u{pk}" for pk in pk_set or ())}
    transaction.on_commit(partial(if_public, instance.pk, keys), using=kwargs["using"])


def if_public(pk, keys):
    if is_public(pk):
        committed(frozenset(keys))


def correction_changed(sender, instance, **kwargs):
    if not invisible(kwargs):
        purge_after_commit({f"a{instance.article_id}"}, using=kwargs["using"])


def section_changed(sender, instance, **kwargs):
    """A section's name or order shows in every page's navigation."""
    if not invisible(kwargs):
        purge_after_commit({"nav", f"s{instance.pk}"}, using=kwargs["using"])


def tag_changed(sender, instance, **kwargs):
    """A tag's name shows on its page and on the pages of its articles."""
    if not invisible(kwargs):
        keys = {f"t{instance.pk}", *articles_with_tag(instance.pk)}
        purge_after_commit(keys, using=kwargs["using"])


def image_changed(sender, instance, **kwargs):
    """An image (its file, renditions, text) shows on cards (i) and article pages (a)."""
    if not invisible(kwargs):
        keys = {f"i{instance.pk}", *articles_with_image(instance.pk)}
        purge_after_commit(keys, using=kwargs["using"])


def user_changed(sender, instance, **kwargs):
    """An author's name shows on their page (u<id>) and in their articles' bylines (b<id>)."""
    if not invisible(kwargs):
        purge_after_commit({f"u{instance.pk}", f"b{instance.pk}"}, using=kwargs["using"])


def coverage_changed(sender, instance, **kwargs):
    if not invisible(kwargs):
        keys = {f"l{instance.article_id}", f"a{instance.article_id}"}
        purge_after_commit(keys, using=kwargs["using"])


def entry_changed(sender, instance, **kwargs):
    """A live entry shows on its live page, updates, feed and on every live card (l)."""
    if invisible(kwargs):
        return
    article = LiveCoverage.objects.filter(pk=instance.coverage_id).values_list(
        "article_id", flat=True
    )
    for pk in article:
        purge_after_commit({f"l{pk}"}, using=kwargs["using"])


def went_live(sender, article, **kwargs):
    """A scheduled publication, which no save announces (events/). An article saved at or
    after its go-live time (published now, or edited since) was purged by that save."""
    if active() and not (article.published_at and article.updated_at >= article.published_at):
        purge_after_commit(article_keys(article.pk, only_public=False))


def expired(sender, article, **kwargs):
    """An expiry, which no save announces (events/)."""
    if active():
        purge_after_commit(article_keys(article.pk, only_public=False))


def articles_rewritten(sender, pks, **kwargs):
    """Bodies rewritten in bulk (no save signal): the pages of those readers can see."""
    if active():
        public = Article.objects.published().filter(pk__in=pks).values_list("pk", flat=True)
        purge_after_commit({f"a{pk}" for pk in public})


def breaking_ended(sender, article, **kwargs):
    if active():
        purge_after_commit({"breaking", f"a{article.pk}"})


def connect():
    uid = "edge-purge"
    pre_save.connect(article_before, sender=Article, dispatch_uid=f"{uid}-article-pre")
    pre_delete.connect(article_before, sender=Article, dispatch_uid=f"{uid}-article-pre-del")
    post_save.connect(article_saved, sender=Article, dispatch_uid=f"{uid}-article")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid=f"{uid}-article-del")
    m2m_changed.connect(authors_changed, sender=Article.authors.through, dispatch_uid=uid)
    for model, receiver in (
        (ArticleTag, article_tag_changed),
        (Correction, correction_changed),
        (Section, section_changed),
        (Tag, tag_changed),
        (Image, image_changed),
        (get_user_model(), user_changed),
        (LiveCoverage, coverage_changed),
        (LiveEntry, entry_changed),
    ):
        label = model._meta.label
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-{label}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-{label}-del")
    article_signals.article_went_live.connect(went_live, dispatch_uid=f"{uid}-live")
    article_signals.article_expired.connect(expired, dispatch_uid=f"{uid}-exp")
    article_signals.article_breaking_ended.connect(breaking_ended, dispatch_uid=f"{uid}-brk")
    article_signals.articles_rewritten.connect(articles_rewritten, dispatch_uid=f"{uid}-bulk")
