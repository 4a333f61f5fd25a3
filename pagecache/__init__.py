"""The page cache: whole anonymous pages, invalidated exactly.

Every cache key holds the content *generation* (`generation.py`), a number bumped after any
transaction that changes what a page can show commits. A bump makes every cached page
unreachable at once; old entries simply expire. A page is never kept past the next change
that happens by the clock alone (a scheduled publication, an expiry), because no save
happens then.

The apps whose content pages show say which URL names may be cached, which saves
invalidate, and when the next change by the clock is (`policy.register`, called by
`articles` when it is ready). The middleware (`middleware.py`) serves and stores pages and
lets one request per page render it on a miss (the stampede lock).
"""
