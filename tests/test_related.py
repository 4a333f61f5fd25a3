"""«مقالات ذات صلة»: picks, shared tags (rare ones first), section, recency; one query."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.body.read_also import insert_read_also
from articles.models import Article
from articles.related import linked_article_ids, rank_after_commit, related_articles
from pagecache.generation import current_generation, page_cache

from .dom import parse_html
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


@pytest.mark.postgres
def test_the_tag_weights_are_counted_from_the_tag_index_alone(make_article):
    """Counting ids read every carrier's row: 49 ms of a live-ranked article page at a million
    articles, against 2 ms from the index. The plan, not a timing: with sequential and bitmap
    scans ruled out, the count must be an index-only scan."""
    article = make_article(tags=["الحسكة", "القامشلي"])
    for _ in range(3):
        make_article(tags=["الحسكة"])
    with CaptureQueriesContext(connection) as queries:
        related_articles(Article.objects.get(pk=article.pk))
    (counting,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + counting)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan" in plan, plan


def test_linked_article_ids_reads_relative_and_absolute_links():
    body = (
        '<p><a href="/articles/12/x/">a</a> <a href="https://site.example/articles/7/">b</a>'
        ' <a href="/sections/x/">c</a></p>'
    )
    assert linked_article_ids(body) == {12, 7}


def test_read_also_positions_and_minimum_length(make_article):
    pool = [make_article(), make_article()]
    short = insert_read_also("<p>أ</p>" * 3, pool, after=(1, 2), minimum=4)
    assert "read-also" not in short
    long = insert_read_also("<p>أ</p>" * 4, pool, after=(1, 2), minimum=4)
    assert long.count('class="read-also"') == 2
    assert long.index(pool[0].get_absolute_url()) < long.index(pool[1].get_absolute_url())
    assert long.startswith('<p>أ</p><p class="read-also">')


# Remembered lists: ranked when an input changes, read back through the visibility rule. -----


def shown_related(client, article):
    doc = parse_html(client.get(article.get_absolute_url()).content.decode())
    blocks = doc.find_all("section", cls="related")
    return [card.find("h3").clean_text for block in blocks for card in block.find_all("article")]


def test_a_saved_article_remembers_its_ranked_list_and_its_page_shows_it(
    client, make_article, make_section, committed
):
    with committed():
        tagged = make_article(
            tags=["سجن غويران"], section=make_section(), published_at=ago(hours=1)
        )
        article = make_article(tags=["سجن غويران"])
        same_section = make_article(published_at=ago(days=2))
    article.refresh_from_db()
    assert article.suggested_ids[:2] == [tagged.pk, same_section.pk]
    # The page reads the list: tampering with it shows on the page, so it is not ranked live.
    Article.objects.filter(pk=article.pk).update(suggested_ids=[same_section.pk])
    assert shown_related(client, article) == [same_section.headline]


def test_a_follow_up_shows_on_the_story_it_follows(client, make_article, make_section, committed):
    with committed():
        story = make_article(tags=["سجن غويران"], published_at=ago(days=1))
        make_article(section=make_section(), tags=["سوريا"])
    assert shown_related(client, story) == []
    with committed():
        follow_up = make_article(tags=["سجن غويران"], section=make_section())
    assert shown_related(client, story) == [follow_up.headline]


def test_a_retracted_story_leaves_remembered_lists_at_once(client, make_article, committed):
    with committed():
        article = make_article(tags=["الحسكة"])
        retracted = make_article(tags=["الحسكة"])
        kept = make_article(tags=["الحسكة"])
    assert set(shown_related(client, article)) == {retracted.headline, kept.headline}
    # No signal, no ranking: the page's own read-back drops it.
    Article.objects.filter(pk=retracted.pk).update(status=Article.Status.UNPUBLISHED)
    assert shown_related(client, article) == [kept.headline]


def test_a_page_reads_only_the_cards_it_shows_unless_one_has_gone(client, make_article):
    article = make_article()
    others = [make_article(published_at=ago(hours=n)) for n in range(1, 9)]
    Article.objects.filter(pk=article.pk).update(suggested_ids=[a.pk for a in others])

    def card_queries():
        with CaptureQueriesContext(connection) as queries:
            shown = shown_related(client, article)
        return shown, [q["sql"] for q in queries if '"articles_article"."id" IN (' in q["sql"]]

    shown, reads = card_queries()
    assert shown == [a.headline for a in others[:6]]
    assert [re.findall(r"\d+", sql.rsplit("IN (", 1)[1]) for sql in reads] == [
        [str(a.pk) for a in others[:6]]
    ]
    # One of the six retracted: the seventh takes the last place, read by a second query.
    Article.objects.filter(pk=others[2].pk).update(status=Article.Status.UNPUBLISHED)
    shown, reads = card_queries()
    assert shown == [a.headline for a in others[:2] + others[3:7]]
    assert len(reads) == 2


def test_a_scheduled_story_joins_remembered_lists_at_its_time(
    client, make_article, make_section, db_clock, committed
):
    now = timezone.now().replace(microsecond=0)
    db_clock(now)
    with committed():
        story = make_article(tags=["سجن غويران"], published_at=now - timedelta(days=1))
        scheduled = make_article(
            tags=["سجن غويران"], section=make_section(), published_at=now + timedelta(hours=1)
        )
    story.refresh_from_db()
    assert scheduled.pk in story.suggested_ids
    assert shown_related(client, story) == []
    db_clock(now + timedelta(hours=1, seconds=1))
    assert shown_related(client, story) == [scheduled.headline]


def test_a_draft_is_never_remembered(make_article, committed):
    with committed():
        article = make_article(tags=["الحسكة"])
        draft = make_article(tags=["الحسكة"], status=Article.Status.DRAFT, published_at=None)
        article.related.add(draft)
    article.refresh_from_db()
    assert article.suggested_ids == []


def test_changing_the_picks_or_the_tags_ranks_again(make_article, make_section, committed):
    with committed():
        article = make_article(tags=["الحسكة"])
        pick = make_article(section=make_section(), published_at=ago(days=300))
        tagged = make_article(tags=["الرقة"], section=make_section())
    with committed():
        article.related.add(pick)
    article.refresh_from_db()
    assert article.suggested_ids == [pick.pk]
    with committed():
        article.tags.add("الرقة")
    article.refresh_from_db()
    assert article.suggested_ids == [pick.pk, tagged.pk]


def test_an_article_never_ranked_is_ranked_live(client, make_article):
    # Tests never commit: these articles were saved without their lists being ranked.
    article = make_article(tags=["الحسكة"])
    other = make_article(tags=["الحسكة"])
    assert Article.objects.get(pk=article.pk).suggested_ids is None
    assert shown_related(client, article) == [other.headline]


def test_a_list_that_changed_after_commit_makes_cached_pages_stale(
    make_article, settings, committed
):
    settings.PAGE_CACHE_ENABLED = True
    article = make_article(tags=["الحسكة"])
    make_article(tags=["الحسكة"])
    before = current_generation(page_cache())
    with committed():
        rank_after_commit(article.pk)
    assert current_generation(page_cache()) != before
    unchanged = current_generation(page_cache())
    with committed():
        rank_after_commit(article.pk)
    assert current_generation(page_cache()) == unchanged


def test_the_page_reads_its_remembered_list_in_one_query(
    client, make_article, make_image, make_section, committed, django_assert_max_num_queries
):
    with committed():
        article = make_article(tags=["الحسكة", "الرقة"])
        for _ in range(14):
            make_article(tags=["الحسكة"], section=make_section(), lead_image=make_image())
    # Article (with whether it has corrections), authors, tags, the related cards; the
    # chrome's two lists.
    with django_assert_max_num_queries(6):
        assert len(shown_related(client, article)) == 6


@pytest.mark.parametrize("value", ["-1", "ten", "1.5"])
def test_rank_related_refuses_a_count_that_is_not_a_whole_number(db, value):
    with pytest.raises(CommandError, match="not a whole number of articles"):
        call_command("rank_related", "--newest", value, stdout=StringIO())


def test_rank_related_newest_ranks_only_the_newest_and_then_has_nothing_left(make_article):
    oldest = make_article(tags=["الحسكة"], published_at=ago(days=3))
    older = make_article(tags=["الحسكة"], published_at=ago(days=2))
    newer = make_article(tags=["الحسكة"], published_at=ago(days=1))
    Article.objects.filter(pk=newer.pk).update(suggested_ids=[older.pk])  # already ranked
    out = StringIO()
    call_command("rank_related", "--newest", "2", stdout=out)
    assert "1 articles ranked" in out.getvalue()
    assert Article.objects.get(pk=older.pk).suggested_ids == [newer.pk, oldest.pk]
    assert Article.objects.get(pk=oldest.pk).suggested_ids is None
    out = StringIO()
    call_command("rank_related", "--newest", "2", stdout=out)
    assert "0 articles ranked" in out.getvalue()


def test_rank_related_fills_missing_lists_newest_first(make_article):
    older = make_article(tags=["الحسكة"], published_at=ago(days=2))
    newer = make_article(tags=["الحسكة"], published_at=ago(days=1))
    call_command("rank_related", "--limit", "1", stdout=StringIO())
    assert Article.objects.get(pk=newer.pk).suggested_ids == [older.pk]
    assert Article.objects.get(pk=older.pk).suggested_ids is None
    call_command("rank_related", stdout=StringIO())
    assert Article.objects.get(pk=older.pk).suggested_ids == [newer.pk]
    Article.objects.update(suggested_ids=[])
    call_command("rank_related", stdout=StringIO())  # none missing: nothing to do
    assert Article.objects.get(pk=older.pk).suggested_ids == []
    call_command("rank_related", "--all", stdout=StringIO())
    assert Article.objects.get(pk=older.pk).suggested_ids == [newer.pk]


def test_a_save_that_changes_no_ranking_input_does_not_rank_again(make_article, committed):
    with committed():
        article = make_article(tags=["الحسكة"])
        other = make_article(tags=["الحسكة"])
    Article.objects.filter(pk=article.pk).update(suggested_ids=[])
    with committed():
        article.save(update_fields=["preview_secret"])
    assert Article.objects.get(pk=article.pk).suggested_ids == []
    with committed():
        article.save()
    assert Article.objects.get(pk=article.pk).suggested_ids == [other.pk]


def test_a_change_touching_many_articles_ranks_the_newest_and_leaves_the_rest_unranked(
    client, make_article, committed
):
    from articles.related import RANK_AT_ONCE
    from tags.models import Tag

    with committed():
        carriers = [
            make_article(tags=["الحسكة", "سجن غويران"], published_at=ago(hours=n + 1))
            for n in range(RANK_AT_ONCE + 5)
        ]
    Article.objects.update(suggested_ids=[])  # so a ranking shows as a change
    with committed():
        Tag.objects.get(name="سجن غويران").delete()
    lists = dict(Article.objects.values_list("pk", "suggested_ids"))
    newest, oldest = carriers[:RANK_AT_ONCE], carriers[RANK_AT_ONCE:]
    assert all(len(lists[a.pk]) == 12 for a in newest)
    assert all(lists[a.pk] is None for a in oldest)
    # An unranked article's page ranks live: the block is still there.
    assert len(shown_related(client, oldest[-1])) == 6
