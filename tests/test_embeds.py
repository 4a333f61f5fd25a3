"""Embeds (articles/body/embeds.py): a post's URL alone in a paragraph becomes a click-to-load
card at render time; nothing from the platform is in the page; feeds keep links."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings as project_settings
from django.urls import reverse
from django.utils import timezone

from articles.body.embeds import FRAME_HOSTS, embeds_as_links, recognize, render_embeds

from .dom import parse_html

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s"
TWEET = "https://x.com/SANA_English/status/1790000000000000000"
MOMENT = timezone.now() - timedelta(minutes=5)


@pytest.mark.parametrize(
    ("url", "platform", "frame"),
    [
        (YOUTUBE, "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie"),
        (TWEET, "x", "https://platform.twitter.com/embed/Tweet.html?id=1790000000000000000"),
        ("https://twitter.com/a_b/status/123/", "x", "https://platform.twitter.com/embed/"),
        ("https://t.me/syria_news/4521", "telegram", "https://t.me/syria_news/4521?embed=1"),
        (
            "https://www.facebook.com/aljazeera/videos/1234567890/",
            "facebook",
            "https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com",
        ),
        ("https://www.facebook.com/watch/?v=987", "facebook", "https://www.facebook.com/plugins/"),
    ],
)
def test_each_platform_gets_its_player_address(url, platform, frame):
    embed = recognize(url)
    assert embed.platform == platform
    assert embed.frame.startswith(frame)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(embed.frame))
    assert origin in FRAME_HOSTS


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/channel/UC123",
        "https://x.com/someone",
        "https://t.me/share/url?url=x",
        "https://www.facebook.com/someone/posts/123",
        "javascript:alert(1)",
        "https://user:pw@youtube.com/watch?v=dQw4w9WgXcQ",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "http://[::1",
    ],
)
def test_other_addresses_are_not_embedded(url):
    assert recognize(url) is None


def test_csp_frames_only_the_embeds_hosts():
    frames = project_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]
    assert set(frames) == {"'self'", *FRAME_HOSTS}


def test_a_link_alone_in_a_paragraph_becomes_a_card_with_the_link_text_as_title(
    client, make_article
):
    article = make_article(
        body=f'<p>قبل.</p><p><a href="{YOUTUBE.replace("&", "&amp;")}">قصف حي الشعار</a></p>'
        "<p>بعد.</p>"
    )
    response = client.get(article.get_absolute_url())
    page = parse_html(response.content)
    card = page.one("figure", cls="embed")
    assert "embed-youtube" in card.classes
    assert card.attrs["data-embed-src"].startswith("https://www.youtube-nocookie.com/embed/")
    link = card.one("a", cls="embed-link")
    assert link.attrs["href"] == YOUTUBE
    assert card.one(cls="embed-title").text == "قصف حي الشعار"
    assert card.one(cls="embed-source").text == "يوتيوب"
    # Nothing from the platform in the page: no frame, no script, no thumbnail.
    assert page.find_all("iframe") == []
    content = response.content.decode()
    assert "ytimg" not in content and '<script src="https://' not in content
    # The CSP header names the frame hosts.
    assert (
        "frame-src 'self' https://www.youtube-nocookie.com"
        in response.headers["Content-Security-Policy"]
    )


def test_a_bare_url_paragraph_becomes_a_card_with_a_default_title(client, make_article):
    article = make_article(body=f"<p>{TWEET}</p><p>https://t.me/syria_news/4521</p>")
    page = parse_html(client.get(article.get_absolute_url()).content)
    cards = page.find_all("figure", cls="embed")
    assert [c.classes[1] for c in cards] == ["embed-x", "embed-telegram"]
    assert cards[0].one(cls="embed-title").text == "المنشور على إكس (تويتر)"


def test_a_url_inside_a_sentence_or_another_host_stays_text(client, make_article):
    body = (
        f'<p>شاهد <a href="{YOUTUBE.replace("&", "&amp;")}">هذا الفيديو</a> اليوم.</p>'
        '<p><a href="https://example.com/x">https://example.com/x</a></p>'
    )
    article = make_article(body=body)
    page = parse_html(client.get(article.get_absolute_url()).content)
    assert page.find_all("figure", cls="embed") == []
    assert page.find("a", href="https://example.com/x")


def test_a_figure_captioned_with_the_link_gives_the_card_our_image_as_poster(
    client, make_article, make_image
):
    image = make_image()
    body = (
        f'<figure><img src="{image.file.url}" alt="لقطة من الفيديو"><figcaption>'
        f'<a href="https://youtu.be/dQw4w9WgXcQ">كلمة المحافظ</a></figcaption></figure>'
    )
    article = make_article(body=body)
    page = parse_html(client.get(article.get_absolute_url()).content)
    card = page.one("figure", cls="embed")
    poster = card.one("img", cls="embed-poster")
    assert poster.attrs["src"] == image.file.url
    assert poster.attrs["alt"] == "لقطة من الفيديو"
    assert card.one(cls="embed-title").text == "كلمة المحافظ"


def test_titles_are_escaped(make_article):
    article = make_article(body='<p><a href="https://youtu.be/dQw4w9WgXcQ">&lt;b&gt;"x"</a></p>')
    rendered = render_embeds(article.body)
    assert "<b>" not in rendered
    assert 'data-embed-title="&lt;b&gt;&quot;x&quot;"' in rendered


def test_the_pass_is_linear_on_a_large_body():
    body = ("<p>" + "ك" * 400 + "</p><p>https://x.com/a/status/1 " + "x" * 600) * 400
    started = time.perf_counter()
    render_embeds(body + "</p>")
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("name", ["feed_latest", "feed_latest_atom"])
def test_feeds_show_embeds_as_links(client, make_article, settings, name):
    settings.NEWSROOM_FEED_FULL_CONTENT = True
    make_article(body=f"<p>{TWEET}</p><p>نص.</p>")
    feed = feedparser.parse(client.get(reverse(name)).content)
    content = feed.entries[0].content[0].value
    assert f'<a href="{TWEET}"' in content
    assert "embed" not in content and "platform.twitter.com" not in content


def test_embeds_as_links_leaves_other_bare_urls_alone():
    assert embeds_as_links("<p>https://example.com/</p>") == "<p>https://example.com/</p>"


def test_live_entries_show_embed_cards_on_the_page_and_in_updates(client, make_article):
    from live.models import LiveCoverage, LiveEntry

    coverage = LiveCoverage.objects.create(article=make_article())
    LiveEntry.objects.create(
        coverage=coverage, body=f"<p>مشاهد من المكان:</p><p>{TWEET}</p>", published_at=MOMENT
    )
    page = parse_html(client.get(coverage.article.get_absolute_url()).content)
    card = page.find("div", cls="live-entry-body").one("figure", cls="embed")
    assert card.one("a", cls="embed-link").attrs["href"] == TWEET
    data = client.get(reverse("live_updates", args=[coverage.article.pk])).json()
    fragment = parse_html(data["entries"][0]["html"])
    assert (
        fragment.one("figure", cls="embed-x")
        .attrs["data-embed-src"]
        .startswith("https://platform.twitter.com/embed/Tweet.html?id=1790000000000000000")
    )
