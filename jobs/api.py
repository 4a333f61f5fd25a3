"""Django's Tasks API, from core (Django 6.0+) or from the `django-tasks` backport (5.2): the
same names either way, so the rest of the code imports them from here."""

from django.conf import settings
from django.utils.module_loading import import_string

task = import_string(f"{settings.TASKS_MODULE}.task")
task_backends = import_string(f"{settings.TASKS_MODULE}.task_backends")
