"""Embeds (articles/body/embeds.py): a post's URL alone in a paragraph becomes a click-to-load
card at render time; nothing from the platform is in the page; feeds keep links."""

import json
import time
from datetime import timedelta
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings as project_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.body.embeds import FRAME_HOSTS, embeds_as_links, recognize, render_embeds
from articles.body.sanitize import sanitize_body
from articles.models import Article

from .dom import parse_html
from .test_admin_forms import article_form

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


# Upload dates and VideoObject (JSON-LD).

FACEBOOK = "https://www.facebook.com/aljazeera/videos/1234567890/"
HOSTILE_TITLE = 'قصف </script><script>alert("x")</script> & <!-- "حلب"'


def json_ld_items(content):
    """Every JSON-LD item of a page, read with a real HTML parser, then json."""
    page = parse_html(content)
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].text), page


def dated(url, title, day="2024-03-05"):
    return f'<a href="{url.replace("&", "&amp;")}" data-upload-date="{day}">{title}</a>'


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("2024-03-05", True),
        ("2005-01-01", True),
        ("2004-12-31", False),
        ("2024-02-30", False),
        ("05/03/2024", False),
        ("2024-3-5", False),
        ("٢٠٢٤-٠٣-٠٥", False),
        ("2024-03-05T10:00", False),
        ("9999-01-01", False),
        ("", False),
    ],
)
def test_the_sanitizer_keeps_a_links_upload_date_only_when_it_is_a_real_past_day(value, kept):
    body = f'<p><a href="https://youtu.be/dQw4w9WgXcQ" data-upload-date="{value}">ف</a></p>'
    cleaned = sanitize_body(body)
    assert (f'data-upload-date="{value}"' in cleaned) is kept
    assert 'href="https://youtu.be/dQw4w9WgXcQ"' in cleaned
    assert sanitize_body(cleaned) == cleaned


def test_an_upload_date_after_today_in_the_newsrooms_zone_is_not_a_day_we_accept():
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert 'data-upload-date="' not in sanitize_body(f"<p>{dated(YOUTUBE, 'ف', tomorrow)}</p>")
    today = timezone.localdate().isoformat()
    assert f'data-upload-date="{today}"' in sanitize_body(f"<p>{dated(YOUTUBE, 'ف', today)}</p>")


def test_the_article_form_refuses_a_bad_upload_date_naming_the_embed_and_keeps_the_text(
    client, journalist, make_section
):
    client.force_login(journalist)
    body = (
        "<p>نص المقال كما كتبه الصحفي.</p>"
        f"<p>{dated(YOUTUBE, 'مشاهد من حي الشعار', '2024-02-30')}</p>"
        f"<p>{dated(FACEBOOK, 'كلمة المحافظ', '2024-03-05')}</p>"
    )
    response = client.post(
        "/admin/articles/article/add/",
        article_form(make_section(), headline="مقال بفيديو", body=body),
    )
    assert response.status_code == 200
    assert not Article.objects.filter(headline="مقال بفيديو").exists()
    page = parse_html(response.content)
    errors = [li.clean_text for li in page.find_all("li") if "تاريخ نشر الفيديو" in li.text]
    assert len(errors) == 1
    assert "«مشاهد من حي الشعار»" in errors[0] and "«2024-02-30»" in errors[0]
    assert "كلمة المحافظ" not in errors[0]
    # Nothing is lost: the form shows the body as it was sent, bad date included.
    textarea = page.one("textarea", name="body")
    assert 'data-upload-date="2024-02-30"' in textarea.text
    assert "نص المقال كما كتبه الصحفي." in textarea.text


def test_a_good_upload_date_is_saved_through_the_article_form(client, journalist, make_section):
    client.force_login(journalist)
    body = f"<p>{dated(YOUTUBE, 'مشاهد من حي الشعار')}</p>"
    response = client.post(
        "/admin/articles/article/add/",
        article_form(make_section(), headline="مقال بفيديو", body=body),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Article.objects.get(headline="مقال بفيديو").body
    assert 'data-upload-date="2024-03-05"' in stored


def test_a_bad_upload_date_in_a_live_entry_is_refused_naming_it(make_article):
    from live.models import LiveCoverage, LiveEntry

    coverage = LiveCoverage.objects.create(article=make_article())
    entry = LiveEntry(
        coverage=coverage,
        body=f"<p>{dated(YOUTUBE, 'مشاهد', '2024-13-01')}</p>",
        published_at=MOMENT,
    )
    with pytest.raises(ValidationError) as raised:
        entry.full_clean()
    assert "«مشاهد»" in " ".join(raised.value.message_dict["body"])


def test_video_embeds_with_a_title_and_an_upload_date_are_video_objects_in_json_ld(
    client, make_article, make_image, settings
):
    settings.SITE_URL = "https://news.example"
    settings.TIME_ZONE = "Asia/Damascus"
    poster = make_image()
    body = (
        "<p>مقدمة.</p>"
        f"<p>{dated(YOUTUBE, 'مشاهد من حي الشعار بعد القصف')}</p>"
        f'<figure><img src="{poster.file.url}" alt="لقطة"><figcaption>'
        f"{dated(FACEBOOK, 'كلمة المحافظ', '2023-11-20')}</figcaption></figure>"
        # Not videos, or not described: an X post with a date, a video without a date,
        # a video without a title of its own.
        f"<p>{dated(TWEET, 'منشور الوزارة')}</p>"
        '<p><a href="https://youtu.be/aaaaaaaaaaa">فيديو بلا تاريخ</a></p>'
        f"<p>{dated('https://youtu.be/bbbbbbbbbbb', 'https://youtu.be/bbbbbbbbbbb')}</p>"
    )
    article = make_article(body=body)
    items, page = json_ld_items(client.get(article.get_absolute_url()).content)
    assert [item["@type"] for item in items] == [
        "NewsArticle",
        "BreadcrumbList",
        "VideoObject",
        "VideoObject",
    ]
    youtube, facebook = items[2:]
    assert youtube == {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": "مشاهد من حي الشعار بعد القصف",
        "uploadDate": "2024-03-05T00:00:00+03:00",
        "embedUrl": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "url": YOUTUBE,
    }
    assert facebook["name"] == "كلمة المحافظ"
    # Midnight of the editor's day in the newsroom's zone (Damascus: UTC+3 all year since 2022).
    assert facebook["uploadDate"] == "2023-11-20T00:00:00+03:00"
    assert facebook["embedUrl"].startswith("https://www.facebook.com/plugins/video.php?href=")
    assert facebook["url"] == FACEBOOK
    assert facebook["thumbnailUrl"] == [f"https://news.example{poster.file.url}"]
    # The cards are what they were; the page still has no frame.
    assert len(page.find_all("figure", cls="embed")) == 5
    assert page.find_all("iframe") == []


def test_a_hostile_video_title_stays_inside_the_json_ld_script(client, make_article):
    article = make_article(body=f"<p>{dated(YOUTUBE, escape(HOSTILE_TITLE))}</p>")
    response = client.get(article.get_absolute_url())
    items, page = json_ld_items(response.content)
    assert items[-1]["@type"] == "VideoObject"
    assert items[-1]["name"] == HOSTILE_TITLE
    # No script of its own: the only inline scripts are the JSON-LD block and none ran away.
    content = response.content.decode()
    assert '<script>alert("x")' not in content
    assert all(s.attrs.get("src") or s.attrs.get("type") for s in page.find_all("script"))
