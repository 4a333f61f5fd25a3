"""Queries per page stay constant whatever the content (issue 7, "Budgets"): measured with 10
and with 500 articles, each with tags, an author and a lead image.

Pages still being built on other branches are looked up by URL name; a test skips only while
its URL name does not exist (NoReverseMatch), never for any other reason.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleTag
from tags.models import Tag

from .public_urls import article_sitemap_page

BUDGETS = {
    "article": 8,
    "home": 12,
    "section": 5,
    "tag": 5,
    "author": 5,
    "feed": 5,
    "sitemap": 4,
}


@pytest.fixture(params=[10, 500], ids=["10-articles", "500-articles"])
def newsroom(request, make_section, make_image, editor):
    count = request.param
    sections = [make_section() for _ in range(3)]
    images = [make_image() for _ in range(3)]
    tags = [Tag.objects.create(name=f"وسم {n}", slug=f"tag-{n}") for n in range(20)]
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            headline=f"خبر رقم {n}",
            slug=f"budget-{n}",
            summary=f"ملخص {n}",
            body=f"<p>نص الخبر {n}.</p>",
            section=sections[n % 3],
            lead_image=images[n % 3],
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 1),
        )
        for n in range(count)
    )
    ArticleTag.objects.bulk_create(
        ArticleTag(content_object=article, tag=tags[(n + k) % 20])
        for n, article in enumerate(articles)
        for k in range(3)
    )
    Article.authors.through.objects.bulk_create(
        Article.authors.through(article=article, user=editor) for article in articles
    )
    for article in articles[:5]:
        article.related.set(articles[5:8])
    return {
        "article": articles[0],
        "section": sections[0],
        "tag": tags[0],
        "author": editor,
    }


def pages(world):
    return {
        "article": lambda: world["article"].get_absolute_url(),
        "home": lambda: reverse("home"),
        "section": lambda: reverse("section", args=[world["section"].slug]),
        "tag": lambda: reverse("tag", args=[world["tag"].slug]),
        "author": lambda: reverse("author", args=[world["author"].username]),
        "feed": lambda: reverse("feed_latest"),
        # The page holding the article: pages are blocks of ids (articles/sitemaps.py).
        "sitemap": lambda: article_sitemap_page(world["article"]),
    }


@pytest.mark.parametrize("page", BUDGETS)
def test_a_page_stays_within_its_query_budget(
    client, newsroom, page, django_assert_max_num_queries
):
    url = pages(newsroom)[page]()
    with django_assert_max_num_queries(BUDGETS[page]):
        response = client.get(url)
    assert response.status_code == 200


def test_the_last_section_page_stays_within_the_same_budget(
    client, newsroom, django_assert_max_num_queries
):
    section = newsroom["section"]
    last_page = max(1, -(-section.articles.count() // 20))
    url = reverse("section", args=[section.slug]) + f"?page={last_page}"
    with django_assert_max_num_queries(BUDGETS["section"]):
        response = client.get(url)
    assert response.status_code == 200
