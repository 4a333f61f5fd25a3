from html.parser import HTMLParser

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from articles.models import Article
from images.models import Image
from sections.models import Section
from tags.models import Tag

SEED_HEADLINE = (
    "“داعش” يواصل سيطرته بقلب الحسكة و”قسد” تستخدم المدفعية لأول مرّة في معركة غير مسبوقة"
)


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h2, self.links, self._tag = [], [], None

    def handle_starttag(self, tag, attrs):
        self._tag = tag
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_data(self, data):
        if self._tag == "h2":
            self.h2.append(data)

    def handle_endtag(self, tag):
        self._tag = None


def counts():
    return (
        Article.objects.count(),
        Section.objects.count(),
        Tag.objects.count(),
        Image.objects.count(),
        get_user_model().objects.count(),
    )


def test_demo_loader_runs_twice_without_duplicates(db, monkeypatch, capsys):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    articles, sections, tags, images, users = first
    assert images == articles
    assert articles >= 40 and sections >= 6 and tags > 10 and users == 3
    assert Article.objects.published().count() >= 40
    for username in ("admin", "editor", "journalist"):
        assert authenticate(username=username, password="demo-pass-123") is not None


def test_demo_passwords_are_generated_and_printed_when_not_given(db, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.strip().startswith("editor:"))
    password = line.split(":", 1)[1].strip()
    assert len(password) >= 10
    assert authenticate(username="editor", password=password) is not None


def test_seed_article_keeps_its_structure_and_links_read_also_to_other_articles(db, client):
    call_command("load_demo")
    seed = Article.objects.published().get(headline=SEED_HEADLINE)
    assert seed.section.name == "الشأن السوري"
    outline = Outline()
    outline.feed(seed.body)
    assert outline.h2 == ["معركة سجن الصناعة في الحسكة", "بيانات متناقضة من أطراف المعركة"]
    assert len(outline.links) == 2
    for href in outline.links:
        target = client.get(href, follow=True)
        assert target.status_code == 200
        assert target.redirect_chain[0][1] == 301
    assert seed.lead_image and seed.caption == SEED_HEADLINE
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    assert SEED_HEADLINE in response.content.decode()
