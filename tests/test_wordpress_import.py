"""import_wordpress (wpimport/) and the old-URL redirects (redirects/), on the fixture
export tests/wordpress/export.xml, with real image bytes in a temporary uploads folder."""

import io
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from articles.models import Article
from articles.roles import JOURNALISTS
from articles.signals import articles_rewritten
from images.models import Image
from redirects.models import Redirect
from sections.models import Section
from tags.models import Tag
from wpimport import importer as importer_module
from wpimport.models import ImportedItem

from .conftest import jpeg_bytes
from .dom import parse_html

EXPORT = Path(__file__).parent / "wordpress" / "export.xml"
SITE = "https://old.example.com"
SEED = Path("/work/shared/seeds/hasakah-prison-article.txt")
SEED_HEADLINE = (
    "“داعش” يواصل سيطرته بقلب الحسكة و”قسد” تستخدم المدفعية لأول مرّة في معركة غير مسبوقة"
)


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2022" / "01").mkdir(parents=True)
    PILImage.new("RGB", (1200, 800), (180, 60, 40)).save(
        folder / "2022/01/hasakah-prison.jpg", "JPEG", quality=80
    )
    PILImage.new("RGB", (1024, 683), (40, 120, 200)).save(folder / "2022/01/hasakah-map.png")
    return folder


def run_import(*args, export=EXPORT, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(export), *args, stdout=out, stderr=err, **options)
    return out.getvalue()


@pytest.fixture
def imported(db, uploads, committed):
    with committed():  # renditions are built after commit, as for every upload
        report = run_import(uploads=str(uploads))
    return report


def by_wp_id(wp_id):
    item = ImportedItem.objects.get(kind="post", wp_id=wp_id)
    return Article.objects.get(pk=item.object_id)


def count_of(report, name):
    match = re.search(rf"^  {re.escape(name)}: (\d+)$", report, re.M)
    return int(match.group(1)) if match else 0


# --- What maps to what ---------------------------------------------------------------------


def test_the_fixture_imports_every_kind_of_item(imported):
    report = imported
    assert count_of(report, "posts created") == 8
    assert count_of(report, "posts skipped (private)") == 1
    assert count_of(report, "posts skipped (trash)") == 1
    assert count_of(report, "items skipped (type page)") == 1
    assert count_of(report, "sections created") == 3
    assert count_of(report, "tags created") == 3
    assert count_of(report, "images imported") == 2
    assert count_of(report, "read-also links") == 2
    assert count_of(report, "shortcode:caption") == 1
    assert count_of(report, "shortcode:embed") == 1
    assert count_of(report, "shortcode:box") == 1
    assert count_of(report, "shortcode:tie_list") == 1
    assert "[my_widget]: 1" in report  # unknown shortcode, reported
    assert "  paragraph: 12" in report  # Gutenberg blocks counted by kind
    assert "2021/12/صورة-not-here.jpg" in report  # a missing file is named

    # Statuses: publish -> published at its GMT date, future -> scheduled, draft, pending.
    seed = by_wp_id(10)
    assert seed.status == Article.Status.PUBLISHED
    assert seed.published_at.isoformat() == "2022-01-23T10:30:00+00:00"
    assert by_wp_id(13).is_scheduled
    assert by_wp_id(14).status == Article.Status.DRAFT and by_wp_id(14).published_at is None
    assert by_wp_id(15).status == Article.Status.REVIEW
    assert not ImportedItem.objects.filter(kind="post", wp_id__in=[16, 17, 20]).exists()
    assert Article.objects.count() == 8

    # Sections, tags (normalized as ours), the primary category.
    assert seed.section.name == "الشأن السوري" and seed.section.slug == "الشأن-السوري"
    assert by_wp_id(11).section.name == "الحسكة"
    assert sorted(seed.tags.names()) == ["الحسكة", "داعش", "قسد"]
    assert Tag.objects.get(name="الحسكة").slug == "الحسكة"
    assert seed.summary.startswith("تواصلت لليوم الرابع")

    # Authors: inactive journalists without a password, named as in WordPress.
    ahmad = get_user_model().objects.get(username="ahmad")
    assert not ahmad.is_active and not ahmad.has_usable_password()
    assert ahmad.groups.filter(name=JOURNALISTS).exists()
    assert (ahmad.first_name, ahmad.last_name) == ("أحمد", "الخليل")
    layla = get_user_model().objects.get(username="layla")
    assert (layla.first_name, layla.last_name) == ("ليلى", "حسن")  # from the display name
    assert list(seed.authors.all()) == [ahmad]
    assert by_wp_id(19).byline == "ghost"  # an author missing from the export

    # The featured image: re-encoded into our library with its alt text, caption, credit.
    lead = seed.lead_image
    assert lead.alt_text == "دخان فوق سجن الصناعة في الحسكة"
    assert lead.caption == "دخان يتصاعد من محيط سجن الصناعة في حي غويران"
    assert lead.credit == "ستيب الإخبارية / أحمد"
    assert lead.file.name.startswith("images/") and lead.renditions
    with PILImage.open(lead.file.path) as picture:
        assert picture.size == (1200, 800) and not picture.getexif()


def test_bodies_are_converted_and_sanitized(imported):
    classic = by_wp_id(11).body
    assert "[" not in classic.replace("[AFP]", "")  # shortcodes gone, a bracketed word kept
    assert "<p>وقال مراسل [AFP] إن القتال تركز قرب المدخل الشمالي.<br>" in classic
    assert re.search(r'<figure><img src="/media/images/[^"]+\.png" alt="خريطة الحسكة">', classic)
    assert "<figcaption>خريطة توضح محاور الاشتباك</figcaption>" in classic
    assert '<a href="https://www.youtube.com/watch?v=abc123"' in classic
    assert "<p>محتوى أداة قديمة</p>" in classic  # unknown shortcode: content kept
    assert '<a href="/category/news/hasakah/">' in classic  # old-site link made relative
    broken = by_wp_id(18).body
    assert "script" not in broken and "javascript" not in broken
    assert "<td>خلية</td>" in broken
    seed = by_wp_id(10).body
    assert "<!--" not in seed and "wp-block" not in seed and "old.example.com" not in seed


def test_the_link_pass_announces_the_bodies_it_rewrote(db, uploads, committed):
    """bulk_update sends no save signal: the edge hears of the rewritten bodies so."""
    rewritten = []

    def heard(sender, pks, **kwargs):
        rewritten.extend(pks)

    articles_rewritten.connect(heard)
    try:
        with committed():
            run_import(uploads=str(uploads))
    finally:
        articles_rewritten.disconnect(heard)
    assert by_wp_id(10).pk in rewritten  # the seed's read-also links were resolved


def test_a_duplicate_slug_gets_a_suffix_and_is_reported(imported):
    assert by_wp_id(11).slug == "الاشتباكات-على-أشدها-لليوم-الثالث"
    assert by_wp_id(19).slug == "الاشتباكات-على-أشدها-لليوم-الثالث-2"
    assert "(duplicate slug)" in imported


def test_the_seed_like_article_page_shows_its_h2s_read_also_links_and_lead_image(client, imported):
    seed = by_wp_id(10)
    assert seed.headline == SEED_HEADLINE
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    doc = parse_html(response.content)
    article = doc.one("article", cls="article")
    assert doc.one("h1").text == SEED_HEADLINE
    seed_lines = SEED.read_text(encoding="utf-8").splitlines()
    h2s = [h2.clean_text for h2 in article.find_all("h2")]
    assert h2s[:2] == ["معركة سجن الصناعة في الحسكة", "بيانات متناقضة من أطراف المعركة"]
    assert all(h2 in seed_lines for h2 in h2s[:2])
    read_also = article.find_all("p", cls="read-also")
    targets = {a.attrs["href"] for p in read_also for a in p.find_all("a")}
    assert by_wp_id(11).get_absolute_url() in targets
    assert by_wp_id(12).get_absolute_url() in targets
    texts = [p.clean_text for p in read_also]
    assert any("الاشتباكات على أشدها لليوم الثالث" in text for text in texts)
    figure = article.one("figure", cls="lead-image")
    img = figure.one("img")
    assert img.attrs["alt"] == "دخان فوق سجن الصناعة في الحسكة"
    assert figure.one("span", cls="credit").clean_text == "الصورة: ستيب الإخبارية / أحمد"
    assert media_file(img.attrs["src"]).is_file()
    body_img = [i for i in article.find_all("img") if "خريطة" in i.attrs.get("alt", "")]
    assert body_img and body_img[0].attrs["src"].startswith("/media/images/")
    assert media_file(body_img[0].attrs["src"]).is_file()


def media_file(url):
    from django.conf import settings

    assert url.startswith(settings.MEDIA_URL)
    return Path(settings.MEDIA_ROOT) / url.removeprefix(settings.MEDIA_URL)


# --- Old URLs --------------------------------------------------------------------------------


def old_post_urls():
    """Every post's <link> in the fixture, as the export writes it."""
    text = EXPORT.read_text(encoding="utf-8")
    items = re.findall(r"<item>(.*?)</item>", text, re.S)
    urls = {}
    for item in items:
        wp_id = int(re.search(r"<wp:post_id>(\d+)<", item).group(1))
        kind = re.search(r"<wp:post_type><!\[CDATA\[(\w+)\]\]>", item).group(1)
        status = re.search(r"<wp:status><!\[CDATA\[([\w-]+)\]\]>", item).group(1)
        urls[wp_id] = (kind, status, re.search(r"<link>(.*?)</link>", item).group(1))
    return urls


def variants(path):
    """The ways the same old address reaches us: with and without the trailing slash, the
    percent-encoding in lower and upper case, and decoded."""
    bare = path.rstrip("/") or "/"
    upper = re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), bare)
    decoded = quote(urlsplit(bare).path.encode().decode(), safe="/%")
    return {bare, bare + "/", upper + "/", decoded}


def assert_redirects_to_a_live_page(client, path, expected=None):
    response = client.get(path)
    assert response.status_code == 301, (path, response.status_code)
    location = response.headers["Location"]
    if expected is not None:
        assert location == expected, (path, location)
    assert client.get(location).status_code == 200, (path, location)
    return location


def test_every_old_url_in_the_fixture_answers_301_to_a_page_that_answers_200(client, imported):
    for user in get_user_model().objects.filter(username__in=["ahmad", "layla"]):
        user.is_active = True  # what an administrator's invitation does
        user.save()
    checked = 0
    published = []
    for wp_id, (kind, status, link) in old_post_urls().items():
        if kind != "post" or status != "publish":
            continue
        published.append(wp_id)
        target = by_wp_id(wp_id).get_absolute_url()
        path = urlsplit(link).path
        for variant in variants(path):
            assert_redirects_to_a_live_page(client, variant, target)
            checked += 1
        assert_redirects_to_a_live_page(client, f"/?p={wp_id}", target)
        assert_redirects_to_a_live_page(client, path + "feed/", target)  # comments feed
        assert_redirects_to_a_live_page(client, path + "amp/", target)
    assert published == [10, 11, 12, 18, 19] and checked >= 5 * 2

    syrian = Section.objects.get(name="الشأن السوري")
    hasakah = Section.objects.get(name="الحسكة")
    tag = Tag.objects.get(name="الحسكة")
    section_pages = {
        "/category/%d8%a7%d9%84%d8%b4%d8%a3%d9%86-%d8%a7%d9%84%d8%b3%d9%88%d8%b1%d9%8a/": syrian,
        "/category/news/hasakah/": hasakah,
        "/category/hasakah": hasakah,
        "/?cat=3": syrian,
        "/?cat=5": hasakah,
    }
    for path, section in section_pages.items():
        assert_redirects_to_a_live_page(client, path, section.get_absolute_url())
    assert_redirects_to_a_live_page(client, "/category/news/hasakah/page/1/")
    tag_url = tag.get_absolute_url()
    assert_redirects_to_a_live_page(client, "/tag/%d8%a7%d9%84%d8%ad%d8%b3%d9%83%d8%a9/", tag_url)
    assert_redirects_to_a_live_page(client, "/tag/%D8%A7%D9%84%D8%AD%D8%B3%D9%83%D8%A9", tag_url)
    assert_redirects_to_a_live_page(client, "/?tag=%d8%a7%d9%84%d8%ad%d8%b3%d9%83%d8%a9", tag_url)
    # Feeds go to the matching feed.
    assert_redirects_to_a_live_page(client, "/feed/", "/feeds/latest/")
    assert_redirects_to_a_live_page(client, "/?feed=rss2", "/feeds/latest/")
    assert_redirects_to_a_live_page(client, "/comments/feed/", "/feeds/latest/")
    feed = f"/feeds/sections/{quote(hasakah.slug)}/"
    assert_redirects_to_a_live_page(client, "/category/news/hasakah/feed/", feed)
    assert_redirects_to_a_live_page(
        client,
        "/tag/%d8%a7%d9%84%d8%ad%d8%b3%d9%83%d8%a9/feed/atom/",
        f"/feeds/tags/{quote(tag.slug)}/",
    )
    # Authors, attachment pages.
    for path in ("/author/ahmad/", "/?author=2", "/author/layla"):
        assert_redirects_to_a_live_page(client, path)
    assert_redirects_to_a_live_page(client, "/?attachment_id=101", by_wp_id(10).get_absolute_url())
    attachment_page = urlsplit(old_post_urls()[101][2]).path
    assert_redirects_to_a_live_page(client, attachment_page, by_wp_id(10).get_absolute_url())


def test_an_unknown_old_url_is_a_normal_404(client, imported):
    for path in ("/2022/01/no-such-story/", "/category/nothing/", "/x/?p=abc", "/tag/x/feed/"):
        response = client.get(path)
        assert response.status_code == 404, path
    # A query form with an unknown id is the home page, as before.
    assert client.get("/?p=999999").status_code == 200


def test_redirects_never_reveal_what_is_not_public(client, imported):
    for wp_id in (13, 14, 15):  # scheduled, draft, review
        article = by_wp_id(wp_id)
        for path in (f"/?p={wp_id}", f"/?p={wp_id}&foo=1"):
            response = client.get(path)
            assert response.status_code == 200  # the home page, not the article
            assert article.slug not in response.content.decode()
            assert "Location" not in response.headers
    assert client.get("/2030/01/scheduled-story/").status_code == 404
    # Unpublishing an article later turns its old URLs into 404s, at request time.
    seed = by_wp_id(10)
    seed.status = Article.Status.UNPUBLISHED
    seed.save()
    response = client.get("/?p=10")
    assert "Location" not in response.headers
    assert client.get(urlsplit(old_post_urls()[10][2]).path).status_code == 404
    # Authors stay inactive until invited: their archives are a plain 404 (no enumeration).
    assert client.get("/author/ahmad/").status_code == 404
    # A tag only drafts carry is not revealed either.
    draft = by_wp_id(14)
    draft.tags.set(["وسم-المسودة"])
    tag = Tag.objects.get(name="وسم-المسودة")
    Redirect.objects.create(old_path="/tag/draft-only/", tag=tag)
    assert client.get("/tag/draft-only/").status_code == 404


def test_normal_pages_never_query_the_redirects(client, imported):
    seed = by_wp_id(10)
    for path in ("/", seed.get_absolute_url(), seed.section.get_absolute_url(), "/?page=1"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert not [q for q in queries if "redirects_redirect" in q["sql"]], path
    with CaptureQueriesContext(connection) as queries:
        client.get("/?p=10")
    assert len([q for q in queries if "redirects_redirect" in q["sql"]]) == 1


def test_editors_see_and_extend_the_redirects_in_the_admin(client, imported, make_user):
    from articles.roles import EDITORS

    editor = make_user("chief", EDITORS)
    client.force_login(editor)
    listing = client.get("/admin/redirects/redirect/")
    assert listing.status_code == 200
    assert "/?p=10" in listing.content.decode()
    section = Section.objects.get(name="أخبار")
    response = client.post(
        "/admin/redirects/redirect/add/",
        {"old_path": "/%d8%ac%d8%af%d9%8a%d8%af/", "section": section.pk, "target_url": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Redirect.objects.get(old_path="/جديد").origin == Redirect.Origin.EDITOR
    client.logout()
    assert_redirects_to_a_live_page(client, "/جديد/", section.get_absolute_url())
    # Two targets, or none: an Arabic error.
    with pytest.raises(ValidationError, match="وجهة واحدة"):
        Redirect(old_path="/x/", section=section, target_url="/y/").full_clean()
    with pytest.raises(ValidationError, match="يبدأ بـ"):
        Redirect(old_path="/x/", target_url="javascript:alert(1)").full_clean()


# --- Re-running, dry runs, interruptions --------------------------------------------------------


def table_counts():
    return (
        Article.objects.count(),
        Image.objects.count(),
        Section.objects.count(),
        Tag.objects.count(),
        get_user_model().objects.count(),
        Redirect.objects.count(),
        ImportedItem.objects.count(),
    )


def test_running_again_duplicates_nothing_and_a_newer_export_updates(imported, uploads, tmp_path):
    before = table_counts()
    again = run_import(uploads=str(uploads))
    assert table_counts() == before
    assert count_of(again, "posts unchanged") == 8
    assert count_of(again, "posts created") == 0

    newer = EXPORT.read_text(encoding="utf-8").replace(
        "بث تنظيم داعش تسجيلاً مصوراً", "بث التنظيم تسجيلاً مصوراً جديداً"
    )
    extra = re.search(r"\t<item>\s*<title><!\[CDATA\[خبر آخر بالمعرّف.*?</item>\n", newer, re.S)
    newer = newer.replace(
        "</channel>",
        extra.group(0)
        .replace("<wp:post_id>19<", "<wp:post_id>21<")
        .replace("?p=19", "?p=21")
        .replace("-2/</link>", "-3/</link>")
        + "</channel>",
    )
    path = tmp_path / "newer.xml"
    path.write_text(newer, encoding="utf-8")
    report = run_import(uploads=str(uploads), export=path)
    assert count_of(report, "posts updated") == 1
    assert count_of(report, "posts created") == 1
    assert count_of(report, "posts unchanged") == 7
    assert "جديداً" in by_wp_id(12).body
    assert Article.objects.count() == before[0] + 1
    assert by_wp_id(21).slug == "الاشتباكات-على-أشدها-لليوم-الثالث-3"


def test_dry_run_reports_and_writes_nothing(db, uploads, settings):
    report = run_import(uploads=str(uploads), dry_run=True)
    assert "--dry-run" in report
    assert count_of(report, "posts created") == 8
    assert count_of(report, "images (dry run: would be imported)") == 2
    assert Article.objects.count() == 0 and Redirect.objects.count() == 0
    assert Section.objects.count() == 0 and ImportedItem.objects.count() == 0
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_an_interrupted_import_resumes_without_duplicates(db, uploads, monkeypatch):
    real = importer_module.Importer.import_one
    seen = []

    def interrupted(self, item, savepoints=True):
        seen.append(item.wp_id)
        if len(seen) == 5:
            raise KeyboardInterrupt
        return real(self, item, savepoints)

    monkeypatch.setattr(importer_module.Importer, "import_one", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_import(uploads=str(uploads), batch_size=2)
    # Two batches of two committed; the third (the interrupted one) rolled back whole.
    assert ImportedItem.objects.filter(kind="post").count() == 4
    assert Article.objects.count() == 4
    monkeypatch.setattr(importer_module.Importer, "import_one", real)
    report = run_import(uploads=str(uploads), batch_size=2)
    assert count_of(report, "posts unchanged") == 4
    assert count_of(report, "posts created") == 4
    assert Article.objects.count() == 8
    assert Image.objects.count() == 2


def test_a_post_that_fails_midway_is_rolled_back_alone(db, uploads, monkeypatch):
    real = Article.save

    def failing_save(self, *args, **kwargs):
        real(self, *args, **kwargs)
        if self.headline.startswith("خبر آخر بالمعرّف"):
            raise DatabaseError("simulated failure after the row was written")

    monkeypatch.setattr(Article, "save", failing_save)
    report = run_import(uploads=str(uploads))
    assert not Article.objects.filter(headline__startswith="خبر آخر بالمعرّف").exists()
    assert not ImportedItem.objects.filter(kind="post", wp_id=19).exists()
    assert "مقال 19" in report and "DatabaseError" in report
    assert Article.objects.count() == 7
    assert "Traceback" not in report


# --- Bad input ------------------------------------------------------------------------------


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def assert_refused(path, message, **options):
    with pytest.raises(CommandError, match=message) as raised:
        run_import(export=path, **options)
    assert "Traceback" not in str(raised.value)
    assert Article.objects.count() == 0 and Section.objects.count() == 0
    assert get_user_model().objects.count() == 0
    return str(raised.value)


def test_a_truncated_export_is_refused_before_anything_is_written(db, tmp_path):
    text = EXPORT.read_bytes()
    path = write(tmp_path, "cut.xml", text[: int(len(text) * 0.7)])
    message = assert_refused(path, "انقطع قبل نهايته")
    assert "XML parse error" in message


def test_files_that_are_not_wordpress_exports_are_refused(db, tmp_path):
    rss = write(
        tmp_path,
        "feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>خلاصة</title>'
        "<item><title>خبر</title></item></channel></rss>",
    )
    assert_refused(rss, "ليس ملف تصدير من ووردبريس")
    page = write(tmp_path, "page.xml", "<html><body><p>صفحة</p></body></html>")
    assert_refused(page, "ليس ملف تصدير من ووردبريس")
    garbage = write(tmp_path, "image.xml", jpeg_bytes())
    assert_refused(garbage, "ليس XML سليماً")
    empty = write(tmp_path, "empty.xml", "")
    assert_refused(empty, "ليس XML سليماً")
    with pytest.raises(CommandError, match="تعذّر فتح ملف التصدير"):
        run_import(export=tmp_path / "missing.xml")


def test_an_xml_bomb_and_external_entities_are_refused(db, tmp_path):
    lol = "".join(
        f'<!ENTITY lol{n} "{"&lol" + str(n - 1) + ";" * 1}' + f'{("&lol" + str(n - 1) + ";") * 9}">'
        for n in range(1, 10)
    )
    bomb = write(
        tmp_path,
        "bomb.xml",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{lol}]>'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version><title>&lol9;</title></channel></rss>",
    )
    message = assert_refused(bomb, "قنبلة XML")
    assert "EntitiesForbidden" in message
    secret = write(tmp_path, "secret.txt", "SECRET-5c1e")
    external = write(
        tmp_path,
        "external.xml",
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version><title>&x;</title></channel></rss>",
    )
    assert "SECRET-5c1e" not in assert_refused(external, "كيانات XML")


def one_post_export(tmp_path, content, attachment_url=None, name="one.xml"):
    """The fixture's channel with only post 12 (and, if given, an attachment it features)."""
    text = EXPORT.read_text(encoding="utf-8")
    head = text[: text.index("\t<item>")]
    post = re.search(r"\t<item>(?:(?!</item>).)*?<wp:post_id>12<.*?</item>\n", text, re.S)
    post = post.group(0)
    post = re.sub(
        r"<content:encoded><!\[CDATA\[.*?\]\]></content:encoded>",
        lambda m: f"<content:encoded><![CDATA[{content}]]></content:encoded>",
        post,
        flags=re.S,
    )
    items = post
    if attachment_url:
        attachment = re.search(
            r"\t<item>(?:(?!</item>).)*?<wp:post_id>104<.*?</item>\n", text, re.S
        )
        items = (
            attachment.group(0).replace(
                "https://old.example.com/wp-content/uploads/2021/12/%d8%b5%d9%88%d8%b1%d8%a9-not-here.jpg",
                attachment_url,
            )
            + post
        )
    return write(tmp_path, name, head + items + "</channel>\n</rss>\n")


def test_a_body_over_the_size_limit_is_a_counted_skip_with_a_clear_message(db, tmp_path):
    huge = "<p>" + "نص طويل جداً " * 400_000 + "</p>"  # about 5 MB
    assert len(huge.encode()) > 5_000_000
    path = one_post_export(tmp_path, huge)
    report = run_import(export=path)
    assert count_of(report, "posts skipped (invalid)") == 1
    assert "والحد الأقصى 500,000 حرف" in report and "(body too large)" in report
    assert Article.objects.count() == 0


def test_an_attachment_outside_the_uploads_folder_is_never_read(db, tmp_path, uploads):
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(jpeg_bytes())  # a real picture: only the path check stops it
    for url in (
        f"{SITE}/wp-content/uploads/../secret.jpg",
        f"{SITE}/wp-content/uploads/%2e%2e/secret.jpg",
        f"{SITE}/wp-content/uploads/2022/../../secret.jpg",
    ):
        path = one_post_export(tmp_path, "<p>نص</p>", attachment_url=url)
        report = run_import(export=path, uploads=str(uploads))
        assert "path traversal refused" in report, url
        assert Image.objects.count() == 0
    assert by_wp_id(12).lead_image is None


def test_without_images_the_posts_still_import(db, uploads):
    report = run_import(uploads=str(uploads), no_images=True)
    assert count_of(report, "posts created") == 8
    assert Image.objects.count() == 0
    assert count_of(report, "body images left out (--no-images)") >= 2
    assert by_wp_id(10).lead_image is None and "<img" not in by_wp_id(10).body


def test_a_category_map_merges_categories_into_one_section(db, uploads, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text('{"hasakah": "أخبار"}', encoding="utf-8")
    run_import(uploads=str(uploads), category_map=str(mapping))
    assert by_wp_id(11).section.name == "أخبار"
    assert not Section.objects.filter(name="الحسكة").exists()
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CommandError, match="ملف ربط التصنيفات"):
        run_import(uploads=str(uploads), category_map=str(bad))
