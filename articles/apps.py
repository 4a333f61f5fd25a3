from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "المقالات"

    def ready(self):
        from images.permissions import register as register_image_use
        from tags.permissions import register as register_tag_visibility

        from . import search, workflow
        from .cache_policy import register_with_page_cache
        from .models import Article, images_shown_publicly
        from .related import connect_ranking
        from .roles import ensure_groups

        register_with_page_cache()
        register_image_use(images_shown_publicly)
        register_tag_visibility(workflow.visible_tags)
        # After the page cache's receivers: a list ranked after commit bumps the generation
        # again if it changed, so no page is cached with the list from before the save.
        connect_ranking()

        # After the last app of the project has migrated, its permissions exist.
        post_migrate.connect(ensure_groups, sender=self)
        # SQLite's FTS5 table follows every save and delete (PostgreSQL indexes the columns).
        post_save.connect(search.article_saved, sender=Article)
        post_delete.connect(search.article_deleted, sender=Article)
