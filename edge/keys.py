"""The surrogate keys a change touches (names: pagecache/surrogate.py)."""

from django.utils import timezone

from articles.models import Article, ArticleTag, BodyImage


def article_keys(pk, only_public=True):
    """Every page that shows or lists article `pk`: its own (a), its section's and tags'
    and authors' listings, the site-wide lists (home), the breaking strip if it is in it.
    Nothing for an article readers cannot see (`only_public`): a draft's saves purge
    nothing."""
    return article_state(pk, only_public)[0]


def article_state(pk, only_public=True):
    """(article_keys, what the breaking strip shows of it: None when it is not in the strip).
    A save that leaves the strip's part unchanged (an update of a breaking story's body) need
    not purge `breaking`, which every page carries."""
    rows = Article.objects.published() if only_public else Article.objects.all()
    row = (
        rows.filter(pk=pk)
        .values("section_id", "is_breaking", "breaking_until", "headline", "slug", "published_at")
        .first()
    )
    if row is None:
        return set(), None
    keys = {f"a{pk}", f"s{row['section_id']}", "home"}
    strip = None
    until = row["breaking_until"]
    if row["is_breaking"] and (until is None or until > timezone.now()):
        keys.add("breaking")
        strip = (row["headline"], row["slug"], row["published_at"])
    tags = ArticleTag.objects.filter(content_object_id=pk).values_list("tag_id", flat=True)
    keys |= {f"t{tag}" for tag in tags}
    authors = Article.authors.through.objects.filter(article_id=pk)
    keys |= {f"u{user}" for user in authors.values_list("user_id", flat=True)}
    return keys, strip


def is_public(pk):
    return Article.objects.published().filter(pk=pk).exists()


def articles_with_tag(tag_id):
    public = Article.objects.published().filter(tagged_items__tag_id=tag_id)
    return {f"a{pk}" for pk in public.values_list("pk", flat=True)}


def articles_with_image(image_id):
    """Articles whose page shows the image (lead or body); cards carry i<id> themselves."""
    lead = Article.objects.filter(lead_image_id=image_id).values_list("pk", flat=True)
    body = BodyImage.objects.filter(image_id=image_id).values_list("article_id", flat=True)
    return {f"a{pk}" for pk in [*lead, *body]}
