"""What the body editor offers. The server-side allowlist (articles/body/sanitize.py) is derived
from this same dict, so nothing the editor cannot make survives a save."""

from django.conf import settings
from django.urls import reverse_lazy

# Characters of submitted HTML, markup included. A long investigation is about 100,000; the
# cap turns a multi-megabyte paste into a form error before sanitizing and search indexing
# (which together took over 2 s for 2 MB) ever run.
BODY_MAX_LENGTH = 500_000

BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # Our own menu buttons (static/js/editor/newsroom.js): they insert nodes the extensions
    # above already define, so they add nothing to the allowlist.
    "ImagePicker": {
        "searchUrl": reverse_lazy("image_picker"),
        "uploadUrl": reverse_lazy("image_picker_upload"),
        "mediaUrl": settings.MEDIA_URL,
    },
    "Embed": True,
    "ReadAlso": {
        "searchUrl": reverse_lazy("editor_article_search"),
        "catalogUrl": reverse_lazy("editor_jsi18n"),
    },
}
