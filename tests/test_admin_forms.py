"""Bad input in the article form gets an Arabic error on the form, never a 500."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article


class ErrorCollector(HTMLParser):
    """Collects the text of Django admin error lists (<ul class="errorlist">)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.errors = []

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "ul" and "errorlist" in classes.split():
            self.depth += 1
            self.errors.append("")

    def handle_endtag(self, tag):
        if tag == "ul" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.errors[-1] += data


def form_errors(response):
    parser = ErrorCollector()
    parser.feed(response.content.decode())
    return [e.strip() for e in parser.errors if e.strip()]


ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw-12345678")
    client.force_login(user)
    return client


def article_form(section, **overrides):
    """The add form as a browser without JavaScript posts it."""
    data = {
        "headline": "عنوان",
        "slug": "",
        "kicker": "",
        "summary": "",
        "body": "<p>نص</p>",
        "section": section.pk if section else "",
        "tags": "الحسكة، قسد",
        "lead_image": "",
        "lead_image_caption": "",
        "byline": "",
        "source": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "expire_at_0": "",
        "expire_at_1": "",
        "content_updated_at_0": "",
        "content_updated_at_1": "",
        "breaking_until_0": "",
        "breaking_until_1": "",
    }
    return data | overrides


def test_valid_article_is_saved_with_arabic_comma_separated_tags(admin_client, make_section):
    section = make_section()
    response = admin_client.post("/admin/articles/article/add/", article_form(section))
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    assert sorted(article.tags.names()) == ["الحسكة", "قسد"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"headline": ""},
        {"section": None},
        {"published_at_0": "2026-13-45", "published_at_1": "25:99"},
        {"published_at_0": "٢٠٢٦/ليس تاريخاً", "published_at_1": "x"},
        {"status": "hacked"},
    ],
)
def test_bad_input_gets_an_arabic_form_error(admin_client, make_section, overrides):
    section = make_section()
    form = article_form(overrides.pop("section", section), **overrides)
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors and all(ARABIC.search(e) for e in errors), errors
    assert Article.objects.count() == 0


def test_duplicate_slug_is_a_form_error(admin_client, make_article, make_section):
    existing = make_article(headline="مقال عن سوريا")
    form = article_form(make_section(), slug=existing.slug)
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    assert any(ARABIC.search(e) for e in form_errors(response))
    assert Article.objects.count() == 1


def test_nonexistent_local_time_is_a_form_error_not_a_silent_shift(admin_client, make_section):
    """Damascus skipped 00:00-01:00 on 2021-03-26 (DST); the time never existed there."""
    form = article_form(make_section(), published_at_0="2021-03-26", published_at_1="00:30:00")
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    errors = form_errors(response)
    assert any("المنطقة الزمنية" in e for e in errors), errors
    assert Article.objects.count() == 0


def test_ambiguous_local_time_is_a_form_error(admin_client, make_section):
    """Damascus repeated 23:00-24:00 on 2021-10-28 when DST ended."""
    form = article_form(make_section(), published_at_0="2021-10-28", published_at_1="23:30:00")
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    assert any("المنطقة الزمنية" in e for e in form_errors(response))


def test_saving_a_change_says_it_was_changed_not_added(admin_client, make_section):
    """Django's Arabic admin says «نجحت إضافة» (added) after every change; the project's own
    catalog (locale/ar/LC_MESSAGES/django.po) corrects that message."""
    from django.contrib.messages import get_messages

    section = make_section(name="رياضة")
    response = admin_client.post(
        f"/admin/sections/section/{section.pk}/change/",
        {"name": "الرياضة", "slug": section.slug, "description": "", "position": 0},
    )
    assert response.status_code == 302, form_errors(response)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("تم تعديل قسم “") and message.endswith("” بنجاح.")
    assert "إضافة" not in message and "الرياضة" in message
