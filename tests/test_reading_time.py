"""Reading time under the byline: 180 words a minute (the editor's counter uses the same),
words counted as the editor counts them, the noun after the number in Arabic."""

import pytest

from articles.presentation import WORDS_PER_MINUTE, reading_minutes, reading_time_text

from .dom import parse_html


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (1, "نحو دقيقة"),
        (2, "نحو دقيقتين"),
        (3, "نحو 3 دقائق"),
        (10, "نحو 10 دقائق"),
        (11, "نحو 11 دقيقة"),
    ],
)
def test_reading_time_says_the_right_noun(minutes, text):
    assert reading_time_text(minutes) == text


def test_words_are_runs_holding_a_letter_or_digit():
    assert WORDS_PER_MINUTE == 180
    assert reading_minutes("كلمة " * 900 + "— ، . ! " * 900) == 5
    assert reading_minutes("") == 1
    assert reading_minutes("عام 2026 " * 450) == 5  # digits count as words


def test_article_page_shows_the_reading_time_under_the_byline(client, make_article):
    article = make_article(body="<p>" + "كلمة " * 1260 + "</p><p><strong>نص</strong> آخر</p>")
    doc = parse_html(client.get(article.get_absolute_url()).content)
    byline = doc.find("div", cls="byline")
    assert byline.one("p", cls="reading-time").clean_text == "وقت القراءة: نحو 7 دقائق"
