from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "التعديلات المقترحة"

    def ready(self):
        from articles.signals import change_form_opened

        from .models import banner

        # The article's change form shows its proposals (templates/admin/articles/article/).
        change_form_opened.connect(banner, dispatch_uid="proposals-banner")
