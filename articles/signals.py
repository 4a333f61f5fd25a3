"""Signals other apps listen to, so that `articles` never imports them.

What happened to an article in time, for side effects only (post to a channel, purge an
edge cache, notify followers). Who sees an article is never decided here: that is
Article.objects.published(), by the database clock, at query time.

Each is sent once per article and moment, from a background job (events/), within seconds
of the moment, also after a worker restart or a missed tick; the job runs again if a
receiver raises, so receivers that reach the outside world should tolerate a repeat.
Receivers get `article` (as it is now) and `at` (the moment: its published_at,
expire_at or breaking_until).
"""

from django.dispatch import Signal

# A published article became visible: its scheduled time came, or it was published now.
article_went_live = Signal()
# A published article reached its expiry time and left the public pages.
article_expired = Signal()
# A breaking article's strip time (breaking_until) passed.
article_breaking_ended = Signal()

# Sent after a bulk write that bypasses save() changed what articles show (the WordPress
# import's link pass rewrites bodies with bulk_update), with `pks`, inside the transaction.
articles_rewritten = Signal()

# Sent by the article admin after its change or add form saved an article (inside the same
# transaction), with `article`, `user` (who saved) and `request`.
form_saved = Signal()

# Sent by the article admin when it renders an article's change form, with `article` and
# `request`; each receiver returns a dict added to the template's context (a banner's data).
change_form_opened = Signal()
