"""A generated WordPress export (WXR 1.2) for timing `import_wordpress` on a large archive.

    python bench/wordpress_export.py /tmp/wp-10k.xml --posts 10000

Written as a stream (nothing held in memory). Arabic posts of 12-20 Gutenberg or classic
paragraphs with H2s, read-also links to other posts (nine in ten to older posts, as on a real
site), tags, categories with a hierarchy, 20 authors, percent-encoded Arabic permalinks, a
featured-image attachment for every fifth post, shortcodes in classic posts, and a few
drafts, scheduled and private posts. Deterministic (seeded), so two runs write the same
bytes.
"""

import argparse
import random
from urllib.parse import quote

SITE = "https://archive.example.com"
WORDS = [
    "قالت",
    "مصادر",
    "محلية",
    "إن",
    "الاشتباكات",
    "تجددت",
    "في",
    "محيط",
    "المدينة",
    "صباح",
    "اليوم",
    "وسط",
    "انتشار",
    "أمني",
    "واسع",
    "وأفاد",
    "مراسلنا",
    "بأن",
    "القوات",
    "استقدمت",
    "تعزيزات",
    "عسكرية",
    "إلى",
    "الأحياء",
    "الجنوبية",
    "فيما",
    "نزحت",
    "عشرات",
    "العائلات",
    "نحو",
    "الريف",
    "الشمالي",
    "بحثاً",
    "عن",
    "الأمان",
    "وأكد",
    "ناشطون",
    "أن",
    "الكهرباء",
    "انقطعت",
    "عن",
    "معظم",
    "الأحياء",
    "منذ",
    "يومين",
    "وأن",
    "الأسعار",
    "ارتفعت",
    "بشكل",
    "كبير",
    "في",
    "الأسواق",
    "المحلية",
    "ودعت",
    "منظمات",
    "إنسانية",
    "إلى",
    "فتح",
    "ممرات",
    "آمنة",
    "للمدنيين",
    "وإيصال",
    "المساعدات",
    "الطبية",
    "والغذائية",
    "إلى",
    "المناطق",
    "المحاصرة",
]
CATEGORIES = [
    ("syrian-affairs", "الشأن السوري", ""),
    ("news", "أخبار", ""),
    ("hasakah", "الحسكة", "news"),
    ("raqqa", "الرقة", "news"),
    ("deir-ezzor", "دير الزور", "news"),
    ("idlib", "إدلب", "news"),
    ("aleppo", "حلب", "news"),
    ("economy", "اقتصاد", ""),
    ("reports", "تقارير", ""),
    ("opinion", "رأي", ""),
    ("world", "عربي ودولي", ""),
    ("sport", "رياضة", ""),
]
TAGS = [f"وسم {word} {n}" for n, word in enumerate(WORDS * 6)][:300]


def enc(text):
    return quote(text, safe="").lower()


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng, low=12, high=30):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))) + "."


def slug_of(n):
    return f"خبر-رقم-{n}-عن-{WORDS[n % len(WORDS)]}"


def link_of(n):
    return f"{SITE}/2022/{1 + n % 12:02d}/{enc(slug_of(n))}/"


def body(rng, n, total, gutenberg):
    parts = []
    for index in range(rng.randint(12, 20)):
        if index in (4, 10):
            text = sentence(rng, 4, 8)
            parts.append(
                f"<!-- wp:heading -->\n<h2>{text}</h2>\n<!-- /wp:heading -->"
                if gutenberg
                else f"<h2>{text}</h2>"
            )
        elif index in (6, 13):
            # Mostly older stories, as on a real site (an export lists posts oldest first),
            # and one in ten further down the file, which the importer links at the end.
            if n > 1 and rng.random() < 0.9:
                other = rng.randrange(1, n)
            else:
                other = rng.randrange(1, total + 1)
            href = link_of(other) if rng.random() < 0.7 else f"{SITE}/?p={other}"
            text = f'<strong>اقرأ أيضاً:</strong> <a href="{href}">{sentence(rng, 6, 10)}</a>'
            parts.append(
                f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"
                if gutenberg
                else text
            )
        else:
            text = " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
            if gutenberg:
                parts.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->")
            else:
                if index == 8:
                    text = f'[box type="info"]{text}[/box]'
                parts.append(text)
    return "\n\n".join(parts)


def item(**fields):
    categories = "".join(
        f'\t\t<category domain="{domain}" nicename="{nicename}">{cdata(name)}</category>\n'
        for domain, nicename, name in fields.get("categories", ())
    )
    meta = "".join(
        f"\t\t<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>\n"
        for key, value in fields.get("meta", ())
    )
    attachment = (
        f"\t\t<wp:attachment_url>{cdata(fields['attachment_url'])}</wp:attachment_url>\n"
        if fields.get("attachment_url")
        else ""
    )
    return (
        "\t<item>\n"
        f"\t\t<title>{cdata(fields['title'])}</title>\n"
        f"\t\t<link>{fields['link']}</link>\n"
        f"\t\t<dc:creator>{cdata(fields['creator'])}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{SITE}/?p={fields["id"]}</guid>\n'
        f"\t\t<content:encoded>{cdata(fields.get('content', ''))}</content:encoded>\n"
        f"\t\t<excerpt:encoded>{cdata(fields.get('excerpt', ''))}</excerpt:encoded>\n"
        f"\t\t<wp:post_id>{fields['id']}</wp:post_id>\n"
        f"\t\t<wp:post_date>{cdata(fields['date'])}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{cdata(fields['date'])}</wp:post_date_gmt>\n"
        f"\t\t<wp:post_name>{cdata(fields.get('slug', ''))}</wp:post_name>\n"
        f"\t\t<wp:status>{cdata(fields['status'])}</wp:status>\n"
        f"\t\t<wp:post_parent>{fields.get('parent', 0)}</wp:post_parent>\n"
        f"\t\t<wp:post_type>{cdata(fields['type'])}</wp:post_type>\n"
        f"{attachment}{categories}{meta}\t</item>\n"
    )


def write(path, posts, seed=7):
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"\t<title>أرشيف</title>\n\t<link>{SITE}</link>\n"
            f"\t<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"\t<wp:base_site_url>{SITE}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
        )
        for n in range(1, 21):
            out.write(
                f"\t<wp:author><wp:author_id>{n}</wp:author_id>"
                f"<wp:author_login>{cdata(f'writer{n}')}</wp:author_login>"
                f"<wp:author_display_name>{cdata(f'كاتب رقم {n}')}</wp:author_display_name>"
                "</wp:author>\n"
            )
        for n, (nicename, name, parent) in enumerate(CATEGORIES, 1):
            out.write(
                f"\t<wp:category><wp:term_id>{n}</wp:term_id>"
                f"<wp:category_nicename>{cdata(nicename)}</wp:category_nicename>"
                f"<wp:category_parent>{cdata(parent)}</wp:category_parent>"
                f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n"
            )
        for n, name in enumerate(TAGS, 100):
            out.write(
                f"\t<wp:tag><wp:term_id>{n}</wp:term_id><wp:tag_slug>{cdata(enc(name))}"
                f"</wp:tag_slug><wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n"
            )
        for n in range(1, posts + 1):
            status = rng.choices(
                ["publish", "draft", "future", "pending", "private"], [92, 3, 2, 2, 1]
            )[0]
            year = 2030 if status == "future" else 2022
            date = f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}:00"
            category = CATEGORIES[n % len(CATEGORIES)]
            tags = rng.sample(TAGS, rng.randint(1, 6))
            meta = []
            if n % 5 == 0:
                attachment = 1_000_000 + n
                meta.append(("_thumbnail_id", str(attachment)))
                out.write(
                    item(
                        id=attachment,
                        title=f"صورة الخبر {n}",
                        link=f"{link_of(n)}image-{n}/",
                        creator=f"writer{1 + n % 20}",
                        date=date,
                        status="inherit",
                        type="attachment",
                        parent=n,
                        attachment_url=f"{SITE}/wp-content/uploads/2022/01/image-{n}.jpg",
                        meta=[("_wp_attachment_image_alt", f"وصف صورة الخبر {n}")],
                    )
                )
            out.write(
                item(
                    id=n,
                    title=f"خبر رقم {n}: " + sentence(rng, 6, 12)[:-1],
                    link=link_of(n),
                    slug=enc(slug_of(n)),
                    creator=f"writer{1 + n % 20}",
                    date=date,
                    status=status,
                    type="post",
                    content=body(rng, n, posts, gutenberg=n % 3 != 0),
                    excerpt=sentence(rng, 15, 25),
                    categories=[("category", category[0], category[1])]
                    + [("post_tag", enc(tag), tag) for tag in tags],
                    meta=meta,
                )
            )
        out.write("</channel>\n</rss>\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--posts", type=int, default=10_000)
    arguments = parser.parse_args()
    write(arguments.path, arguments.posts)
