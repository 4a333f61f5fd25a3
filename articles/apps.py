from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "المقالات"

    def ready(self):
        from .pagecache import connect_invalidation
        from .roles import ensure_groups

        connect_invalidation()

        # After the last app of the project has migrated, its permissions exist.
        post_migrate.connect(ensure_groups, sender=self)
