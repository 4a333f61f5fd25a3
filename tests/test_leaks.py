"""No non-public article ever shows on a public URL (DESIGN.md, "The visibility rule")."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from articles.models import Article
from live.models import LiveCoverage, LiveEntry

from .public_urls import NOT_PUBLIC, PUBLIC_URLS

Status = Article.Status


def non_public_states():
    now = timezone.now()
    return {
        "DRAFT": {"status": Status.DRAFT, "published_at": None},
        "REVIEW": {"status": Status.REVIEW, "published_at": now - timedelta(hours=1)},
        "UNPUBLISHED": {"status": Status.UNPUBLISHED, "published_at": now - timedelta(days=1)},
        "SCHEDULED": {"status": Status.PUBLISHED, "published_at": now + timedelta(hours=1)},
        "EXPIRED": {
            "status": Status.PUBLISHED,
            "published_at": now - timedelta(days=2),
            "expire_at": now - timedelta(minutes=1),
        },
    }


def public_url_names(resolver=None, prefix=""):
    """Every named URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) == "admin":
                continue
            yield from public_url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern):
            yield pattern.name or f"<unnamed {pattern.pattern}>"


@pytest.fixture
def world(make_article, make_image, editor):
    article = make_article(tags=["الحسكة"], authors=[editor], lead_image=make_image())
    canaries = {}
    for state, fields in non_public_states().items():
        canary = f"CANARY-{state}-7f3a"
        hidden = make_article(
            headline=f"عنوان {canary}",
            summary=f"ملخص {canary}",
            body=f"<p>نص {canary}</p>",
            section=article.section,
            tags=["الحسكة", f"وسم-{canary}"],
            authors=[editor],
            lead_image=make_image(alt_text=f"بديل {canary}", caption=f"تعليق {canary}"),
            is_featured=True,
            is_breaking=True,
            **fields,
        )
        article.related.add(hidden)
        canaries[canary] = hidden
    # The article page reads its remembered related list back through the visibility rule:
    # one that names every hidden article (scheduled ones are remembered by design).
    Article.objects.filter(pk=article.pk).update(
        suggested_ids=[hidden.pk for hidden in canaries.values()]
    )
    article.refresh_from_db()
    entry_canaries = add_live_canaries(article, canaries)
    return SimpleNamespace(
        entry_canaries=entry_canaries,
        article=article,
        section=article.section,
        tag=article.tags.get(),
        author=editor,
        canaries=canaries,
    )


def add_live_canaries(article, canaries):
    """Make the public article a live story with hidden entries (draft, awaiting approval,
    scheduled), enough public ones for a second page, and give every hidden article a live
    story with a published entry: none of them may show (live/models.py, public())."""
    now = timezone.now()
    coverage = LiveCoverage.objects.create(article=article)
    for n in range(55):
        LiveEntry.objects.create(
            coverage=coverage, body=f"<p>تحديث عام {n}</p>", published_at=now - timedelta(minutes=n)
        )
    hidden_entries = {
        "ENTRY-DRAFT": {"status": LiveEntry.Status.DRAFT},
        "ENTRY-REVIEW": {"status": LiveEntry.Status.REVIEW},
        "ENTRY-SCHEDULED": {"published_at": now + timedelta(hours=1)},
    }
    entry_canaries = []
    for state, fields in hidden_entries.items():
        canary = f"CANARY-{state}-7f3a"
        LiveEntry.objects.create(
            coverage=coverage,
            title=f"عنوان {canary}",
            body=f"<p>{canary}</p>",
            is_key=True,
            is_pinned=True,
            **fields,
        )
        entry_canaries.append(canary)
    for canary, hidden in canaries.items():
        hidden_live = LiveCoverage.objects.create(article=hidden)
        LiveEntry.objects.create(
            coverage=hidden_live, title=f"تحديث {canary}", body=f"<p>{canary}</p>", is_key=True
        )
    return entry_canaries


def test_every_public_url_is_registered():
    names = set(public_url_names())
    missing = names - PUBLIC_URLS.keys() - NOT_PUBLIC.keys()
    assert not missing, f"public URLs missing from tests/public_urls.py: {sorted(missing)}"


def test_no_public_url_shows_a_non_public_article(client, world):
    paths = [path for build in PUBLIC_URLS.values() for path in build(world)]
    assert len(paths) >= len(PUBLIC_URLS)
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        text = response.content.decode() + str(response.headers)
        for canary in [*world.canaries, *world.entry_canaries]:
            assert canary not in text, f"{canary} leaked on {path}"
    assert world.article.headline in client.get(world.article.get_absolute_url()).content.decode()


def test_every_public_url_names_what_it_shows_and_never_a_hidden_article(client, world):
    """The edge's surrogate keys (pagecache/surrogate.py) on every public page: present, so
    the page can be purged, and never the id of an article readers cannot see."""
    hidden = {f"a{article.pk}" for article in world.canaries.values()}
    hidden |= {f"l{article.pk}" for article in world.canaries.values()}
    pages = 0
    for path in [path for build in PUBLIC_URLS.values() for path in build(world)]:
        response = client.get(path)
        if response.status_code != 200:  # the id-only article URL redirects
            assert response.status_code == 301, path
            continue
        pages += 1
        keys = set(response.get("Surrogate-Key", "").split())
        assert keys, f"no Surrogate-Key on {path}"
        assert keys == set(response["Cache-Tag"].split(",")), path
        assert not keys & hidden, f"{sorted(keys & hidden)} named on {path}"
    assert pages >= len(PUBLIC_URLS) - 1


def test_non_public_articles_are_404_at_their_own_urls(client, world):
    for canary, article in world.canaries.items():
        assert client.get(article.get_absolute_url()).status_code == 404, canary
        assert client.get(f"/articles/{article.pk}/").status_code == 404, canary


def test_live_urls_of_non_public_articles_are_404(client, world):
    for canary, article in world.canaries.items():
        for name in ["live_updates", "live_entries", "live_feed"]:
            assert client.get(reverse(name, args=[article.pk])).status_code == 404, canary
