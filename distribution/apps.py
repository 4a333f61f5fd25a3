from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "distribution"
    verbose_name = "التوزيع"

    def ready(self):
        from django.conf import settings
        from django.db.models.signals import post_save, pre_delete

        from articles.models import Article
        from articles.signals import article_went_live, change_form_opened, form_saved
        from jobs import clock
        from live.models import LiveEntry

        from . import admin, posting, push

        article_went_live.connect(posting.went_live, dispatch_uid="telegram-went-live")
        form_saved.connect(posting.form_saved, dispatch_uid="telegram-form-saved")
        post_save.connect(posting.article_saved, sender=Article, dispatch_uid="telegram-saved")
        pre_delete.connect(posting.article_deleted, sender=Article, dispatch_uid="telegram-del")
        change_form_opened.connect(admin.banner, dispatch_uid="telegram-banner")
        post_save.connect(posting.entry_saved, sender=LiveEntry, dispatch_uid="telegram-entry")
        article_went_live.connect(push.went_live, dispatch_uid="push-went-live")
        form_saved.connect(push.form_saved, dispatch_uid="push-form-saved")
        clock.every(settings.EVENTS_TICK_SECONDS)(posting.scheduled_entries_due)
        post_save.connect(push.entry_saved, sender=LiveEntry, dispatch_uid="push-entry")
        clock.every(settings.EVENTS_TICK_SECONDS)(push.scheduled_entries_due)
