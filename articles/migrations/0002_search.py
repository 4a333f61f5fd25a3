"""Search fields, and the index each database searches them with (articles/search.py).

PostgreSQL: a generated tsvector column (headline weighted A, the rest B) with a GIN index.
SQLite: an FTS5 table of stemmed words, kept up to date by post_save/post_delete receivers.
Existing articles are indexed here; `manage.py rebuild_search` does the same at any time.
"""

import django.db.models.deletion
from django.db import migrations, models

# A stored generated column, invisible to the ORM (queries name it in articles/search.py):
# ranking reads the stored vector instead of parsing every matching body again.
PG_COLUMN = (
    "ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('arabic'::regconfig, search_title), 'A')"
    " || setweight(to_tsvector('arabic'::regconfig, search_body), 'B')) STORED"
)
PG_INDEX = "CREATE INDEX article_search_gin ON articles_article USING gin (search_vector)"
FTS_TABLE = (
    "CREATE VIRTUAL TABLE articles_search USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0')"
)


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_COLUMN)
        schema_editor.execute(PG_INDEX)
    elif vendor == "sqlite":
        schema_editor.execute(FTS_TABLE)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_gin")
        schema_editor.execute("ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector")
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
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("title", models.TextField()),
                ("body", models.TextField()),
            ],
            options={"db_table": "articles_search", "managed": False},
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
