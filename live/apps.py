from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "التغطية المباشرة"

    def ready(self):
        from .cache_policy import register_with_page_cache
        from .pages import register_page_extension

        register_with_page_cache()
        register_page_extension()
