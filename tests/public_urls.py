"""The registry of public URLs: every URL name a reader can reach, and how to build it.

The leak test requests each of them; `test_every_public_url_is_registered` fails when a new
public URL name is missing here. Add new public pages (and their variants: pagination,
filters, feeds) to PUBLIC_URLS; list URL names that are deliberately not public in NOT_PUBLIC.
"""

from django.urls import reverse

# name -> function(world) -> list of paths. `world` has .article (public), .section, .tag,
# .author: objects shared with every non-public canary article.
PUBLIC_URLS = {
    "home": lambda w: [reverse("home")],
    "article": lambda w: [w.article.get_absolute_url()],
    "article_noslug": lambda w: [reverse("article_noslug", args=[w.article.pk])],
    "section": lambda w: [reverse("section", args=[w.section.slug])],
    "tag": lambda w: [reverse("tag", args=[w.tag.slug])],
    "author": lambda w: [reverse("author", args=[w.author.username])],
}

# URL names outside the admin that are not public pages, with the reason.
NOT_PUBLIC = {
    "image_picker": "staff-only JSON for the editor's image library picker",
    "image_picker_upload": "staff-only upload from the editor's image picker",
    "editor_jsi18n": "the editor's translation catalog; holds no content",
    "editor_article_search": "staff-only JSON for the editor's read-also button",
}
