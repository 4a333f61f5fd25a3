"""One date language for the site and the admin (core/dates.py): the month names of
NEWSROOM_MONTH_NAMES, day before month, a 24-hour clock, in the newsroom's time zone. Django's
own dates in the admin (the list, history, messages, the calendar widget) say the same through
our `ar` formats and the set's catalog (locale/months/<set>/)."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.dates import format_datetime
from core.month_names import MONTH_NAMES

from .dom import parse_html

BASE_DIR = django_settings.BASE_DIR
# 2 December 2026 at 11:56 UTC: 14:56 in Damascus (UTC+3).
MOMENT = datetime(2026, 12, 2, 11, 56, tzinfo=UTC)
DECEMBER = {"levantine": "كانون الأول", "egyptian": "ديسمبر", "gulf": "ديسمبر"}


def test_the_default_is_levantine_and_the_site_format_is_unchanged():
    assert django_settings.NEWSROOM_MONTH_NAMES == "levantine"
    assert format_datetime(MOMENT) == "2 كانون الأول 2026، 14:56"
    assert format_datetime(MOMENT, "date") == "2 كانون الأول 2026"
    assert format_datetime(MOMENT, "time") == "14:56"
    assert format_datetime(MOMENT, "month") == "كانون الأول 2026"
    assert format_datetime(None) == ""


@pytest.mark.parametrize("name", sorted(MONTH_NAMES))
def test_django_dates_and_ours_agree_for_every_month_of_every_set(month_names, name):
    month_names(name)
    with translation.override("ar"):
        for month in range(1, 13):
            moment = datetime(2026, month, 9, 7, 5, tzinfo=UTC)
            local = timezone.localtime(moment)
            ours = format_datetime(moment)
            assert MONTH_NAMES[name][month - 1] in ours
            assert date_format(local, "DATETIME_FORMAT") == ours
            assert date_format(local, "DATE_FORMAT") == format_datetime(moment, "date")
            assert date_format(local, "YEAR_MONTH_FORMAT") == format_datetime(moment, "month")
            # Every other way Django names a month (E, N, b) says the same name.
            for code in ("E", "N", "b"):
                assert date_format(local, code) == MONTH_NAMES[name][month - 1], code


@pytest.mark.parametrize("name", sorted(MONTH_NAMES))
def test_admin_list_and_public_article_show_the_same_month_names(
    month_names, name, client, editor, make_article
):
    month_names(name)
    article = make_article(headline="خبر بتاريخ معروف", published_at=MOMENT)
    client.force_login(editor)
    doc = parse_html(client.get("/admin/articles/article/").content)
    cell = doc.find("table", id="result_list").find("td", cls="field-published_at")
    assert cell.clean_text == f"2 {DECEMBER[name]} 2026، 14:56"

    client.logout()
    page = parse_html(client.get(article.get_absolute_url()).content)
    assert page.find("time", cls="published").clean_text == f"2 {DECEMBER[name]} 2026، 14:56"


@pytest.mark.parametrize("name", sorted(MONTH_NAMES))
def test_the_admin_calendar_widget_gets_the_same_month_names(month_names, name, client, editor):
    month_names(name)
    client.force_login(editor)
    # The catalog is JSON inside JavaScript: non-ASCII letters come as \\uXXXX escapes.
    catalog = re.sub(
        r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), client.get("/admin/jsi18n/").text
    )
    assert f'"January": "{MONTH_NAMES[name][0]}"' in catalog
    assert f'"June": "{MONTH_NAMES[name][5]}"' in catalog


def test_an_unknown_month_name_set_stops_start_up_with_a_clear_error():
    env = os.environ | {"NEWSROOM_MONTH_NAMES": "syriac"}
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "NEWSROOM_MONTH_NAMES must be one of levantine, egyptian, gulf" in result.stderr


def test_workflow_messages_use_the_same_date_language(month_names):
    from articles.workflow import local_time_text

    month_names("gulf")
    assert local_time_text(MOMENT) == "2 ديسمبر 2026، 14:56"
