"""What the audit log listens to: core.events.staff_event (workflow, images, login
throttle, second factor) and Django's own signals for logins and accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from core.events import staff_event

from .models import Action
from .recording import record

# Account fields whose change is worth a row, with before/after (never the password hash).
USER_FIELDS = ["username", "email", "is_active", "is_staff", "is_superuser"]


def on_staff_event(sender, action, user, target, changes, detail, target_repr, **kwargs):
    record(action, user, target, changes, detail, target_repr)


def on_login(sender, request, user, **kwargs):
    record(Action.LOGIN, user, target=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, user, target=user)


def before_user_save(sender, instance, update_fields=None, **kwargs):
    """Remembers the row as stored, so the change can be told after the save. A save of
    last_login only (every login) or of the password only (Django upgrading the hash's
    iterations at login) is not a change anyone made."""
    instance.audit_before = None
    if instance.pk is None or (update_fields and set(update_fields) <= {"last_login", "password"}):
        return
    instance.audit_before = (
        sender.objects.filter(pk=instance.pk).values(*USER_FIELDS, "password").first()
    )


def after_user_save(sender, instance, created, **kwargs):
    if created:
        record(Action.USER_CREATED, target=instance, changes=user_fields(instance))
        return
    before = getattr(instance, "audit_before", None)
    if before is None:
        return
    if before.pop("password") != instance.password:
        record(Action.PASSWORD_CHANGED, target=instance)
    changes = {
        name: [before[name], value]
        for name, value in user_fields(instance).items()
        if before[name] != value
    }
    if changes:
        record(Action.USER_CHANGED, target=instance, changes=changes)


def user_fields(user):
    return {name: getattr(user, name) for name in USER_FIELDS}


def after_user_delete(sender, instance, **kwargs):
    record(Action.USER_DELETED, target_repr=instance.get_username(), changes=user_fields(instance))


def names(model, pks):
    return sorted(str(obj) for obj in model.objects.filter(pk__in=pks))


def on_m2m(action_name, model_attr):
    """A receiver for one many-to-many relation: who gained or lost which groups or
    permissions ("clear" is recorded as the removal of what was there)."""

    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        if action == "pre_clear":
            instance.audit_cleared = set(getattr(instance, model_attr).values_list("pk", flat=True))
            return
        if action not in {"post_add", "post_remove", "post_clear"} or reverse:
            return
        if action == "post_clear":
            pk_set = getattr(instance, "audit_cleared", set())
        if not pk_set:
            return
        key = "removed" if action in {"post_remove", "post_clear"} else "added"
        record(action_name, target=instance, changes={key: names(model, pk_set)})

    return receiver


def on_group_change(sender, instance, created=None, **kwargs):
    what = "created" if created else "deleted" if created is None else "changed"
    record(Action.GROUP_CHANGED, target=instance, detail=what)


def on_article_created(sender, instance, created, **kwargs):
    if created:
        record(Action.PREVIEW_LINK_CREATED, target=instance)


def on_article_deleted(sender, instance, **kwargs):
    record(Action.DELETE, target=instance, changes={"status": [instance.status, None]})


receivers = []


def connect():
    from articles.models import Article

    User = get_user_model()
    staff_event.connect(on_staff_event, dispatch_uid="audit.staff_event")
    user_logged_in.connect(on_login, dispatch_uid="audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="audit.logout")
    pre_save.connect(before_user_save, sender=User, dispatch_uid="audit.user_pre")
    post_save.connect(after_user_save, sender=User, dispatch_uid="audit.user_post")
    post_delete.connect(after_user_delete, sender=User, dispatch_uid="audit.user_delete")
    groups = on_m2m(Action.GROUPS_CHANGED, "groups")
    user_perms = on_m2m(Action.PERMISSIONS_CHANGED, "user_permissions")
    group_perms = on_m2m(Action.PERMISSIONS_CHANGED, "permissions")
    receivers.extend([groups, user_perms, group_perms])  # connect() keeps weak references
    m2m_changed.connect(groups, sender=User.groups.through, dispatch_uid="audit.groups")
    m2m_changed.connect(
        user_perms, sender=User.user_permissions.through, dispatch_uid="audit.user_perms"
    )
    m2m_changed.connect(
        group_perms, sender=Group.permissions.through, dispatch_uid="audit.group_perms"
    )
    post_save.connect(on_group_change, sender=Group, dispatch_uid="audit.group")
    post_delete.connect(on_group_change, sender=Group, dispatch_uid="audit.group_delete")
    post_save.connect(on_article_created, sender=Article, dispatch_uid="audit.article_new")
    post_delete.connect(on_article_deleted, sender=Article, dispatch_uid="audit.article_delete")
