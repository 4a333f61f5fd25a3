"""Search fields, and the index each database searches them with (articles/search.py).

PostgreSQL: a GIN index on the weighted tsvector expression that articles/search.py queries.
SQLite: an FTS5 table of stemmed words, kept up to date by post_save/post_delete receivers.
Existing articles are indexed here; `manage.py rebuild_search` does the same at any time.
"""

from django.db import migrations, models

PG_INDEX = (
    "CREATE INDEX article_search_gin ON articles_article USING gin ("
    "(setweight(to_tsvector('arabic'::regconfig, search_title), 'A')"
    " || setweight(to_tsvector('arabic'::regconfig, search_body), 'B')))"
)
FTS_TABLE = (
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')"
)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_INDEX)
    elif vendor == "sqlite":
        schema_editor.execute(FTS_TABLE)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_gin")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_search")


def backfill(apps, schema_editor):
    from articles.management.commands.rebuild_search import rebuild

    Article = apps.get_model("articles", "Article")
    rebuild(Article, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_body",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="article",
            name="search_title",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
