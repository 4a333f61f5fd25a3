"""Embeds, private by default: a render-time pass over an article's stored (sanitized) body.

A YouTube, X (Twitter), Telegram or Facebook video URL alone in a paragraph, as a link or as
plain text, becomes an embed card: a plain link to the post with the platform's name, a title
and, when the editor put the link in the caption of a figure with one of our images, that image
as the poster. Nothing is loaded from the platform: the reader's browser talks to it only once
the reader clicks, when static/js/site.js puts the player (YouTube through
youtube-nocookie.com) in an iframe whose address is the card's `data-embed-src`. Without
JavaScript the card is the link it was. A post that is gone breaks nothing: the page never
asked the platform about it.

Nothing is stored: the body keeps the editor's link, so sanitizing needs no new tag, the
feeds show the link (`embeds_as_links` makes a bare URL one), and a platform that changes its
player address is a change here, not a migration. Like the other passes
(articles/body/read_also.py) it relies on sanitized markup: `<p>` and `<figcaption>` carry no
attributes, every attribute is double-quoted, "<" outside tags is escaped; each pattern stops
at the next "<", so the pass is linear in the body's length.
"""

import html
import re
from datetime import date
from typing import NamedTuple
from urllib.parse import parse_qs, quote, urlsplit

from django.utils import timezone
from django.utils.html import escape

# Hosts the player frames come from: settings.CONTENT_SECURITY_POLICY's frame-src lists
# exactly these (tests/test_embeds.py checks they agree).
FRAME_HOSTS = (
    "https://www.youtube-nocookie.com",
    "https://platform.twitter.com",
    "https://t.me",
    "https://www.facebook.com",
)

URL_LIMIT = 500
# `<p>` holding only a link (its text without markup) or only a bare http(s) URL.
LINK = r'<a((?: [a-z][a-z0-9_:.-]*+="[^"]*+")*+)>([^<]{0,500}+)</a>'
BARE = r"(https?://[^\s<]{1,500}+)"
PARAGRAPH = re.compile(rf"<p>\s*+(?:{LINK}|{BARE})\s*+</p>")
# A figure with one of our images whose caption is only such a link: the image is the poster.
FIGURE = re.compile(
    r'<figure><img((?: [a-z-]++="[^"]*+")*+)>'
    rf"<figcaption>\s*+{LINK}\s*+</figcaption></figure>"
)
HREF = re.compile(r' href="([^"]*+)"')
UPLOADED = re.compile(r' data-upload-date="([^"]*+)"')
SRC = re.compile(r' src="([^"]*+)"')
ALT = re.compile(r' alt="([^"]*+)"')

YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
YOUTUBE_PATH = re.compile(r"/(?:shorts|live|embed)/([A-Za-z0-9_-]{11})/?")
X_PATH = re.compile(r"/(?:[A-Za-z0-9_]{1,15}|i/web)/status/(\d{1,20})/?")
TELEGRAM_PATH = re.compile(r"/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})/(\d{1,12})/?")
FACEBOOK_PATH = re.compile(
    r"/(?:[A-Za-z0-9.]{1,80}/videos/(?:[^/]{1,200}/)?\d{1,20}|reel/\d{1,20})/?"
)


# A video's upload date, as the «تضمين» dialog stores it on the link (`data-upload-date`):
# a calendar day, from the year YouTube opened to today in the newsroom's time zone.
UPLOAD_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIRST_UPLOAD_DATE = date(2005, 1, 1)
# Platforms whose posts are videos: only these are described as a VideoObject in JSON-LD.
VIDEO_PLATFORMS = {"youtube", "facebook"}


def upload_date(value):
    """The date an upload-date attribute holds, or None if it is not a day we accept."""
    if not UPLOAD_DATE.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_UPLOAD_DATE <= day <= timezone.localdate() else None


class Embed(NamedTuple):
    platform: str  # css name: youtube, x, telegram, facebook
    source: str  # the platform's name for readers
    kind: str  # what the reader will open: «الفيديو» or «المنشور»
    url: str  # the post on the platform (the card's link)
    frame: str  # the player's address (on one of FRAME_HOSTS)


def recognize(url):
    """The Embed for a post's URL, or None for anything we do not embed."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or parts.username or parts.password:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path
    if host in {"youtube.com", "youtu.be", "youtube-nocookie.com"}:
        video = None
        if host == "youtu.be":
            video = path.strip("/")
        elif path in {"/watch", "/watch/"}:
            video = (parse_qs(parts.query).get("v") or [""])[0]
        elif match := YOUTUBE_PATH.fullmatch(path):
            video = match[1]
        if video and YOUTUBE_ID.fullmatch(video):
            frame = f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
            return Embed("youtube", "يوتيوب", "الفيديو", url, frame)
    if host in {"x.com", "twitter.com", "mobile.twitter.com"} and (match := X_PATH.fullmatch(path)):
        frame = f"https://platform.twitter.com/embed/Tweet.html?id={match[1]}&lang=ar&dnt=true"
        return Embed("x", "إكس (تويتر)", "المنشور", url, frame)
    if host in {"t.me", "telegram.me"} and (match := TELEGRAM_PATH.fullmatch(path)):
        frame = f"https://t.me/{match[1]}/{match[2]}?embed=1"
        return Embed("telegram", "تيليغرام", "المنشور", url, frame)
    if host in {"facebook.com", "fb.watch"} and (
        host == "fb.watch"
        or FACEBOOK_PATH.fullmatch(path)
        or (path.rstrip("/") == "/watch" and parse_qs(parts.query).get("v"))
    ):
        href = quote(url, safe="")
        frame = f"https://www.facebook.com/plugins/video.php?href={href}&show_text=false"
        return Embed("facebook", "فيسبوك", "الفيديو", url, frame)
    return None


def card(embed, title, poster=None):
    """Our markup for an embed: a link that works alone, the player's address beside it."""
    title = title or f"{embed.kind} على {embed.source}"
    image = f'<img class="embed-poster"{poster} loading="lazy">' if poster else ""
    return (
        f'<figure class="embed embed-{embed.platform}" data-embed-src="{escape(embed.frame)}"'
        f' data-embed-title="{escape(title)}">'
        f'<a class="embed-link" href="{escape(embed.url)}" rel="noopener noreferrer">'
        f"{image}"
        f'<span class="embed-source">{escape(embed.source)}</span>'
        f'<span class="embed-title">{escape(title)}</span>'
        f'<span class="embed-action">شاهد {embed.kind}</span>'
        "</a>"
        f'<figcaption class="embed-note">لا يُحمَّل شيء من {escape(embed.source)} قبل أن تنقر.'
        "</figcaption>"
        "</figure>"
    )


def link_parts(attributes, text):
    """(embed, title) for a link's attributes and text, or (None, None)."""
    href = HREF.search(attributes)
    url = html.unescape(href[1]) if href else ""
    embed = recognize(url) if len(url) <= URL_LIMIT else None
    if embed is None:
        return None, None
    title = html.unescape(text).strip()
    # A link whose text is its own address has no title of its own.
    if title.rstrip("/") == url.rstrip("/") or title.startswith(("http://", "https://")):
        title = ""
    return embed, title


def paragraph_card(match):
    if match[3]:
        embed, title = recognize(html.unescape(match[3])), ""
    else:
        embed, title = link_parts(match[1], match[2])
    return card(embed, title) if embed else match[0]


def figure_card(match):
    embed, title = link_parts(match[2], match[3])
    if embed is None:
        return match[0]
    src, alt = SRC.search(match[1]), ALT.search(match[1])
    poster = f'{src[0]} alt="{alt[1] if alt else ""}"' if src else None
    return card(embed, title, poster)


def render_embeds(body):
    """`body` with each embeddable post turned into a click-to-load card."""
    if "://" not in body:
        return body
    body = FIGURE.sub(figure_card, body)
    return PARAGRAPH.sub(paragraph_card, body)


def bare_link(match):
    if not match[3] or recognize(html.unescape(match[3])) is None:
        return match[0]
    url = escape(html.unescape(match[3]))
    return f'<p><a href="{url}" rel="noopener noreferrer">{url}</a></p>'


class Video(NamedTuple):
    """A video embed with what the editor gave for search engines (articles/share.py)."""

    embed: Embed
    title: str
    uploaded: date
    poster: str  # our image's src, or ""


def video(embed, title, attributes, poster=""):
    uploaded = UPLOADED.search(attributes)
    day = upload_date(html.unescape(uploaded[1])) if uploaded else None
    if embed is None or embed.platform not in VIDEO_PLATFORMS or not title or day is None:
        return None
    return Video(embed, title, day, poster)


def videos(body):
    """The body's video embeds that have a title and an upload date, in reading order."""
    if "data-upload-date" not in body:
        return []
    found = []
    for match in FIGURE.finditer(body):
        src = SRC.search(match[1])
        embed, title = link_parts(match[2], match[3])
        found.append(
            (match.start(), video(embed, title, match[2], html.unescape(src[1]) if src else ""))
        )
    for match in PARAGRAPH.finditer(body):
        if match[1] is not None:
            found.append((match.start(), video(*link_parts(match[1], match[2]), match[1])))
    return [item for _, item in sorted(found, key=lambda pair: pair[0]) if item]


def embeds_as_links(body):
    """For feeds: an embeddable URL written as bare text becomes a link (a linked one stays
    as it is); readers of a feed get no player and no card."""
    if "://" not in body:
        return body
    return PARAGRAPH.sub(bare_link, body)
