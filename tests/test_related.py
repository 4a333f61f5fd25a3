"""«مقالات ذات صلة»: picks, shared tags (rare ones first), section, recency; one query."""

from datetime import timedelta

from django.utils import timezone

from articles.body import insert_read_also
from articles.models import Article
from articles.related import linked_article_ids, related_articles

from .test_leaks import non_public_states


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_editors_picks_come_first(make_article, make_section):
    article = make_article(tags=["الحسكة"])
    tagged = make_article(tags=["الحسكة"], published_at=ago(minutes=5))
    pick = make_article(section=make_section(), published_at=ago(days=300))
    article.related.add(pick)
    assert related_articles(article)[:2] == [pick, tagged]


def test_a_rare_shared_tag_outweighs_a_common_one(make_article, make_section):
    other = make_section()
    for _ in range(8):
        make_article(tags=["سوريا"], section=other, published_at=ago(days=400))
    article = make_article(tags=["سوريا", "سجن غويران"], section=other)
    common = make_article(tags=["سوريا"], section=make_section(), published_at=ago(hours=1))
    rare = make_article(tags=["سجن غويران"], section=make_section(), published_at=ago(hours=2))
    assert related_articles(article, limit=2) == [rare, common]


def test_more_shared_tags_rank_higher(make_article, make_section):
    article = make_article(tags=["أ", "ب", "ج"])
    one = make_article(tags=["أ"], section=make_section(), published_at=ago(hours=1))
    three = make_article(tags=["أ", "ب", "ج"], section=make_section(), published_at=ago(hours=2))
    assert related_articles(article, limit=2) == [three, one]


def test_old_stories_decay(make_article, make_section):
    article = make_article(tags=["الحسكة"])
    section = make_section()
    old = make_article(tags=["الحسكة"], section=section, published_at=ago(days=365))
    recent = make_article(tags=["الحسكة"], section=section, published_at=ago(days=2))
    assert related_articles(article) == [recent, old]


def test_without_tags_it_falls_back_to_the_sections_latest(make_article, make_section):
    article = make_article()
    newer = make_article(published_at=ago(minutes=1))
    older = make_article(published_at=ago(days=3))
    make_article(section=make_section())  # elsewhere, shares nothing
    assert related_articles(article) == [newer, older]


def test_never_itself_nor_a_non_public_article(make_article):
    article = make_article(tags=["الحسكة"])
    for fields in non_public_states().values():
        hidden = make_article(tags=["الحسكة"], **fields)
        article.related.add(hidden)
    visible = make_article(tags=["الحسكة"])
    assert related_articles(article) == [visible]


def test_never_an_article_the_body_already_links_to(make_article):
    linked = make_article(tags=["الحسكة"])
    absolute = make_article(tags=["الحسكة"])
    passed = make_article(tags=["الحسكة"])
    kept = make_article(tags=["الحسكة"])
    article = make_article(
        tags=["الحسكة"],
        body=(
            f'<p>اقرأ <a href="{linked.get_absolute_url()}">هذا</a> و'
            f'<a href="https://example.org/articles/{absolute.pk}/x/">ذاك</a></p>'
        ),
    )
    article.related.add(linked)
    assert related_articles(article, exclude_ids=[passed.pk]) == [kept]


def test_limit_is_respected(make_article):
    article = make_article(tags=["الحسكة"])
    for _ in range(10):
        make_article(tags=["الحسكة"])
    assert len(related_articles(article, limit=4)) == 4


def test_two_queries_whatever_the_number_of_tags(
    make_article, make_image, make_section, django_assert_max_num_queries
):
    tags = [f"وسم {n}" for n in range(12)]
    article = make_article(tags=tags)
    for n in range(20):
        make_article(tags=tags[: n % 12 + 1], section=make_section(), lead_image=make_image())
    article.related.add(*Article.objects.exclude(pk=article.pk)[:3])
    # As the article view loads it: tags prefetched with the article.
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    # The tag weights (one GROUP BY) and the candidates; with the page cache on, the weights
    # are remembered under the content generation and this is one query.
    with django_assert_max_num_queries(2):
        related = related_articles(article)
        shown = [(item.section.name, item.lead_image.alt_text) for item in related]
    assert len(shown) == 6


def test_linked_article_ids_reads_relative_and_absolute_links():
    body = (
        '<p><a href="/articles/12/x/">a</a> <a href="https://site.example/articles/7/">b</a>'
        ' <a href="/sections/x/">c</a></p>'
    )
    assert linked_article_ids(body) == {12, 7}


def test_read_also_positions_and_minimum_length_are_settings(make_article, settings):
    pool = [make_article(), make_article()]
    settings.NEWSROOM_READ_ALSO_AFTER_PARAGRAPHS = [1, 2]
    settings.NEWSROOM_READ_ALSO_MIN_PARAGRAPHS = 4
    short = insert_read_also("<p>أ</p>" * 3, pool)
    assert "read-also" not in short
    long = insert_read_also("<p>أ</p>" * 4, pool)
    assert long.count('class="read-also"') == 2
    assert long.index(pool[0].get_absolute_url()) < long.index(pool[1].get_absolute_url())
    assert long.startswith('<p>أ</p><p class="read-also">')
