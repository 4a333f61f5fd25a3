"""Who may do what to a live story's entries (checked on the server in every path: the
desk's form, the entry admin, bulk actions). Built on the articles' rules
(articles/workflow.py): an editor is whoever may publish articles.

- Switching live coverage on or off, ending it: editors.
- Posting an entry: anyone who may change articles (journalists and editors). An editor's
  entry, or anyone's when NEWSROOM_LIVE_ENTRIES_NEED_APPROVAL is off, is published at once
  (or at the time chosen); with approval on, a journalist's entry waits for an editor.
- Editing or deleting an entry: editors any; journalists their own, and with approval on
  only while it is not yet approved (an edit of an approved entry would bypass approval).
"""

from django.conf import settings

from articles import workflow as article_workflow

from .models import LiveEntry

deny = article_workflow.deny


def can_manage_coverage(user):
    return article_workflow.can_publish(user)


def can_post(user):
    return user.is_active and user.is_staff and user.has_perm("articles.change_article")


def needs_approval(user):
    return settings.NEWSROOM_LIVE_ENTRIES_NEED_APPROVAL and not article_workflow.can_publish(user)


def can_publish_entries(user):
    return can_post(user) and not needs_approval(user)


def is_own(user, entry):
    return entry.created_by_id is not None and entry.created_by_id == user.pk


def can_change(user, entry):
    if not can_post(user):
        return False
    if article_workflow.can_publish(user):
        return True
    if not is_own(user, entry):
        return False
    return not needs_approval(user) or entry.status != LiveEntry.Status.PUBLISHED


def initial_status(user, requested):
    """The status a new or edited entry gets: what was asked (published or draft) unless
    this user's entries wait for approval, in which case «published» becomes «review»."""
    if requested == LiveEntry.Status.PUBLISHED and needs_approval(user):
        return LiveEntry.Status.REVIEW
    return requested
