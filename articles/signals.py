"""Signals other apps listen to, so that `articles` never imports them."""

from django.dispatch import Signal

# Sent by the article admin after its change or add form saved an article (inside the same
# transaction), with `article`, `user` (who saved) and `request`.
form_saved = Signal()
