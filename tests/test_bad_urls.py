"""Bad input in URLs never reaches a 500 (THREATS WEB-11): every URL pattern of the URLconf,
public and admin (as a superuser; public ones anonymously too), with hostile values in each
path parameter and in the query parameters views commonly read."""

import re
from types import SimpleNamespace

import pytest
import reversion
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from reversion.models import Version

from articles.models import Article

# Already percent-encoded, as they travel in a URL.
BAD_VALUES = {
    "nul": "%00",
    "superscript-two": "%C2%B2",  # "²".isdigit() is True, int("²") fails
    "overlong-utf8": "%C0%AF",
    "invalid-utf8": "%FF%FE",
    "huge-number": "9" * 25,  # past a 64-bit integer
    "overlong": "%D8%A8" * 2000,
}
QUERY_PARAMS = ["q", "page", "term", "id", "from", "to", "section", "status__exact", "published_at"]
# Route converters <int:pk>, regex groups (?P<name>...) and unnamed groups (\d+), ([^/]+).
ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<(\w+)>)?([^)]*)\)")
ADMIN_MODEL = re.compile(r"^admin/(\w+)/(\w+)/")


def walk(patterns, prefix=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, (*prefix, pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (*prefix, pattern)


def route(parts):
    """The pattern as one string, a regex segment's anchors dropped."""
    text = ""
    for part in parts:
        part = part.pattern if isinstance(part, URLPattern) else part
        piece = str(part)
        if isinstance(part, RegexPattern):
            piece = piece.removeprefix("^").removesuffix("$")
        text += piece
    return text


def params_of(text):
    """[(start, end, name)] of every parameter in a route string."""
    found = [(m.start(), m.end(), m.group(1)) for m in ROUTE_PARAM.finditer(text)]
    for m in REGEX_GROUP.finditer(text):
        name = m.group(1) or ("version_id" if m.group(2) == r"\d+" else "object_id")
        found.append((m.start(), m.end(), name))
    return sorted(found)


def build(text, values):
    """The route with each parameter replaced by values[name] (percent-encoded already)."""
    out, last = "", 0
    for start, end, name in params_of(text):
        out += text[last:start] + values[name]
        last = end
    return "/" + out + text[last:]


# (route, URL name) of every pattern. Read with DEBUG off, as tests run: the URLconf is
# imported once, and reading it here, at collection, must not add the DEBUG-only media view
# to every later test's URLconf.
with override_settings(DEBUG=False):
    PATTERNS = sorted(
        {(route(parts), parts[-1].name) for parts in walk(get_resolver().url_patterns)}
    )


@pytest.fixture
def world(make_article, make_image, make_section):
    from urllib.parse import quote

    # No password: hashing one is most of a test's set-up, and force_login needs none.
    chief = get_user_model().objects.create_superuser("chief", "chief@example.com", None)
    section = make_section(name="الحسكة")
    article = make_article(
        section=section, tags=["الحسكة"], authors=[chief], lead_image=make_image()
    )
    with reversion.create_revision():
        article.save()
        reversion.set_user(chief)
    version = Version.objects.get_for_object(article).get()
    valid = {
        "pk": str(article.pk),
        "object_id": str(article.pk),
        "id": str(chief.pk),
        "slug": quote(section.slug),
        "username": "chief",
        "token": quote(article.preview_token()),
        "version_id": str(version.pk),
        "content_type_id": str(ContentType.objects.get_for_model(Article).pk),
        "app_label": "articles",
        "section": "articles",
        "url": "x",
    }
    admin = Client()
    admin.force_login(chief)
    admin.raise_request_exception = False
    anonymous = Client(raise_request_exception=False)
    return SimpleNamespace(valid=valid, admin=admin, anonymous=anonymous)


def valid_values(world, text):
    """Valid path values for a pattern: under an admin model's URLs, its first object."""
    values = dict(world.valid)
    model = ADMIN_MODEL.match(text)
    try:
        model = apps.get_model(*model.groups()) if model else None
    except LookupError:  # admin/password_change/done/ and the like
        model = None
    first = model.objects.order_by("pk").first() if model else None
    if first is not None:
        values["object_id"] = str(first.pk)
    return values


def urls_for(world, text, name):
    """Every URL to try for one pattern: each path parameter bad in turn (the others valid),
    then the valid URL with bad query parameters. An admin changelist gets each parameter
    alone, since it reads every parameter as a filter and refuses a bad one before the rest,
    and so does the admin's autocomplete (a bad page number would hide a bad term); other
    views read the parameters they know and ignore the others, so they get all of them in
    one request per bad value (one at a time everywhere took two minutes)."""
    values = valid_values(world, text)
    for param in sorted({param for _, _, param in params_of(text)}):
        for bad in BAD_VALUES.values():
            yield build(text, values | {param: bad})
    base = build(text, values)
    if text == "admin/autocomplete/":
        base += "?app_label=articles&model_name=article&field_name=related&"
    else:
        base += "?"
    for bad in BAD_VALUES.values():
        if name == "autocomplete" or (name or "").endswith("_changelist"):
            yield from (f"{base}{param}={bad}" for param in QUERY_PARAMS)
        else:
            yield base + "&".join(f"{param}={bad}" for param in QUERY_PARAMS)


def test_the_walk_covers_the_public_site_and_the_admin():
    names = {name for _, name in PATTERNS}
    assert len(PATTERNS) > 60
    assert {"home", "article", "article_preview", "author", "feed_tag", "sitemap_news"} <= names
    assert {"articles_article_changelist", "articles_article_add", "autocomplete"} <= names
    assert {"articles_article_compare", "image_picker", "editor_article_search"} <= names


@pytest.mark.parametrize(("text", "name"), PATTERNS, ids=[text for text, _ in PATTERNS])
def test_no_url_pattern_answers_500_to_bad_input(world, text, name):
    clients = [world.admin]
    if not text.startswith(("admin/", "editor/")):
        clients.append(world.anonymous)
    failures = []
    for url in urls_for(world, text, name):
        for client in clients:
            status = client.get(url).status_code
            if status >= 500:
                failures.append((status, url[:120]))
    assert failures == []


# The inputs issue 17 reported, each with the answer it must get.
REPORTED = [
    ("/preview/%C2%B2/", {404}),
    ("/authors/%00/", {400}),
    ("/admin/articles/article/?q=%C2%B2", {200}),
    ("/admin/articles/article/?status__exact=%00", {400}),
    ("/editor/images/?q=%00", {400}),
    ("/editor/articles/?q=%00", {400}),
    (
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=related&term=%00",
        {400},
    ),
    ("/admin/articles/article/add/?section=%00", {400}),
    ("/admin/articles/article/add/?section=%C2%B2", {200}),
    ("/admin/articles/article/add/?authors=abc", {200}),
    ("/admin/articles/article/add/?lead_image=" + "9" * 25, {200}),
    ("/admin/articles/article/add/?published_at=zzz", {200}),
    ("/admin/articles/article/?section=" + "9" * 25, {400}),
]


@pytest.mark.parametrize(("url", "statuses"), REPORTED, ids=[url[:60] for url, _ in REPORTED])
def test_reported_bad_inputs_get_a_clear_answer(world, url, statuses):
    assert world.admin.get(url).status_code in statuses


def test_a_nul_in_the_url_gets_the_arabic_400_page(world):
    for url in ["/authors/%00/", "/search/?q=%00", "/?page=1%00"]:
        response = world.anonymous.get(url)
        assert response.status_code == 400
        page = response.content.decode()
        assert 'lang="ar"' in page and "تعذّر فهم هذا الطلب" in page
        assert response["Content-Security-Policy"]  # the security headers still apply


def test_the_add_form_still_takes_usable_initial_values(world):
    article = Article.objects.get()
    response = world.admin.get(
        f"/admin/articles/article/add/?section={article.section_id}"
        "&published_at=2026-03-01%2010:30&headline=%D8%B9%D9%86%D9%88%D8%A7%D9%86"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{article.section_id}" selected>' in page
    assert 'value="2026-03-01"' in page and 'value="10:30:00"' in page
    assert 'value="عنوان"' in page
