from django.apps import AppConfig


class AutosaveConfig(AppConfig):
    name = "autosave"
    verbose_name = "الحفظ التلقائي"

    def ready(self):
        from articles.signals import form_saved

        from .models import forget_saved

        # The article's own save supersedes what was autosaved from its form.
        form_saved.connect(forget_saved, dispatch_uid="autosave-forget-saved")
