"""Content-Security-Policy per area, on top of settings.CONTENT_SECURITY_POLICY.

The prose editor (tiptap inside django-prose-editor) inserts two fixed <style> elements from
JavaScript and offers no way to pass our nonce to it. The admin's policy allows exactly those
two stylesheets by hash rather than allowing inline styles; tests/test_security.py recomputes
the hashes from the installed editor.js so that an upgrade cannot silently break the editor.
"""

from csp.middleware import CSPMiddleware

# sha256 of tiptap's base ProseMirror stylesheet and of its invisible-characters stylesheet,
# as shipped in django-prose-editor 0.28.0 (static/django_prose_editor/editor.js).
EDITOR_STYLE_HASHES = [
    "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",
    "'sha256-02hA479WvrYZHJr+4hK4ibPbd7Nb6lFGw+8wNJYCke8='",
]
ADMIN_PREFIX = "/admin/"


class NewsroomCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX) and not report_only:
            parts.update = (parts.update or {}) | {"style-src": EDITOR_STYLE_HASHES}
        return parts
