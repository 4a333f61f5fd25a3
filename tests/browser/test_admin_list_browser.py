"""The article list in Chromium at 1280 and 390 px (articles/admin_list.py,
static/css/admin-list.css): headlines are the wide column and wrap onto at most three lines
at 1280 px; the worded state labels are visible; at 390 px the page never scrolls sideways and
each row reads as a card, headline first. Also: the admin is set in the project's own fonts,
and the editor's format menu shows no missing-glyph box. Screenshots go to test-artifacts/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article

from .conftest import ARTIFACTS, pass_second_step, wait_for_js

PASSWORD = "correct horse battery staple"
Status = Article.Status
# Long headlines, as agencies write them (the longest is 118 characters).
HEADLINES = [
    "الإدارة الذاتية تمدد حظر التجوال في مدينة الحسكة حتى إشعار آخر "
    "بعد هجوم على سجن غويران وفرار عدد من السجناء",
    "الاشتباكات على أشدها لليوم الثالث بين قوات قسد وتنظيم داعش "
    "مخلفةً قتلى وجرحى في أحياء المدينة الجنوبية",
    "ارتفاع أسعار المحروقات في مناطق شمال شرقي سوريا للمرة الثانية خلال شهر واحد وسط غضب السائقين",
    "المبعوث الأممي يدعو إلى استئناف اجتماعات اللجنة الدستورية في جنيف قبل نهاية العام",
    "مدارس القامشلي تفتح أبوابها",
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def newsroom_list(make_article, make_image, committed, journalist, editor):
    with committed():
        images = [make_image(), make_image()]
    now = timezone.now()
    for n, headline in enumerate(HEADLINES):
        make_article(
            headline=headline,
            lead_image=images[n % 2] if n != 3 else None,
            authors=[journalist, editor][: 1 + n % 2],
            created_by=journalist,  # the journalist's list shows these five
        )
    make_article(headline="حوار مع مدير مهرجان السينما", published_at=now + timedelta(hours=3))
    make_article(headline="جولة في أسواق دمشق قبل العيد", status=Status.DRAFT, published_at=None)
    make_article(headline="تقرير عن واقع المياه في دير الزور", status=Status.REVIEW)


def open_list(page_at, live_server, user, width):
    page = page_at(width, 844 if width < 500 else 900)
    page.set_default_timeout(30_000)  # Playwright's own default; 10 s flaked under load
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    after_password = pass_second_step(page, user)
    page.click("input[type=submit]")
    after_password()
    page.wait_for_url("**/admin/articles/article/")
    page.wait_for_load_state("networkidle")
    wait_for_js(page, "document.fonts.status === 'loaded'")
    return page


HEADLINE_LINES = """[...document.querySelectorAll('#result_list .field-headline a')]
    .map(a => [a.textContent, a.getClientRects().length])"""
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_at_1280_headlines_are_the_wide_column_and_states_are_worded_labels(
    page_at, live_server, editor, newsroom_list, screenshot
):
    page = open_list(page_at, live_server, editor, 1280)
    lines = page.evaluate(HEADLINE_LINES)
    assert len(lines) == 8
    assert max(count for _, count in lines) <= 3, lines
    widths = page.evaluate(
        """Object.fromEntries([...document.querySelectorAll('#result_list thead th')]
        .map(th => [[...th.classList].find(c => c.startsWith('column-')) || th.className,
                     th.getBoundingClientRect().width]))"""
    )
    assert widths["column-headline"] == max(widths.values()), widths
    assert page.evaluate(SIDEWAYS) == 0

    labels = page.locator("#result_list .state-label")
    assert labels.count() == 8
    for n in range(8):
        assert labels.nth(n).is_visible()
    texts = labels.all_inner_texts()
    assert texts.count("منشور") == 5
    assert {"مسودة", "قيد المراجعة"} <= set(texts)
    assert any(t.startswith("مجدول: بعد ساعتين و59 دقيقة") for t in texts), texts
    # The colour repeats the words: each state has its own background.
    backgrounds = page.evaluate(
        """Object.fromEntries([...document.querySelectorAll('#result_list .state-label')]
        .map(l => [l.textContent.split(':')[0], getComputedStyle(l).backgroundColor]))"""
    )
    assert len(set(backgrounds.values())) == 4, backgrounds
    thumbnails = page.locator("#result_list img.list-thumbnail")
    assert thumbnails.count() == 4
    # Lazy thumbnails: scrolled into view, each loads a real rendition.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    wait_for_js(
        page,
        "[...document.querySelectorAll('img.list-thumbnail')]"
        ".every(i => i.complete && i.naturalWidth > 0)",
    )
    page.evaluate("window.scrollTo(0, 0)")
    assert page.console_errors == [] and page.foreign_requests == []
    screenshot(page, "admin-list-1280")


def test_at_390_no_sideways_scroll_and_each_row_is_a_card_headline_first(
    page_at, live_server, editor, journalist, newsroom_list, screenshot
):
    for user in (editor, journalist):
        page = open_list(page_at, live_server, user, 390)
        assert page.evaluate(SIDEWAYS) == 0
        cards = page.evaluate(
            """[...document.querySelectorAll('#result_list tbody tr')].map(tr => {
                const top = s => tr.querySelector(s).getBoundingClientRect();
                return {
                  display: getComputedStyle(tr).display,
                  width: tr.getBoundingClientRect().width,
                  headline: top('.field-headline').top,
                  state: top('.field-state').top,
                  author: top('.field-author_names').bottom,
                };
            })"""
        )
        assert cards, user
        for card in cards:
            assert card["display"] == "flex"
            assert card["width"] <= 390
            assert card["headline"] < card["state"] < card["author"] + 1
        assert page.locator("#result_list thead").is_hidden()
        assert page.locator("#result_list .state-label").first.is_visible()
        screenshot(page, f"admin-list-390-{user.username}")


def test_the_admin_uses_the_project_fonts_and_the_editor_menu_has_no_missing_glyph(
    page_at, live_server, editor, newsroom_list
):
    page = open_list(page_at, live_server, editor, 1280)
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Noto Kufi Arabic"'), family
    assert page.evaluate("document.fonts.check('13px \"Noto Kufi Arabic\"', 'خبر')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Noto Kufi Arabic" in name for name in loaded), loaded

    article = Article.objects.get(headline=HEADLINES[0])
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    menu = page.locator(".prose-menubar__selected").first
    menu.wait_for()
    # The editor's stylesheet writes U+23F7 (⏷), which no font here has: drawn in CSS instead.
    assert menu.evaluate("m => getComputedStyle(m, '::after').content") == '""'
    assert menu.evaluate("m => getComputedStyle(m, '::after').borderTopStyle") == "solid"
    assert page.console_errors == [] and page.foreign_requests == []
    page.locator(".prose-menubar").first.screenshot(
        path=str(ARTIFACTS / "admin-editor-menubar.png")
    )
