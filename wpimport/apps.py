from django.apps import AppConfig


class WpimportConfig(AppConfig):
    name = "wpimport"
    verbose_name = "الاستيراد من ووردبريس"
