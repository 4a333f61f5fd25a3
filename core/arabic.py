"""Arabic text normalization shared by slugs, tags and search.

One canonical form per word, so that spellings that look the same to a reader (with or
without tashkeel or tatweel, Persian or Arabic yeh) get the same slug and the same tag.
"""

import re
import unicodedata

from django.utils.text import slugify

from core.control_characters import strip_controls

TATWEEL = "\u0640"
# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks.
TASHKEEL_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# Bidi controls, zero-width characters and the BOM: invisible, and a spoofing tool in names.
INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
LETTER_MAP = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643"})  # Persian yeh/kaf


def clean_name(text):
    """Normalize a short name (headline-derived slug input, tag, section) for storage.

    NFKC folds presentation forms; Persian yeh and kaf become their Arabic letters; control
    characters, bidi and zero-width controls are removed; runs of whitespace collapse.
    Tashkeel is kept: it is part of what the writer meant.
    """
    text = unicodedata.normalize("NFKC", strip_controls(text or "", multiline=False))
    text = INVISIBLE_RE.sub("", text).translate(LETTER_MAP)
    return " ".join(text.split())


def slugify_arabic(text, max_length=255):
    """A unicode slug: Arabic letters kept, tashkeel and tatweel removed, words joined by '-'."""
    text = TASHKEEL_RE.sub("", clean_name(text)).replace(TATWEEL, "")
    slug = slugify(text, allow_unicode=True)
    return slug[:max_length].strip("-")


def unique_slug(text, exists, max_length=255, fallback="مقال"):
    """The slug for `text`, with -2, -3 ... appended while `exists(slug)` says it is taken."""
    base = slugify_arabic(text, max_length) or fallback
    slug, n = base, 1
    while exists(slug):
        n += 1
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].strip("-") + suffix
    return slug


# Search normalization: one canonical form for the spellings a reader types interchangeably.
# Documents and queries go through the same functions, on PostgreSQL and SQLite alike.
ALEF_MAP = str.maketrans(
    {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627"}
)
DIGIT_MAP = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
ALEF_MAQSURA, YEH = "\u0649", "\u064a"
TEH_MARBUTA, HEH = "\u0629", "\u0647"
# A word: letters and digits, with any tashkeel or tatweel inside it.
WORD_RE = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+")


def normalize_search(text):
    """Text as the search index sees it: NFKC, no tashkeel or tatweel, one alef, ى→ي,
    Western digits, lower case, invisible characters removed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = INVISIBLE_RE.sub("", text).translate(LETTER_MAP)
    text = TASHKEEL_RE.sub("", text).replace(TATWEEL, "")
    return text.translate(ALEF_MAP).translate(DIGIT_MAP).replace(ALEF_MAQSURA, YEH).lower()


def strip_conjunction(word):
    """و or ف glued to a definite article (والحسكة, فالعربية): the Arabic stemmer removes
    "ال" only at the start of a word, so the conjunction would hide the noun."""
    if word[:1] in {"و", "ف"} and word[1:3] == "ال" and len(word) >= 6:
        return word[1:]
    return word


def fold_heh(word):
    """A final ه becomes ة: readers type الحسكه for الحسكة, so both spellings are one word
    in the index and in queries (a pronoun ه folds too, harmlessly: both sides agree)."""
    if len(word) >= 3 and word.endswith(HEH):
        return word[:-1] + TEH_MARBUTA
    return word


def search_words(text):
    """The normalized words of `text`, in order; underscores are not word characters."""
    return [
        fold_heh(strip_conjunction(word))
        for word in WORD_RE.findall(normalize_search(text).replace("_", " "))
    ]
