"""Bad input in the article form gets an Arabic error on the form, never a 500."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.body.editor import BODY_MAX_LENGTH
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
    assert message.startswith("تم تعديل قسم «") and message.endswith("» بنجاح.")
    assert "إضافة" not in message and "الرياضة" in message


# Dates: a year PostgreSQL stores (as BC) but cannot give back broke every list showing it.

DATE_FIELDS = ["published_at", "expire_at", "content_updated_at", "breaking_until"]


@pytest.mark.parametrize("field", DATE_FIELDS)
@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_outside_1900_to_2100_is_an_arabic_form_error_keeping_the_text(
    admin_client, make_section, field, day
):
    form = article_form(make_section(), **{f"{field}_0": day, f"{field}_1": "10:00:00"})
    form["body"] = "<p>نص طويل كتبه الصحفي ولا يجوز أن يضيع</p>"
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    errors = form_errors(response)
    assert any("1900" in e and "2100" in e and ARABIC.search(e) for e in errors), errors
    assert Article.objects.count() == 0
    page = response.content.decode()
    assert f'value="{day}"' in page
    assert "نص طويل كتبه الصحفي ولا يجوز أن يضيع" in page


def test_dates_at_the_edges_of_the_range_are_accepted(admin_client, make_section):
    form = article_form(
        make_section(),
        published_at_0="1900-01-01",
        published_at_1="00:00:00",
        expire_at_0="2100-12-31",
        expire_at_1="23:59:00",
    )
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get()
    published, expires = (timezone.localtime(t) for t in (article.published_at, article.expire_at))
    assert (published.year, expires.year) == (1900, 2100)


def test_a_correction_dated_outside_the_range_is_a_form_error(admin_client, make_article):
    from tests.adminform import change_url, form_data

    article = make_article()
    data = form_data(admin_client.get(change_url(article))) | {
        "public_corrections-TOTAL_FORMS": "1",
        "public_corrections-0-text": "ذكرت نسخة سابقة أن العدد 500، والصحيح 5000.",
        "public_corrections-0-published_at_0": "0001-01-01",
        "public_corrections-0-published_at_1": "12:00:00",
    }
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 200
    assert any("1900" in e and ARABIC.search(e) for e in form_errors(response))
    assert not article.public_corrections.exists()
    assert "والصحيح 5000" in response.content.decode()


@pytest.mark.parametrize("field", DATE_FIELDS)
def test_saving_a_date_outside_the_range_is_refused_on_every_path(make_article, field):
    """The shell, an import or a workflow function never reach a form: the model refuses."""
    from datetime import UTC, datetime

    from django.core.exceptions import ValidationError

    article = make_article()
    setattr(article, field, datetime(1, 1, 1, tzinfo=UTC))
    with pytest.raises(ValidationError) as refused:
        article.save()
    assert field in refused.value.message_dict
    with pytest.raises(ValidationError):
        article.full_clean()
    article.refresh_from_db()
    assert getattr(article, field) is None or getattr(article, field).year > 1900


def test_a_correction_dated_outside_the_range_is_refused_by_the_model(make_article):
    from datetime import UTC, datetime

    from django.core.exceptions import ValidationError

    from articles.models import Correction

    correction = Correction(
        article=make_article(), text="تصحيح", published_at=datetime(1, 1, 1, tzinfo=UTC)
    )
    with pytest.raises(ValidationError):
        correction.full_clean()
    with pytest.raises(ValidationError):
        correction.save()
    assert not Correction.objects.exists()


@pytest.mark.parametrize("year", [1, 9999])
def test_scheduling_outside_the_range_is_refused_by_the_workflow(make_article, make_user, year):
    from datetime import UTC, datetime

    from articles import workflow
    from articles.roles import EDITORS

    editor = make_user("desk", EDITORS)
    article = make_article(status=Article.Status.DRAFT, published_at=None)
    with pytest.raises(workflow.TransitionRefused):
        workflow.apply(article, editor, "schedule", at=datetime(year, 6, 1, tzinfo=UTC))
    assert article.published_at is None


def test_restoring_a_revision_with_a_date_outside_the_range_keeps_the_current_date(
    make_article, make_user
):
    """A revision saved before dates were checked may hold year 1: restore keeps the current
    date and says so, instead of failing on save."""
    import json

    import reversion
    from reversion.models import Version

    from articles import workflow
    from articles.roles import EDITORS

    editor = make_user("desk", EDITORS)
    article = make_article(headline="القديم")
    with reversion.create_revision():
        article.save()
    version = Version.objects.get_for_object(article).get()
    data = json.loads(version.serialized_data)
    data[0]["fields"]["published_at"] = "0001-01-01T00:00:00Z"
    version.serialized_data = json.dumps(data)
    version.save()
    published_at = article.published_at
    restored, warnings = workflow.restore(article.pk, version, editor, article.version)
    restored.refresh_from_db()
    assert restored.published_at == published_at
    assert any("وقت النشر" in w and "غير مقبول" in w for w in warnings), warnings


# Tags: a name longer than the column was a 500 mid-save (the article lost); 500 tags took
# 6 s to save.


def test_a_tag_longer_than_the_column_is_an_arabic_form_error_keeping_the_text(
    admin_client, make_section
):
    long_tag = "ب" * 101
    typed = f"الحسكة، {long_tag}"
    form = article_form(make_section(), tags=typed, body="<p>نص الصحفي كاملاً</p>")
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    errors = form_errors(response)
    assert any("100" in e and ARABIC.search(e) for e in errors), errors
    assert Article.objects.count() == 0
    page = response.content.decode()
    assert typed in page and "نص الصحفي كاملاً" in page


def test_a_tag_as_long_as_the_column_is_accepted(admin_client, make_section):
    form = article_form(make_section(), tags="ب" * 100)
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 302, form_errors(response)
    assert list(Article.objects.get().tags.names()) == ["ب" * 100]


def test_more_than_30_tags_is_an_arabic_form_error_keeping_the_text(admin_client, make_section):
    typed = "، ".join(f"وسم {n}" for n in range(31))
    form = article_form(make_section(), tags=typed)
    response = admin_client.post("/admin/articles/article/add/", form)
    assert response.status_code == 200
    errors = form_errors(response)
    assert any("30" in e and ARABIC.search(e) for e in errors), errors
    assert Article.objects.count() == 0
    assert typed in response.content.decode()


def test_30_tags_are_accepted(admin_client, make_section):
    typed = "، ".join(f"وسم {n}" for n in range(30))
    response = admin_client.post(
        "/admin/articles/article/add/", article_form(make_section(), tags=typed)
    )
    assert response.status_code == 302, form_errors(response)
    assert Article.objects.get().tags.count() == 30


# A paste past the body's cap: the cap answers, in Arabic, with the text kept. Browsers send
# the admin form URL-encoded: an Arabic letter is 2 UTF-8 bytes, 6 characters ("%D8%A7").


def post_urlencoded(client, path, data):
    from urllib.parse import urlencode

    return client.post(path, urlencode(data), content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize(
    "letters",
    # Just over the cap; the reported 2 MB paste; the largest paste the limit promises.
    [BODY_MAX_LENGTH + 1, 1_000_000, 5 * BODY_MAX_LENGTH - 1_000],
    ids=["just-over-the-cap", "2MB-paste", "five-times-the-cap"],
)
def test_an_arabic_paste_past_the_body_cap_gets_the_arabic_cap_error_with_the_text_kept(
    admin_client, make_section, letters
):
    marker = "بداية نص الصحفي"
    body = f"<p>{marker} {'ا' * letters}</p>"
    form = article_form(make_section(), body=body)
    response = post_urlencoded(admin_client, "/admin/articles/article/add/", form)
    assert response.status_code == 200
    errors = form_errors(response)
    assert any(f"{BODY_MAX_LENGTH}" in e.replace(",", "") and ARABIC.search(e) for e in errors), (
        errors
    )
    assert Article.objects.count() == 0
    page = response.content.decode()
    assert marker in page and "ا" * letters in page


def test_the_request_limit_lets_a_paste_of_five_times_the_body_cap_reach_the_form(settings):
    """The body's cap must be what answers: the request limit leaves room for a paste of five
    times the cap in worst-case encoded Arabic, plus the other fields."""
    worst_case = 5 * BODY_MAX_LENGTH * len("%D8%A7")
    assert worst_case + 1024 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_request_past_the_limit_gets_the_arabic_400_page(admin_client, make_section, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    form = article_form(make_section(), body="<p>" + "ا" * 2_000 + "</p>")
    response = post_urlencoded(admin_client, "/admin/articles/article/add/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'lang="ar"' in page and "أكبر من" in page
    assert Article.objects.count() == 0


def test_nginx_accepts_every_request_the_application_answers_itself(settings):
    """nginx's client_max_body_size is above Django's request limit and the image cap, so
    whatever the application can answer (the form's errors, the Arabic 400 page) is not cut
    off first by nginx's own English 413 page."""
    from pathlib import Path

    site = (Path(__file__).resolve().parents[1] / "deploy/nginx/newsroom.conf").read_text()
    size = re.search(r"client_max_body_size\s+(\d+)m;", site)
    assert size, "client_max_body_size not found"
    nginx_limit = int(size.group(1)) * 1024 * 1024
    assert nginx_limit > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert nginx_limit >= settings.IMAGE_MAX_UPLOAD_BYTES + 1024 * 1024
