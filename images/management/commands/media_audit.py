"""Compares the media storage with the database: files no row points at (orphans, reported)
and rows whose file is gone (missing, reported and exit status 1, since a reader sees a
broken image)."""

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import FileField


def referenced_files():
    """{name: "app.Model.field #pk"} for every FileField/ImageField value in the database."""
    names = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                rows = model._default_manager.exclude(**{field.name: ""}).exclude(
                    **{f"{field.name}__isnull": True}
                )
                for pk, name in rows.values_list("pk", field.name).iterator():
                    names[name] = f"{model._meta.label}.{field.name} #{pk}"
    return names


def stored_files(storage, directory=""):
    directories, files = storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for sub in directories:
        yield from stored_files(storage, f"{directory}/{sub}" if directory else sub)


class Command(BaseCommand):
    help = "يقارن ملفات الوسائط بسجلات قاعدة البيانات: ملفات بلا سجل وسجلات بلا ملف."

    def handle(self, *args, **options):
        referenced = referenced_files()
        try:
            stored = set(stored_files(default_storage))
        except FileNotFoundError:
            stored = set()
        missing = sorted(name for name in referenced if name not in stored)
        orphans = sorted(stored - referenced.keys())
        for name in orphans:
            self.stdout.write(f"orphan file (no row): {name}")
        for name in missing:
            self.stdout.write(f"missing file: {name} ({referenced[name]})")
        self.stdout.write(
            f"{len(referenced)} rows with files, {len(stored)} stored files, "
            f"{len(orphans)} orphans, {len(missing)} missing"
        )
        if missing:
            raise CommandError(f"{len(missing)} rows point at missing files", returncode=1)
