"""Compares the media storage with the database: files no row points at (orphans, reported)
and rows whose file is gone (missing, reported and exit status 1, since a reader sees a
broken image). A library file's renditions (in its own folder) and the files that earlier
versions of an image name (a replaced file is kept, so its revision can be restored) are
referenced too."""

import posixpath

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import FileField
from reversion.models import Version

from images.models import Image, history_files
from images.renditions import folder_of


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
        in_history = history_files(Version.objects.get_for_model(Image).iterator())
        folders = {str(folder_of(name)) for name in (*referenced, *in_history)}
        try:
            stored = set(stored_files(default_storage))
        except FileNotFoundError:
            stored = set()
        missing = sorted(name for name in referenced if name not in stored)
        orphans = sorted(
            name
            for name in stored - referenced.keys() - in_history.keys()
            if posixpath.dirname(name) not in folders
        )
        for name in orphans:
            self.stdout.write(f"orphan file (no row): {name}")
        for name in missing:
            self.stdout.write(f"missing file: {name} ({referenced[name]})")
        self.stdout.write(
            f"{len(referenced)} rows with files, {len(in_history)} files in image history, "
            f"{len(stored)} stored files, {len(orphans)} orphans, {len(missing)} missing"
        )
        if missing:
            raise CommandError(f"{len(missing)} rows point at missing files", returncode=1)
