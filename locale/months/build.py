"""Writes and compiles the month-name catalogs, one folder per set of core/month_names.py:
locale/months/<set>/ar/LC_MESSAGES/django.po and djangojs.po (settings.LOCALE_PATHS puts the
chosen set first). Run after changing core/month_names.py, and commit the .po and .mo files:

    .venv/bin/python locale/months/build.py
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from core.month_names import MONTH_NAMES  # noqa: E402

# django.utils.dates' English names: full, and Associated Press style (the N format).
ENGLISH = [
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
]
ASSOCIATED_PRESS = [
    *("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug."),
    *("Sept.", "Oct.", "Nov.", "Dec."),
]
PLURAL = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
)
HEADER = """# The {name} month names for Django's own dates (the admin), written by
# locale/months/build.py from core/month_names.py: do not edit by hand.
msgid ""
msgstr ""
"Project-Id-Version: newsroom\\n"
"Language: ar\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"
"""


def entry(msgid, msgstr, context=None):
    line = f'msgctxt "{context}"\n' if context else ""
    return f'\n{line}msgid "{msgid}"\nmsgstr "{msgstr}"\n'


def django_entries(names):
    """django.utils.dates: F (MONTHS), E (MONTHS_ALT), N (MONTHS_AP), b (MONTHS_3). Arabic
    has no short month names: every form is the full name."""
    out = []
    for english, ap, arabic in zip(ENGLISH, ASSOCIATED_PRESS, names, strict=True):
        out.append(entry(english, arabic))
        out.append(entry(english, arabic, "alt. month"))
        out.append(entry(ap, arabic, "abbrev. month"))
        out.append(entry(english[:3].lower(), arabic))
    return out


def djangojs_entries(names):
    """The admin's calendar widget (admin/js/calendar.js)."""
    out = []
    for english, arabic in zip(ENGLISH, names, strict=True):
        out.append(entry(english, arabic))
        out.append(entry(english[:3], arabic, f"abbrev. month {english}"))
    return out


def main():
    for name, names in MONTH_NAMES.items():
        folder = HERE / name / "ar" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        for domain, entries in (("django", django_entries), ("djangojs", djangojs_entries)):
            po = folder / f"{domain}.po"
            text = HEADER.format(name=name, plural=PLURAL) + "".join(entries(names))
            po.write_text(text, encoding="utf-8")
            mo = po.with_suffix(".mo")
            # gettext's msgfmt from PATH, on files this script just wrote.
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)  # noqa: S603, S607


if __name__ == "__main__":
    main()
