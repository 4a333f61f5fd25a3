from urllib.parse import unquote

import pytest


@pytest.mark.parametrize("width", [390, 1280])
def test_article_page_renders_rtl_without_errors(
    page_at, live_server, make_article, width, screenshot
):
    article = make_article(headline="“داعش” يواصل سيطرته بقلب الحسكة و”قسد” تستخدم المدفعية")
    page = page_at(width)
    page.goto(live_server.url + article.get_absolute_url())
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("h1").inner_text() == article.headline
    assert unquote(page.url).endswith(unquote(article.get_absolute_url()))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"smoke-article-{width}")
    assert page.console_errors == []
    assert page.foreign_requests == []
