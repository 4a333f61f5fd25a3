"""An article imported from WordPress, as a reader sees it in Chromium: the fixture export
(tests/wordpress/export.xml) with real image bytes, at phone and desktop widths."""

import io
from urllib.parse import unquote

import pytest
from django.core.management import call_command

from wpimport.models import ImportedItem

from ..test_wordpress_import import EXPORT, SEED_HEADLINE
from .test_reader import assert_clean, load_lazy_images

WIDTHS = [390, 1280]


@pytest.fixture
def imported_seed(transactional_db, tmp_path):
    from PIL import Image as PILImage

    from articles.models import Article

    folder = tmp_path / "uploads" / "2022" / "01"
    folder.mkdir(parents=True)
    PILImage.new("RGB", (1200, 800), (180, 60, 40)).save(folder / "hasakah-prison.jpg", "JPEG")
    PILImage.new("RGB", (1024, 683), (40, 120, 200)).save(folder / "hasakah-map.png")
    call_command(
        "import_wordpress", str(EXPORT), uploads=str(tmp_path / "uploads"), stdout=io.StringIO()
    )
    return Article.objects.get(pk=ImportedItem.objects.get(kind="post", wp_id=10).object_id)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_imported_article_reads_right_to_left(
    page_at, live_server, imported_seed, width, screenshot
):
    page = page_at(width)
    # An old permalink, as a search engine has it: 301 to the article.
    page.goto(live_server.url + "/?p=10")
    assert unquote(page.url) == unquote(live_server.url + imported_seed.get_absolute_url())
    assert page.locator("h1").inner_text() == SEED_HEADLINE
    assert page.locator("article h2").count() >= 2
    assert page.locator("p.read-also a").count() >= 2
    assert page.locator("figure.lead-image img").is_visible()
    load_lazy_images(page)
    assert_clean(page)
    screenshot(page, f"wordpress-article-{width}")
