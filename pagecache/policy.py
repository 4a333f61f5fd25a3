"""What the page cache may store and when it must forget, as registered by the apps whose
content the pages show (`register`, called from their `AppConfig.ready`)."""

import re

from django.db.models.signals import m2m_changed, post_delete, post_save


class Policy:
    def __init__(self):
        self.url_names = frozenset()
        # url name -> {query parameter the page reads: pattern its stored values match}
        self.params = {}
        # url name -> how many copies of its page (one per query) a generation may store
        self.max_variants = {}
        self.next_clock_change = None
        # Every app's `next_clock_change`; the policy's is the earliest of them.
        self.clocks = []

    def __repr__(self):
        return f"Policy(url_names={sorted(self.url_names)})"


policy = Policy()


def register(*, url_names, models, m2m_through, next_clock_change, max_variants=None):
    """Cache the pages named in `url_names`, a mapping {url name: {query parameter: regular
    expression}}: the parameters each page reads, and the values of each that are stored (in
    full, their canonical form); any other query string is rendered fresh and not stored.
    Store at most `max_variants[name]` copies of a page per generation. Forget every page
    after a committed save or delete of any of `models` or a change of the many-to-many
    `m2m_through` tables; never keep a page past `next_clock_change()` (an aware datetime,
    or None when nothing is due).
    """
    from .generation import content_changed

    policy.url_names = policy.url_names | frozenset(url_names)
    policy.params |= {
        name: {param: re.compile(pattern) for param, pattern in params.items()}
        for name, params in url_names.items()
    }
    policy.max_variants |= max_variants or {}
    if next_clock_change not in policy.clocks:
        policy.clocks = [*policy.clocks, next_clock_change]
    policy.next_clock_change = earliest_clock_change
    for model in models:
        uid = f"pagecache-{model._meta.label}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in m2m_through:
        uid = f"pagecache-m2m-{through._meta.label}"
        m2m_changed.connect(content_changed, sender=through, dispatch_uid=uid)


def earliest_clock_change():
    """The earliest of the registered apps' next clock changes (None if none is due)."""
    moments = [clock() for clock in policy.clocks]
    return min((moment for moment in moments if moment is not None), default=None)
