"""Demo content: the seed article from a Syrian news agency, 39 companions, images and accounts.

Everything is keyed by a stable natural key (headline, section name, username, image title),
so loading twice updates rows instead of duplicating them.
"""

import io
import json
import random
import secrets
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw

from images.models import Image
from sections.models import Section

from .models import Article
from .roles import EDITORS, JOURNALISTS

DEMO_DIR = Path(__file__).resolve().parent / "demo_data"
SEED_FILE = DEMO_DIR / "hasakah-prison-article.txt"
CONTENT_FILE = DEMO_DIR / "content.json"
READ_ALSO = "اقرأ أيضاً"
PAGE_CHROME = {"مقالات ذات صلة", "زر الذهاب إلى الأعلى"}

ACCOUNTS = [
    # username, first name, last name, group, superuser
    ("admin", "مدير", "الموقع", None, True),
    ("editor", "سارة", "الأحمد", EDITORS, False),
    ("journalist", "عمر", "الخطيب", JOURNALISTS, False),
]


def unquote(text):
    return text.translate(str.maketrans("", "", '"“”'))


def parse_seed(text):
    """Split the seed page into section, headline and body blocks.

    Returns (section, headline, blocks) where blocks are ("p"|"h2", text) or
    ("read_also", headline-of-target). A line repeating the headline is the lead image's
    caption on the original page and is dropped; page chrome ends the body.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    section, headline, rest = lines[0], lines[1], lines[2:]
    blocks = []
    for line in rest:
        if line in PAGE_CHROME:
            break
        if unquote(line) == unquote(headline):
            continue
        if line.startswith(READ_ALSO):
            blocks.append(("read_also", line.split(":", 1)[1].strip()))
        elif len(line) < 60 and not line.endswith((".", "،", ":")):
            blocks.append(("h2", line))
        else:
            blocks.append(("p", line))
    return section, headline, blocks


def render_blocks(blocks, links):
    """HTML for body blocks; read-also targets become links to the article's short URL,
    which survives slug changes."""
    html = []
    for kind, text in blocks:
        if kind == "read_also":
            target = links.get(unquote(text))
            if target is None:
                continue
            html.append(
                f'<p><strong>{READ_ALSO}:</strong> <a href="/articles/{target.pk}/">'
                f"{escape(target.headline)}</a></p>"
            )
        else:
            html.append(f"<{kind}>{escape(text)}</{kind}>")
    return "".join(html)


def make_picture(seed, size=(1600, 900)):
    """A JPEG of soft shapes, different for every seed: stands in for a news photo."""
    rnd = random.Random(seed)
    base = tuple(rnd.randint(40, 200) for _ in range(3))
    picture = PILImage.new("RGB", size, base)
    draw = ImageDraw.Draw(picture)
    width, height = size
    for _ in range(14):
        colour = tuple(min(255, max(0, c + rnd.randint(-70, 70))) for c in base)
        x, y = rnd.randint(-200, width), rnd.randint(-200, height)
        r = rnd.randint(80, 420)
        if rnd.random() < 0.5:
            draw.ellipse([x, y, x + r, y + r], fill=colour)
        else:
            draw.rectangle([x, y, x + r * 1.5, y + r], fill=colour)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=82)
    return out.getvalue()


class DemoLoader:
    def __init__(self, password=None, stdout=None):
        self.password = password
        self.write = stdout.write if stdout else (lambda s: None)
        self.now = timezone.now()
        self.counts = {"created": 0, "updated": 0}

    @transaction.atomic
    def run(self):
        content = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))
        users = self.load_accounts()
        sections = self.load_sections(content["sections"])
        by_headline = {}
        for index, item in enumerate(content["articles"]):
            article = self.upsert_article(
                item["headline"],
                sections[item["section"]],
                users[1 + index % 2],
                kicker=item.get("kicker", ""),
                summary=item.get("summary", ""),
                source=item.get("source", ""),
                body=render_blocks(item["body"], {}),
                is_featured=item.get("featured", False),
                published_at=self.now - timedelta(hours=item["hours_ago"]),
                tags=item.get("tags", []),
                image_seed=item["key"],
            )
            by_headline[unquote(article.headline)] = article
        seed = self.load_seed(sections, users, by_headline)
        self.load_workflow_examples(sections, users)
        seed.related.set(a for h, a in by_headline.items() if "الحسكة" in h)
        return seed

    def load_accounts(self):
        User = get_user_model()
        users = []
        for username, first, last, group, is_super in ACCOUNTS:
            user, created = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@newsroom.example"
            user.is_staff, user.is_superuser = True, is_super
            if created or self.password:
                password = self.password or secrets.token_urlsafe(9)
                user.set_password(password)
                self.write(f"  {username}: {password}\n")
            else:
                self.write(f"  {username}: (كلمة المرور لم تتغير؛ عيّن DEMO_PASSWORD لتغييرها)\n")
            user.save()
            if group:
                user.groups.set([Group.objects.get(name=group)])
            users.append(user)
        return users

    def load_sections(self, items):
        sections = {}
        for position, item in enumerate(items):
            section, _ = Section.objects.update_or_create(
                name=item["name"],
                defaults={
                    "slug": item["slug"],
                    "description": item.get("description", ""),
                    "position": position,
                },
            )
            sections[section.name] = section
        return sections

    def image_for(self, seed, title, alt, caption="", credit="خدمة الصور في نيوزروم"):
        image = Image.objects.filter(title=title).first()
        if image is None:
            image = Image(title=title, alt_text=alt, caption=caption, credit=credit)
            image.file.save("demo.jpg", ContentFile(make_picture(seed)), save=False)
            image.save()
        return image

    def upsert_article(self, headline, section, author, tags, image_seed, **fields):
        image = self.image_for(image_seed, f"صورة توضيحية: {headline[:200]}", headline[:250])
        article = Article.objects.filter(headline=headline).first()
        self.counts["updated" if article else "created"] += 1
        article = article or Article(headline=headline)
        fields.setdefault("status", Article.Status.PUBLISHED)
        for name, value in fields.items():
            setattr(article, name, value)
        article.section, article.lead_image, article.created_by = section, image, author
        article.save()
        article.authors.set([author])
        article.tags.set(tags, clear=True)
        return article

    def load_seed(self, sections, users, by_headline):
        section_name, headline, blocks = parse_seed(SEED_FILE.read_text(encoding="utf-8"))
        article = self.upsert_article(
            headline,
            sections[section_name],
            users[1],
            tags=["الحسكة", "قسد", "داعش", "سجن غويران"],
            image_seed="hasakah-prison",
            kicker="معركة سجن الصناعة",
            summary=(
                "اشتباكات عنيفة لليوم الرابع بين قسد وتنظيم داعش في محيط سجن الصناعة بالحسكة، "
                "وقسد تستخدم المدفعية الثقيلة لأول مرة."
            ),
            source="وكالة ستيب الإخبارية",
            body=render_blocks(blocks, by_headline),
            is_featured=True,
            published_at=self.now - timedelta(hours=2),
            lead_image_caption=headline,
        )
        return article

    def load_workflow_examples(self, sections, users):
        """One article in each non-public state, so the admin shows the whole workflow."""
        journalist = users[2]
        examples = [
            ("مسودة: جولة في أسواق دمشق قبل العيد", Article.Status.DRAFT, None),
            ("قيد المراجعة: تقرير عن واقع المياه في دير الزور", Article.Status.REVIEW, None),
            (
                "مجدول: حوار مع مدير مهرجان السينما",
                Article.Status.PUBLISHED,
                self.now + timedelta(days=2),
            ),
        ]
        for headline, status, published_at in examples:
            self.upsert_article(
                headline,
                sections["منوعات"],
                journalist,
                tags=[],
                image_seed=headline,
                status=status,
                published_at=published_at,
                summary="مثال على مقال لم يُنشر بعد، لعرض مراحل العمل في غرفة الأخبار.",
                body="<p>نص تجريبي.</p>",
            )
