"""Reading comfort in Chromium: the print stylesheet shows the article alone, the dark theme
keeps Arabic text readable (contrast measured from computed colours: axe skips Arabic
script), text size and theme survive a reload (localStorage, no cookie)."""

import re

import pytest
from django.conf import settings
from django.utils.encoding import uri_to_iri

from tags.models import Tag

from .test_reader import load_lazy_images

PARAGRAPH = (
    "<p>تواصلت للمرة الرابعة على التوالي الاشتباكات العنيفة بين قوات سوريا الديمقراطية وخلايا "
    "التنظيم في محيط سجن الصناعة بحي غويران في مدينة الحسكة، وسط نزوح مئات العائلات.</p>"
)


@pytest.fixture
def demo(transactional_db, make_article, make_image, editor):
    """A story as the article page shows one: lead image with caption, author, tags, a
    «اقرأ أيضاً» link, related stories, several paragraphs."""
    tag = Tag.objects.create(name="الحسكة")
    for n in range(4):
        make_article(headline=f"خبر سابق رقم {n} عن سجن الصناعة", tags=[tag])
    return make_article(
        headline="«داعش» يواصل سيطرته بقلب الحسكة و«قسد» تستخدم المدفعية",
        summary="اشتباكات عنيفة لليوم الرابع بين قسد وتنظيم داعش في محيط سجن الصناعة.",
        kicker="معركة سجن الصناعة",
        body=PARAGRAPH * 3 + "<h2>نزوح العائلات</h2>" + PARAGRAPH * 5,
        lead_image=make_image(),
        lead_image_caption="دخان يتصاعد فوق حي غويران",
        tags=[tag],
        authors=[editor],
    )


# Text a reader reads on the article page, and what each must be readable against.
TEXTS = [
    ".headline",
    ".summary",
    ".byline",
    ".reading-time",
    ".article-section a",
    ".article-body p",
    ".article-body a",
    ".lead-image figcaption",
    ".share-title",
    ".site-nav a",
    ".site-name",
    ".card-headline a",
    ".site-footer p",
]

# Each element's colour and the first opaque background behind it, as "rgb(r, g, b)".
COLOURS = """selector => [...document.querySelectorAll(selector)].slice(0, 3).map(el => {
  let bg = el;
  while (bg && /rgba\\(.*, 0\\)|transparent/.test(getComputedStyle(bg).backgroundColor)) {
    bg = bg.parentElement;
  }
  const behind = bg ? getComputedStyle(bg).backgroundColor : "rgb(255, 255, 255)";
  return [getComputedStyle(el).color, behind];
})"""


def luminance(rgb):
    channels = [int(c) / 255 for c in re.findall(r"[\d.]+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def lowest_contrast(page):
    measured = []
    for selector in TEXTS:
        for colour, background in page.evaluate(COLOURS, selector):
            measured.append((contrast(colour, background), selector, colour, background))
    assert len(measured) >= len(TEXTS) - 2, measured  # the page has what we measure
    return min(measured)


@pytest.mark.parametrize("width", [390, 1280])
def test_dark_theme_follows_the_system_and_keeps_text_readable(
    page_at, live_server, demo, width, screenshot
):
    page = page_at(width)
    page.emulate_media(color_scheme="dark")
    page.goto(live_server.url + demo.get_absolute_url())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert luminance(background) < 0.02, background  # dark without any click
    assert page.locator("[data-theme-toggle]").get_attribute("aria-pressed") == "true"
    ratio, selector, colour, behind = lowest_contrast(page)
    assert ratio >= 4.5, (ratio, selector, colour, behind)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    load_lazy_images(page)
    screenshot(page, f"article-dark-{width}")
    assert page.console_errors == [] and page.foreign_requests == []


def test_light_theme_text_is_readable_too(page_at, live_server, demo):
    page = page_at(1280)
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + demo.get_absolute_url())
    ratio, *where = lowest_contrast(page)
    assert ratio >= 4.5, (ratio, where)


def test_theme_toggle_is_remembered_without_a_cookie(page_at, live_server, demo):
    page = page_at(1280)
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + demo.get_absolute_url())
    toggle = page.locator("[data-theme-toggle]")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert luminance(page.evaluate("getComputedStyle(document.body).backgroundColor")) < 0.02
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert luminance(page.evaluate("getComputedStyle(document.body).backgroundColor")) < 0.02
    assert page.locator("[data-theme-toggle]").get_attribute("aria-pressed") == "true"
    assert page.context.cookies() == []
    # Back to light, on a page where the system says dark.
    page.emulate_media(color_scheme="dark")
    page.locator("[data-theme-toggle]").click()
    page.reload()
    assert luminance(page.evaluate("getComputedStyle(document.body).backgroundColor")) > 0.9


def test_text_size_survives_a_reload(page_at, live_server, demo, screenshot):
    page = page_at(390)
    page.goto(live_server.url + demo.get_absolute_url())
    body_size = "parseFloat(getComputedStyle(document.querySelector('.article-body p')).fontSize)"
    normal = page.evaluate(body_size)
    control = page.locator("[data-text-size-control]")
    assert control.is_visible()
    control.locator("button[data-size='2']").click()
    larger = page.evaluate(body_size)
    assert larger == pytest.approx(normal * 1.3, rel=0.02)
    page.reload()
    assert page.evaluate(body_size) == pytest.approx(larger)
    assert control.locator("button[data-size='2']").get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.context.cookies() == []
    screenshot(page, "article-text-size-2-390")
    control.locator("button[data-size='0']").click()
    page.reload()
    assert page.evaluate(body_size) == pytest.approx(normal)


def test_print_shows_the_article_alone_with_its_address(page_at, live_server, demo):
    page = page_at(1280)
    page.goto(live_server.url + demo.get_absolute_url())
    hidden = [".site-nav", ".related", ".share", ".site-footer", ".tags", "[data-theme-toggle]"]
    for selector in hidden:  # all there on screen...
        assert page.locator(selector).first.is_visible(), selector
    assert not page.locator(".print-url").is_visible()
    page.emulate_media(media="print", color_scheme="dark")
    for selector in hidden:  # ...and none on paper
        assert not page.locator(selector).first.is_visible(), selector
    for selector in [".headline", ".byline", ".dates", ".article-body", ".lead-image figcaption"]:
        assert page.locator(selector).first.is_visible(), selector
    address = page.locator(".print-url")
    assert address.is_visible()
    assert address.inner_text().endswith(uri_to_iri(settings.SITE_URL + demo.get_absolute_url()))
    # Black on white even when the screen is dark.
    assert page.evaluate("getComputedStyle(document.querySelector('.article-body p')).color") == (
        "rgb(0, 0, 0)"
    )
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


@pytest.mark.parametrize("width", [390, 1280])
def test_eastern_digits_and_the_hijri_date_fit_the_page(
    page_at, live_server, demo, settings, width, screenshot
):
    settings.NEWSROOM_DIGITS = "eastern"
    settings.NEWSROOM_HIJRI_DATE = True
    page = page_at(width)
    page.goto(live_server.url + demo.get_absolute_url())
    assert " هـ" in page.locator(".dates .hijri").inner_text()
    assert page.locator(".today .hijri").is_visible()
    assert not re.search(r"[0-9]", page.locator(".dates").inner_text())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"article-eastern-hijri-{width}")


def test_without_javascript_the_controls_are_not_shown(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server.url + demo.get_absolute_url())
        assert page.locator("[data-theme-toggle]").count() == 1
        assert not page.locator("[data-theme-toggle]").is_visible()
        assert not page.locator("[data-text-size-control]").is_visible()
        assert page.locator(".reading-time").is_visible()
    finally:
        context.close()


def test_the_controls_do_not_move_the_page_after_load(page_at, live_server, demo):
    """They are shown before the first paint (prefs.js), not by the deferred site.js."""
    page = page_at(390)
    page.goto(live_server.url + demo.get_absolute_url(), wait_until="commit")
    page.wait_for_selector("main")
    first = page.evaluate("document.querySelector('main').getBoundingClientRect().top")
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    assert page.evaluate("document.querySelector('main').getBoundingClientRect().top") == first
    shift = page.evaluate(
        """() => new Promise(done => {
             let total = 0;
             new PerformanceObserver(list => {
               for (const entry of list.getEntries()) total += entry.value;
             }).observe({type: "layout-shift", buffered: true});
             setTimeout(() => done(total), 300);
           })"""
    )
    assert shift < 0.05, shift
