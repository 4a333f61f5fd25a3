"""The Telegram box and banner on the article's change form, in Chromium at 1280 and 390 px:
right to left, Telegram's English error kept left to right, no horizontal scroll."""

import pytest

from distribution.models import TelegramPost

from .conftest import pass_second_step

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("width", [1280, 390])
def test_an_editor_sees_the_box_and_what_telegram_said(
    page_at, live_server, screenshot, editor, make_article, width
):
    article = make_article(headline="انقطاع الكهرباء عن أحياء في الحسكة", post_to_telegram=True)
    TelegramPost.objects.create(
        article=article,
        channel="@newsroom_channel_with_a_long_name",
        error="Forbidden: bot is not a member of the channel chat",
    )
    TelegramPost.objects.create(
        article=article, channel="-1001234567890", state=TelegramPost.State.UNCONFIRMED
    )
    page = page_at(width)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/articles/article/{article.pk}/change/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PASSWORD)
    after_password = pass_second_step(page, editor)
    page.click("input[type=submit]")
    after_password()
    page.wait_for_url(f"**/admin/articles/article/{article.pk}/change/")
    banner = page.locator(".telegram-banner")
    assert "قال تيليغرام" in banner.inner_text()
    assert "لم يتأكد الإرسال" in banner.inner_text()
    assert banner.locator("bdi").first.get_attribute("dir") == "ltr"
    assert page.locator("#id_post_to_telegram").is_checked()
    assert page.locator("label[for=id_post_to_telegram]").inner_text() == "نشر على تيليغرام"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"telegram-banner-{width}")
    page.locator("#id_post_to_telegram").scroll_into_view_if_needed()
    screenshot(page, f"telegram-box-{width}")
    assert page.console_errors == []
