"""Writing audit rows: who and from where come from the request being answered (set by
audit.middleware.AuditContextMiddleware), what and on which object from the caller."""

import contextvars

from django.db import transaction

from security.login_throttle import client_address

from .models import Action, AuditEvent, target_key

current_request = contextvars.ContextVar("audit_request", default=None)

# Events that the sender's transaction may roll back (a denial is raised inside
# transaction.atomic): they are kept on the request and written once the view has answered.
OUTSIDE_TRANSACTION = {Action.DENIED}


def record(action, user=None, target=None, changes=None, detail="", target_repr=""):
    request = current_request.get()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    event = AuditEvent(
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        actor_name=user.get_username()[:150] if user is not None else "",
        address=client_address(request)[:45] if request is not None else "",
        target=target_key(target)[:100] if target is not None else "",
        target_repr=(str(target) if target is not None else target_repr)[:200],
        changes=changes or {},
        detail=detail[:300],
    )
    pending = getattr(request, "audit_pending", None) if request is not None else None
    if action in OUTSIDE_TRANSACTION and pending is not None and transaction.get_autocommit():
        event.save()
    elif action in OUTSIDE_TRANSACTION and pending is not None:
        pending.append(event)
    else:
        event.save()
    return event


def flush(request):
    for event in request.audit_pending:
        event.save()
    request.audit_pending = []
