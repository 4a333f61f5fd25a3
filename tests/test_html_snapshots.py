"""Reader pages render byte-for-byte the HTML stored in tests/snapshots/.

A guard for refactorings that must not change what readers get (moving modules between
packages, replacing the query layer): a fixed scene is rendered through the test client and
compared with the snapshot, after only what legitimately changes from run to run is
normalised (see `normalise`). Any other difference in markup or text fails, with a diff.

When a change to a page is intended, rewrite the snapshots and review their diff:

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_html_snapshots.py
"""

import difflib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from articles.demo import SEED_FILE, parse_seed, render_blocks, unquote
from articles.models import Correction
from images.models import Image

from .conftest import jpeg_bytes

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"

# What varies between two runs on the same code, and nothing else:
# - a media file's name is a fresh uuid under the upload's year and month
#   (images/2026/11/<hex>.jpg, renditions/2026/11/<hex>/w640.webp): the uuid becomes the
#   image's title in the scene, the year and month YYYY/MM; the rest (width, format) stays;
MEDIA_NAME = re.compile(r"\b(images|renditions)/\d{4}/\d{2}/([0-9a-f]{32})\b")
# - the header shows today's date;
TODAY = re.compile(r'(<p class="today"><time datetime=")[^"]*(">)[^<]*(</time>)')
# - CSP nonces are per request (reader pages carry none today);
NONCE = re.compile(r'\bnonce="[^"]*"')
# - with DJANGO_DEBUG off, static URLs carry the manifest's content hash (site.3f2a9c1b7e4d.css).
STATIC_HASH = re.compile(r"(/static/[^\"' ]+?)\.[0-9a-f]{12}(\.\w+)\b")
# Database ids are not normalised: the scene gives every article and section a fixed id.
# The renditions' formats depend on Pillow's AVIF support (Pillow is pinned in requirements.txt).


def normalise(html, image_labels):
    html = MEDIA_NAME.sub(lambda m: f"{m[1]}/YYYY/MM/{image_labels[m[2]]}", html)
    html = TODAY.sub(r"\1TODAY\2TODAY\3", html)
    html = NONCE.sub('nonce="NONCE"', html)
    return STATIC_HASH.sub(r"\1\2", html)


def at(day, hour, minute=0):
    return datetime(2022, 1, day, hour, minute, tzinfo=UTC)


def lead_image(label, size, colour, **fields):
    """A library image from real JPEG bytes. `label` is its title, which readers never see;
    snapshots show it in place of the generated file name."""
    image = Image(title=label, **fields)
    image.file.save("photo.jpg", ContentFile(jpeg_bytes(size, colour)), save=False)
    image.save()
    return image


@pytest.fixture
def scene(settings, committed, make_section, make_article, journalist, editor):
    """The seed article, its follow-ups and a few other stories, published on fixed dates in
    January 2022, each with a fixed id. Built as a committed transaction, so the images'
    renditions and the related lists are made as in production. Returns the seed article."""
    settings.SITE_URL = "https://newsroom.example"
    settings.SITE_NAME = "نيوزروم"
    settings.TIME_ZONE = "Asia/Damascus"
    with committed():
        syria = make_section(
            pk=101,
            name="الشأن السوري",
            slug="الشأن-السوري",
            position=0,
            description="أخبار ومستجدات الساحة السورية الميدانية والسياسية.",
        )
        world = make_section(pk=102, name="الشأن الدولي", slug="الشأن-الدولي", position=1)
        economy = make_section(pk=103, name="اقتصاد", slug="اقتصاد", position=2)
        make_section(pk=104, name="أرشيف", slug="أرشيف", position=3, in_navigation=False)

        day3 = make_article(
            pk=201,
            section=syria,
            headline="الاشتباكات على أشدها لليوم الثالث بين قوات قسد وتنظيم داعش مخلفةً قتلى وجرحى",
            summary="معارك عنيفة في محيط سجن الصناعة لليوم الثالث.",
            body="<p>تواصلت المعارك في حي غويران.</p>",
            published_at=at(22, 9, 15),
            is_featured=True,
            lead_image=lead_image("clashes", (800, 450), (90, 90, 120), alt_text="دخان فوق الحي"),
            tags=["الحسكة", "قسد", "داعش"],
            authors=[editor],
        )
        video = make_article(
            pk=202,
            section=syria,
            headline="“داعش” يبثّ فيديو عن اقتحام سجن غويران بمدينة الحسكة",
            summary="التنظيم ينشر تسجيلاً مصوراً من داخل السجن.",
            body="<p>نشر التنظيم تسجيلاً مصوراً.</p>",
            published_at=at(21, 18, 40),
            tags=["الحسكة", "داعش"],
            byline="مراسل الحسكة",
        )
        make_article(
            pk=203,
            section=world,
            headline="المبعوث الأممي يدعو إلى استئناف اجتماعات اللجنة الدستورية",
            summary="دعوة جديدة إلى استئناف المسار السياسي.",
            body="<p>دعا المبعوث الأممي الأطراف إلى العودة.</p>",
            published_at=at(20, 12),
            is_breaking=True,
            tags=["الأمم المتحدة"],
            authors=[journalist],
        )
        fuel = make_article(
            pk=204,
            section=economy,
            headline="ارتفاع أسعار المحروقات في مناطق شمال شرقي سوريا",
            summary="زيادة جديدة في سعر ليتر المازوت.",
            body="<p>أعلنت الإدارة أسعاراً جديدة.</p>",
            published_at=at(19, 7, 5),
            lead_image=lead_image("fuel", (640, 480), (30, 140, 60), alt_text="محطة وقود"),
            tags=["الأسعار", "الحسكة"],
        )
        make_article(
            pk=208,
            section=syria,
            headline="الإدارة الذاتية تمدد حظر التجوال في مدينة الحسكة حتى إشعار آخر",
            summary="",
            body="<p>مددت الإدارة الذاتية حظر التجوال.</p>",
            published_at=at(22, 20, 0),
            tags=["الحسكة", "قسد"],
        )
        # Never shown: a draft, a story scheduled far ahead and an expired one.
        hidden = {"section": syria, "summary": "لا يظهر", "body": "<p>لا يظهر.</p>"}
        make_article(pk=205, headline="مسودة عن الحسكة", status="draft", **hidden)
        make_article(
            pk=206, headline="مجدول", published_at=datetime(2100, 1, 1, tzinfo=UTC), **hidden
        )
        make_article(pk=207, headline="منتهٍ", published_at=at(18, 6), expire_at=at(19, 6), **hidden)

        section_name, headline, blocks = parse_seed(SEED_FILE.read_text(encoding="utf-8"))
        assert section_name == syria.name
        seed = make_article(
            pk=200,
            section=syria,
            headline=headline,
            kicker="معركة سجن الصناعة",
            summary="اشتباكات عنيفة لليوم الرابع بين قسد وتنظيم داعش في محيط سجن الصناعة.",
            source="وكالة ستيب الإخبارية",
            body=render_blocks(blocks, {unquote(a.headline): a for a in (day3, video)}),
            published_at=at(23, 8, 30),
            content_updated_at=at(23, 11, 0),
            is_featured=True,
            lead_image=lead_image(
                "prison",
                (1600, 900),
                (200, 30, 30),
                alt_text="محيط سجن الصناعة في الحسكة",
                credit="خدمة الصور في نيوزروم",
            ),
            lead_image_caption=headline,
            tags=["الحسكة", "قسد", "داعش", "سجن غويران"],
            authors=[journalist, editor],
        )
        seed.related.set([fuel])
        Correction.objects.create(
            article=seed, text="ذكرت نسخة سابقة أن المعارك بدأت السبت.", published_at=at(23, 12)
        )
    return seed


# Fixed addresses: the seed article's slug is the one made from its headline.
PAGES = {
    "article": "/articles/200/{seed.slug}/",
    "home": "/",
    "section": "/sections/الشأن-السوري/",
}


@pytest.mark.parametrize("name", PAGES)
def test_reader_page_matches_its_snapshot(client, scene, name):
    response = client.get(PAGES[name].format(seed=scene))
    assert response.status_code == 200
    image_labels = {MEDIA_NAME.search(i.file.name)[2]: i.title for i in Image.objects.all()}
    html = normalise(response.content.decode(), image_labels)
    snapshot = SNAPSHOTS / f"{name}.html"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        snapshot.write_text(html, encoding="utf-8")
    assert snapshot.exists(), f"no {snapshot}: run with UPDATE_SNAPSHOTS=1 to write it"
    expected = snapshot.read_text(encoding="utf-8")
    diff = difflib.unified_diff(
        expected.splitlines(), html.splitlines(), "snapshot", "rendered", lineterm=""
    )
    assert html == expected, "\n".join(diff)
