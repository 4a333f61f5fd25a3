"""One signal for what staff do that someone may later have to account for.

Apps that own an action (articles' workflow, images, the login throttle, the second factor)
send `staff_event`; the audit app receives it and stores a row. The senders never import the
audit app, so it can be left out or replaced without touching them.

Arguments, all keywords:
    action   one of audit.models.Action's values ("publish", "denied", "image_replaced"...)
    user     who acted (a User, or None when unknown: a failed login)
    target   the object acted on (a model instance), or None
    target_repr  what to show for it when there is no instance (a typed user name)
    changes  {"field": [before, after]} for the fields that matter, JSON-serializable
    detail   a short English note (the throttle's decision, the forged fields)
"""

from django.dispatch import Signal

staff_event = Signal()


def send(sender, action, user=None, target=None, changes=None, detail="", target_repr=""):
    staff_event.send(
        sender=sender,
        action=action,
        user=user,
        target=target,
        changes=changes or {},
        detail=detail,
        target_repr=target_repr,
    )
