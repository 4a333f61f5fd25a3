"""The registry of public URLs: every URL name a reader can reach, and how to build it.

The leak test requests each of them; `test_every_public_url_is_registered` fails when a new
public URL name is missing here. Add new public pages (and their variants: pagination,
filters, feeds) to PUBLIC_URLS; list URL names that are deliberately not public in NOT_PUBLIC.
"""

from urllib.parse import quote

from django.urls import reverse

from articles import sitemaps


def article_sitemap_page(article):
    page = sitemaps.block_of(article.pk)
    return reverse("sitemap_articles") + ("" if page == 1 else f"?p={page}")


# name -> function(world) -> list of paths. `world` has .article (public), .section, .tag,
# .author: objects shared with every non-public canary article.
PUBLIC_URLS = {
    "home": lambda w: [reverse("home")],
    "article": lambda w: [w.article.get_absolute_url()],
    "article_noslug": lambda w: [reverse("article_noslug", args=[w.article.pk])],
    "section": lambda w: [reverse("section", args=[w.section.slug])],
    "tag": lambda w: [reverse("tag", args=[w.tag.slug])],
    "author": lambda w: [reverse("author", args=[w.author.username])],
    # Queries that would match the canaries if visibility were not applied.
    "search": lambda w: [
        reverse("search") + "?q=" + quote(q) for q in ["CANARY", "7f3a", "عنوان", "الحسكة"]
    ],
    "feed_latest": lambda w: [reverse("feed_latest")],
    "feed_latest_atom": lambda w: [reverse("feed_latest_atom")],
    "feed_section": lambda w: [reverse("feed_section", args=[w.section.slug])],
    "feed_section_atom": lambda w: [reverse("feed_section_atom", args=[w.section.slug])],
    "feed_tag": lambda w: [reverse("feed_tag", args=[w.tag.slug])],
    "feed_tag_atom": lambda w: [reverse("feed_tag_atom", args=[w.tag.slug])],
    "sitemap": lambda w: [reverse("sitemap")],
    # The page holding the world's article (pages are blocks of ids).
    "sitemap_articles": lambda w: [article_sitemap_page(w.article)],
    "sitemap_section": lambda w: [
        reverse("sitemap_section", args=[name]) for name in ["sections", "tags"]
    ],
    "sitemap_news": lambda w: [reverse("sitemap_news")],
    "robots": lambda w: [reverse("robots")],
    # Live coverage (live/): world.article is a live story whose non-public entries and
    # whose non-public sibling live stories carry canaries (tests/test_leaks.py).
    "live_updates": lambda w: [reverse("live_updates", args=[w.article.pk])],
    "live_entries": lambda w: [reverse("live_entries", args=[w.article.pk]) + "?page=2"],
    "live_feed": lambda w: [reverse("live_feed", args=[w.article.pk])],
}

# URL names outside the admin that are not public pages, with the reason.
NOT_PUBLIC = {
    "push_subscribe": "Web Push: POST only, JSON, stores a browser's subscription; no content",
    "push_unsubscribe": "Web Push: POST only, JSON, deletes a subscription; no content",
    "service_worker": "Web Push's service worker, /sw.js: a fixed script from static/, no "
    "content, revalidated by browsers (Cache-Control: no-cache), so not in the page cache",
    "push_token": "Web Push: a CSRF token for the two POSTs, never cached; no content",
    "most_read_beacon": "«الأكثر قراءة»: POST only, answers 204 with no body; counts a reading "
    "of a public article, never cached (tests/test_mostread.py)",
    "healthz": "liveness probe for the process supervisor; JSON, lists no articles",
    "readyz": "readiness probe for the load balancer; JSON, lists no articles",
    "admin_login_throttled": "the admin's login form (throttled); lists no articles",
    "admin_view_on_site_checked": "the admin's «عرض على الموقع» redirect, staff only, checked "
    "against the model's admin (tests/test_others_drafts.py)",
    "article_preview": "signed, expiring draft preview for people holding a link; never cached, "
    "noindex (tests/test_workflow.py covers tampering, expiry and revocation)",
    "image_picker": "staff-only JSON for the editor's image library picker",
    "image_picker_upload": "staff-only upload from the editor's image picker",
    "editor_jsi18n": "the editor's translation catalog; holds no content",
    "editor_article_search": "staff-only JSON for the editor's read-also button",
    "second_step": "staff app: the code after the password, for a logged-in staff member only",
    "setup": "staff app: setting up an authenticator, for a logged-in staff member only",
    "backup_codes": "staff app: new backup codes, after the second step only",
    "passkey_register_begin": "staff app: passkey set-up JSON, logged-in staff with no device "
    "or past the second step (tests/test_passkeys.py)",
    "passkey_register_complete": "staff app: passkey set-up JSON, same rule as its begin",
    "passkey_auth_begin": "staff app: passkey second-step JSON, after the password only",
    "passkey_auth_complete": "staff app: passkey second-step JSON, after the password only",
    "passkey_jsi18n": "staff app: the passkey scripts' Arabic strings (no data)",
    "desk": "the admin's home page (the desk), staff only; journalists see only their own work "
    "(tests/test_desk.py)",
    "desk_app_list": "the admin's full app list, staff only",
    "desk_calendar": "the editors' publishing calendar, editors only (tests/test_desk.py)",
    "desk_retract": "the desk's confirmed retract, editors only, through the workflow",
    "presence_heartbeat": "staff-only JSON: who has an article open, checked with can_view "
    "(tests/test_presence.py)",
    "presence_leave": "staff-only: forgets the caller's own presence; answers 204",
    "presence_take_over": "staff-only JSON: an editor takes an article over "
    "(tests/test_presence.py)",
    "autosave": "staff-only JSON: a person's own unsaved article form (tests/test_autosave.py)",
    "autosave_discard": "staff-only: forgets a person's own autosave",
    "proposal_new": "staff-only: a journalist proposes a change to their own published article",
    "proposal_detail": "staff-only: a proposal's diff, for its author and editors",
    "proposal_decide": "staff-only: an editor approves or rejects a proposal",
}
