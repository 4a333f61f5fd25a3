from .recording import current_request, flush


class AuditContextMiddleware:
    """Makes the request being answered known to audit.recording (who, from which address),
    and writes the events that had to wait until the view's transactions were over."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.audit_pending = []
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
            flush(request)
