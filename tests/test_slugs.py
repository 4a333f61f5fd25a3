from urllib.parse import quote

import pytest
from django.urls import reverse

from core.arabic import slugify_arabic


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("مقال عن سوريا", "مقال-عن-سوريا"),
        ("العربيـــة", "العربية"),  # tatweel
        ("مَرَّة", "مرة"),  # tashkeel
        ("سوریا", "سوريا"),  # Persian yeh
        ("\u202eسوريا\u200b", "سوريا"),  # bidi override, zero-width space
        ("“داعش” يواصل سيطرته", "داعش-يواصل-سيطرته"),
        ('"><svg onload=alert(1)>', "svg-onloadalert1"),
    ],
)
def test_arabic_slugs_are_normalized(text, slug):
    assert slugify_arabic(text) == slug


def test_slug_is_generated_from_the_headline_and_unique(make_article):
    first = make_article(headline="مقال عن سوريا")
    second = make_article(headline="مقال عن سوريـــا")
    assert first.slug == "مقال-عن-سوريا"
    assert second.slug == "مقال-عن-سوريا-2"


def test_long_headline_gives_a_slug_within_255_characters(make_article):
    headline = ("كلمة " * 60)[:255]
    article = make_article(headline=headline)
    duplicate = make_article(headline=headline)
    assert len(article.slug) <= 255
    assert len(duplicate.slug) <= 255 and duplicate.slug.endswith("-2")


def test_arabic_slug_round_trips_through_reverse_and_raw_and_encoded_urls(client, make_article):
    article = make_article(headline="مقال عن سوريا")
    url = reverse("article", args=[article.pk, article.slug])
    assert url == f"/articles/{article.pk}/{quote('مقال-عن-سوريا')}/"
    assert client.get(url).status_code == 200
    assert client.get(f"/articles/{article.pk}/مقال-عن-سوريا/").status_code == 200


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client, make_article):
    article = make_article(headline="مقال عن سوريا")
    canonical = article.get_absolute_url()
    for path in (f"/articles/{article.pk}/", f"/articles/{article.pk}/slug-قديم/"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == canonical


def test_changed_slug_keeps_the_old_link_working(client, make_article):
    article = make_article(headline="عنوان أول")
    old = article.get_absolute_url()
    article.slug = "عنوان-جديد"
    article.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_section_page_with_arabic_slug(client, make_article, make_section):
    section = make_section(name="الشأن الدولي")
    article = make_article(section=section)
    response = client.get(f"/sections/{quote(section.slug)}/")
    assert response.status_code == 200
    assert article.headline in response.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99", "10" * 10, "1.5"])
def test_section_page_numbers_out_of_range_are_404(client, make_article, page):
    article = make_article()
    response = client.get(article.section.get_absolute_url(), {"page": page})
    assert response.status_code == 404
