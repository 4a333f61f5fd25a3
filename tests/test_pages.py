"""The reader's pages: what the seed article's page shows, the home page's blocks, listings,
error pages, and a fixed number of queries however many articles there are."""

import itertools
import re
from datetime import timedelta
from urllib.parse import quote, unquote, urlsplit

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import views
from articles.models import Article, ArticleQuerySet, Correction
from articles.presentation import MONTHS
from articles.related import linked_article_ids
from ops import faults
from sections.models import Section
from tags.models import Tag

from .dom import parse_html
from .test_demo import SEED_HEADLINE

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.\w+")
ARABIC_DATETIME = re.compile(rf"^\d{{1,2}} ({'|'.join(MONTHS)}) \d{{4}}، \d{{2}}:\d{{2}}$")


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Article.objects.get(headline=SEED_HEADLINE)


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return parse_html(response.content)


def assert_heading_order(doc):
    levels = [int(n.tag[1]) for n in doc.iter() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def assert_no_inline_code_or_foreign_assets(doc):
    for node in doc.iter():
        assert node.tag != "style"
        assert "style" not in node.attrs, node
        assert not any(name.startswith("on") for name in node.attrs), node
        if node.tag == "script" and node.attrs.get("type") != "application/ld+json":
            # JSON-LD is a data block, never executed: a CSP without 'unsafe-inline' allows it.
            assert node.attrs["src"].startswith("/static/")
            # Deferred, except prefs.js: it applies the reader's theme and text size before
            # the first paint (a few lines, no DOM access; DESIGN.md "Reading comfort").
            assert "defer" in node.attrs or node.attrs["src"].startswith("/static/js/prefs.")
            assert not node.text.strip()
        for name in ("src", "srcset") if node.tag != "a" else ():
            assert not urlsplit(node.attrs.get(name) or "").netloc, node
        if node.tag == "link" and node.attrs.get("rel") != "canonical":
            assert not urlsplit(node.attrs["href"]).netloc, node


def test_seed_article_page_shows_every_element_of_a_news_article(client, demo):
    seed = demo
    seed.content_updated_at = seed.published_at + timedelta(minutes=45)
    seed.save()
    doc = page(client, seed.get_absolute_url())

    html = doc.find("html")
    assert html.attrs["lang"] == "ar" and html.attrs["dir"] == "rtl"
    skip = doc.find("a", cls="skip-link")
    assert skip.attrs["href"] == "#main" and doc.one("main").attrs["id"] == "main"
    assert doc.find("body").attrs["id"] == "top"
    header = doc.one("header", cls="site-header")
    assert any(month in header.find("p", cls="today").text for month in MONTHS)
    nav = header.one("nav", **{"aria-label": "الأقسام"})
    expected = [s.name for s in Section.objects.filter(in_navigation=True)]
    assert [a.clean_text for a in nav.find_all("a")][1:] == expected
    footer = doc.one("footer")
    assert [a.clean_text for a in footer.find("nav").find_all("a")] == expected

    article = doc.one("article", cls="article")
    section_link = article.one("p", cls="article-section").one("a")
    assert section_link.text == "الشأن السوري"
    assert section_link.attrs["href"] == seed.section.get_absolute_url()
    assert article.one("p", cls="kicker").text == "معركة سجن الصناعة"
    h1 = doc.one("h1")
    assert h1.text == SEED_HEADLINE  # curly quotes exactly as written
    assert article.one("p", cls="summary").text == seed.summary

    authors = article.one("p", cls="authors")
    author_link = authors.one("a")
    assert author_link.attrs["href"] == "/authors/editor/"
    assert author_link.one("bdi").text == "سارة الأحمد"
    assert "وكالة ستيب الإخبارية" in article.one("p", cls="source").one("bdi").text
    published = article.one("time", cls="published")
    updated = article.one("time", cls="updated")
    for time in (published, updated):
        assert ARABIC_DATETIME.match(time.text), time.text
        assert time.attrs["datetime"].endswith("+03:00")  # Asia/Damascus
    local = timezone.localtime(seed.published_at)
    assert published.text.endswith(f"{local:%H:%M}")

    figure = article.one("figure", cls="lead-image")
    img = figure.one("img")
    assert img.attrs["alt"] and int(img.attrs["width"]) > 0 and int(img.attrs["height"]) > 0
    assert "loading" not in img.attrs  # the lead image is above the fold
    assert figure.one("span", cls="caption").text == SEED_HEADLINE
    assert seed.lead_image.credit in figure.one("span", cls="credit").clean_text

    body = article.one("div", cls="article-body")
    assert [h.text for h in body.find_all("h2")] == [
        "معركة سجن الصناعة في الحسكة",
        "بيانات متناقضة من أطراف المعركة",
    ]
    read_also = body.find_all("p", cls="read-also")
    stored = seed.body.count("اقرأ أيضاً")
    assert stored == 2 and len(read_also) > stored
    linked = [p.one("a").attrs["href"] for p in read_also]
    assert len(set(linked)) == len(linked)
    for p in read_also:
        assert p.children[0].tag == "strong" and p.children[0].text.startswith("اقرأ أيضاً")
        assert client.get(p.one("a").attrs["href"], follow=True).status_code == 200

    tags = article.one("nav", cls="tags")
    assert {unquote(a.attrs["href"]) for a in tags.find_all("a", rel="tag")} == {
        f"/tags/{t.slug}/" for t in seed.tags.all()
    }

    share = article.one("section", cls="share")
    hosts = {urlsplit(a.attrs["href"]).netloc for a in share.find_all("a")}
    assert hosts == {"wa.me", "t.me", "www.facebook.com", "x.com"}
    encoded = quote("http://127.0.0.1:8000" + seed.get_absolute_url(), safe="")
    assert all(encoded in a.attrs["href"] for a in share.find_all("a"))
    copy = share.one("button", cls="copy-link")
    assert "hidden" in copy.attrs  # shown by the script only where copying works
    assert copy.attrs["data-copy-url"].endswith(seed.get_absolute_url())

    related = doc.one("section", cls="related")
    assert related.one("h2").text == "مقالات ذات صلة"
    hrefs = [c.find("h3").find("a").attrs["href"] for c in related.find_all("article")]
    assert hrefs and seed.get_absolute_url() not in hrefs
    # Editors' picks come first, except those the body already links to.
    in_body = linked_article_ids(seed.body)
    picks = {a.get_absolute_url() for a in seed.related.all() if a.pk not in in_body}
    assert set(hrefs[: len(picks)]) == picks

    top = doc.one("a", cls="back-to-top")
    assert top.attrs["href"] == "#top" and "الذهاب إلى الأعلى" in top.text

    for image in doc.find_all("img"):
        assert image.attrs.get("alt"), image
    assert_heading_order(doc)
    assert_no_inline_code_or_foreign_assets(doc)
    assert not EMAIL.search(doc.text)


def test_home_shows_lead_top_stories_latest_and_a_block_per_navigation_section(client, demo):
    Section.objects.filter(name="منوعات").update(in_navigation=False)
    doc = page(client, "/")
    lead = doc.one("section", cls="lead-story").one("article")
    assert "card-lead" in lead.classes
    assert lead.find("h2").clean_text == SEED_HEADLINE  # the newest featured story
    top = doc.one("section", cls="top-stories").find_all("article")
    assert len(top) == views.TOP_STORIES
    featured = {a.headline for a in Article.objects.published().filter(is_featured=True)}
    assert {t.find("h3").clean_text for t in top} <= featured
    latest = doc.one("section", cls="latest").find_all("li")
    assert len(latest) == views.LATEST
    blocks = doc.find_all("section", cls="section-block")
    names = [b.find("h2").clean_text for b in blocks]
    assert names == [s.name for s in Section.objects.filter(in_navigation=True)]
    for block in blocks:
        assert 1 <= len(block.find_all("article")) <= views.PER_SECTION
    assert_heading_order(doc)
    assert_no_inline_code_or_foreign_assets(doc)


def test_breaking_strip_shows_only_public_articles_until_their_end_time(client, make_article):
    now = timezone.now()
    shown = make_article(is_breaking=True, breaking_until=now + timedelta(hours=1))
    forever = make_article(is_breaking=True)
    ended = make_article(is_breaking=True, breaking_until=now - timedelta(minutes=1))
    draft = make_article(is_breaking=True, status=Article.Status.DRAFT)
    doc = page(client, "/")
    strip = doc.one("aside", cls="breaking")
    assert [a.text for a in strip.find_all("a")] == [shown.headline, forever.headline]
    assert ended.headline not in strip.text and draft.headline not in strip.text


def test_no_breaking_strip_without_breaking_news(client, make_article):
    make_article()
    assert not page(client, "/").find_all("aside", cls="breaking")


def test_an_article_page_reads_its_corrections_only_when_it_has_some(client, make_article):
    plain, corrected = make_article(), make_article()
    for text in ("الأول", "الثاني"):
        Correction.objects.create(article=corrected, text=f"تصحيح {text}")

    def render(article):
        with CaptureQueriesContext(connection) as queries:
            doc = page(client, article.get_absolute_url() + "?nocache=1")
        return doc, len(queries)

    doc, without = render(plain)
    assert not doc.find_all("aside", cls="corrections")
    doc, with_corrections = render(corrected)
    notes = doc.one("aside", cls="corrections").find_all("li")
    assert [" ".join(li.text.split()[-2:]) for li in notes] == ["تصحيح الأول", "تصحيح الثاني"]
    assert with_corrections == without + 1


def test_authors_and_tags_come_with_the_article_row_in_a_stable_order(
    client, make_article, make_user, committed
):
    with committed():  # related lists ranked and stored, as saves do: one query each page
        bare = make_article()
        credited = make_article(tags=["نفط", "الحسكة", "سجن غويران"])
    later, first = make_user("zaid", first_name="زيد"), make_user("amal", last_name="حسن")
    credited.authors.add(later)
    credited.authors.add(first)
    credited.authors.add(make_user("noname"))

    def render(article):
        with CaptureQueriesContext(connection) as queries:
            doc = page(client, article.get_absolute_url() + "?nocache=1")
        return doc, [q["sql"] for q in queries]

    doc, bare_queries = render(bare)
    assert not doc.find_all("p", cls="authors") and not doc.find_all("nav", cls="tags")
    doc, credited_queries = render(credited)
    # The article's row, its six cards, the navigation and the breaking strip (the last two
    # remembered under the page cache when it is on); nothing read lazily by the template.
    assert len(credited_queries) == len(bare_queries) == 4
    # Read in the article's own query, not by queries of their own.
    for table in ("auth_user", "tags_tag"):
        reads = [sql for sql in credited_queries if f'"{table}"' in sql]
        assert len(reads) == 1 and '"articles_article"."body"' in reads[0]
    authors = doc.one("p", cls="authors").find_all("a")
    # In the order they were added; a name when the account has one, else the username.
    assert [a.clean_text for a in authors] == ["زيد", "حسن", "noname"]
    assert [a.attrs["href"] for a in authors] == [
        reverse("author", args=[u]) for u in ("zaid", "amal", "noname")
    ]
    tags = doc.one("nav", cls="tags").find_all("a")
    assert [a.clean_text for a in tags] == sorted(["نفط", "الحسكة", "سجن غويران"])
    assert [a.attrs["href"] for a in tags] == [
        Tag.objects.get(name=a.clean_text).get_absolute_url() for a in tags
    ]
    assert all(client.get(a.attrs["href"]).status_code == 200 for a in tags)
    meta = [
        m.attrs["content"] for m in doc.find_all("meta") if m.attrs.get("property") == "article:tag"
    ]
    assert meta == [a.clean_text for a in tags]


def test_navigation_marks_the_page_s_own_section_as_current(client, make_section, make_article):
    politics, sport = make_section(in_navigation=True), make_section(in_navigation=True)
    article = make_article(section=sport)

    def current(path):
        nav = page(client, path).one("nav", cls="site-nav")
        return [a.text for a in nav.find_all("a") if a.attrs.get("aria-current") == "page"]

    assert current(article.get_absolute_url()) == [sport.name]
    assert current(politics.get_absolute_url()) == [politics.name]
    assert current("/") == ["الرئيسية"]
    assert current(f"/search/?q={quote(article.headline.split()[0])}") == []


@pytest.mark.parametrize("name", ["section", "tag", "author"])
def test_listing_pages_paginate_and_bad_page_numbers_are_404(
    client, make_article, editor, monkeypatch, name
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    articles = [make_article(tags=["الحسكة"], authors=[editor]) for _ in range(5)]
    path = {
        "section": articles[0].section.get_absolute_url(),
        "tag": reverse("tag", args=["الحسكة"]),
        "author": reverse("author", args=["editor"]),
    }[name]
    seen = []
    for number in (1, 2, 3):
        doc = page(client, f"{path}?page={number}")
        seen += [c.find("h2").find("a").attrs["href"] for c in doc.find_all("article")]
        assert doc.one("h1")
    assert seen == [a.get_absolute_url() for a in articles]  # newest first, each once
    for bad in ("4", "0", "-1", "x", "1.5", "9" * 30, "٢", "²", ""):
        assert client.get(path, {"page": bad}).status_code == 404, bad


def test_tag_page_is_404_when_no_public_article_carries_the_tag(client, make_article):
    make_article(tags=["سري"], status=Article.Status.DRAFT)
    assert client.get(reverse("tag", args=["سري"])).status_code == 404
    assert client.get(reverse("tag", args=["لا-يوجد"])).status_code == 404


def test_author_pages_exist_only_for_authors_of_public_articles(
    client, make_article, editor, journalist
):
    editor.email, journalist.email = "sara@example.org", "omar@example.org"
    editor.save(), journalist.save()
    article = make_article(authors=[editor])
    make_article(authors=[journalist], status=Article.Status.REVIEW)
    response = client.get(reverse("author", args=["editor"]))
    assert response.status_code == 200
    doc = parse_html(response.content)
    assert doc.one("h1").clean_text == "سارة الأحمد"
    assert [c.find("h2").clean_text for c in doc.find_all("article")] == [article.headline]
    assert not EMAIL.search(response.content.decode())
    assert not EMAIL.search(client.get(article.get_absolute_url()).content.decode())
    unknown = client.get(reverse("author", args=["nobody"]))
    without_public = client.get(reverse("author", args=["journalist"]))
    assert unknown.status_code == without_public.status_code == 404
    assert unknown.content == without_public.content  # no way to tell staff from nobody


def test_related_articles_are_public_picks_first_and_never_the_article_itself(
    make_article, make_section, django_assert_num_queries
):
    from articles.related import related_articles

    other_section = make_section(name="اقتصاد")
    article = make_article(tags=["الحسكة", "قسد"])
    pick = make_article(section=other_section)
    hidden_pick = make_article(section=other_section, status=Article.Status.DRAFT)
    two_tags = make_article(section=other_section, tags=["الحسكة", "قسد"])
    one_tag = make_article(section=other_section, tags=["قسد"])
    same_section = make_article()
    unrelated = make_article(section=other_section)
    article.related.set([pick, hidden_pick])
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    # Tag weights, then the candidates (the weights are remembered when the page cache is on).
    with django_assert_num_queries(2):
        related = related_articles(article)
    assert related == [pick, two_tags, one_tag, same_section]
    assert unrelated not in related and article not in related


def test_missing_page_is_404_in_arabic_with_the_site_look(client, make_section):
    make_section(name="رياضة")
    response = client.get("/لا-توجد/")
    assert response.status_code == 404
    doc = parse_html(response.content)
    assert doc.one("h1").text == "الصفحة غير موجودة"
    assert doc.find("html").attrs["dir"] == "rtl"
    assert "رياضة" in doc.one("nav", **{"aria-label": "الأقسام"}).text


def test_server_error_page_renders_without_touching_the_database(
    client, make_article, monkeypatch, django_assert_num_queries
):
    make_article()

    def broken(self):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(ArticleQuerySet, "published", broken)
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 500
    doc = parse_html(response.content)
    assert doc.one("h1").text == "حدث خطأ غير متوقع"
    assert doc.find("html").attrs["dir"] == "rtl"
    with django_assert_num_queries(0):
        direct = faults.server_error(RequestFactory().get("/"))
    assert direct.status_code == 500


def make_corpus(count, make_article, make_section, make_image, editor, journalist):
    """`count` public articles over 8 sections, each with 3 tags, 2 authors, an image and
    editors' picks, plus non-public ones."""
    sections = [make_section(name=f"قسم الاختبار {count}-{i}") for i in range(8)]
    images = [make_image() for _ in range(5)]
    made = []
    for i in range(count):
        article = make_article(
            section=sections[i % 8],
            lead_image=images[i % 5],
            tags=["الحسكة", f"وسم {i % 7}", f"وسم {i % 11}"],
            authors=[editor, journalist],
            is_featured=i % 9 == 0,
            is_breaking=i % 25 == 0,
        )
        made.append(article)
        if len(made) > 3:
            article.related.set(made[-4:-1])
    make_article(section=sections[0], status=Article.Status.DRAFT, tags=["الحسكة"])
    return made


BUDGETS = {"article": 8, "home": 12, "section": 5, "tag": 5, "author": 5}


def test_every_page_runs_a_fixed_number_of_queries_with_10_and_100_articles(
    client,
    make_article,
    make_section,
    make_image,
    editor,
    journalist,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure(articles):
        article = articles[len(articles) // 2]
        paths = {
            "article": article.get_absolute_url(),
            "home": "/",
            "section": article.section.get_absolute_url(),
            "tag": reverse("tag", args=["الحسكة"]),
            "author": reverse("author", args=["editor"]),
        }
        counts = {}
        for name, path in paths.items():
            with (
                django_assert_max_num_queries(BUDGETS[name]),
                CaptureQueriesContext(connection) as queries,
            ):
                assert client.get(path).status_code == 200, path
            counts[name] = len(queries)
        return counts

    ten = measure(make_corpus(10, make_article, make_section, make_image, editor, journalist))
    more = make_corpus(90, make_article, make_section, make_image, editor, journalist)
    hundred = measure(list(Article.objects.published().order_by("pk")))
    assert len(more) == 90 and Article.objects.published().count() == 100
    assert ten == hundred, (ten, hundred)


def test_home_of_an_empty_site_says_so(client, make_section, make_article):
    make_section(name="رياضة")
    make_article(status=Article.Status.DRAFT)
    doc = page(client, "/")
    assert doc.one("p", cls="empty").text == "لا توجد مقالات منشورة بعد."
    assert not doc.find_all("section", cls="section-block")
