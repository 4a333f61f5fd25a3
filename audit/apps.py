from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "سجل التدقيق"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers

        receivers.connect()
