"""What the body editor offers. The server-side allowlist (articles/sanitize.py) is derived
from this same dict, so nothing the editor cannot make survives a save."""

from django.conf import settings
from django.urls import reverse_lazy

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
    "ReadAlso": {
        "searchUrl": reverse_lazy("editor_article_search"),
        "catalogUrl": reverse_lazy("editor_jsi18n"),
    },
}
