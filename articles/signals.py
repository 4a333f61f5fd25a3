"""Signals other apps listen to, so that `articles` never imports them."""

from django.dispatch import Signal

# Sent by the article admin after its change or add form saved an article (inside the same
# transaction), with `article`, `user` (who saved) and `request`.
form_saved = Signal()

# Sent by the article admin when it renders an article's change form, with `article` and
# `request`; each receiver returns a dict added to the template's context (a banner's data).
change_form_opened = Signal()
