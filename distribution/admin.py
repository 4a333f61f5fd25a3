from django.contrib import admin, messages
from django.urls import reverse

from articles import workflow
from jobs.models import Job

from . import posting
from .models import TelegramPost

State = TelegramPost.State


@admin.register(TelegramPost)
class TelegramPostAdmin(admin.ModelAdmin):
    """What went to the channels, read-only but for one decision: sending again a post
    whose answer was lost, once an editor has looked in the channel."""

    list_display = ["article", "entry", "channel", "state", "sent_at", "error"]
    list_filter = ["state", "channel"]
    list_select_related = ["article", "entry"]
    search_fields = ["article__headline"]
    readonly_fields = [f.name for f in TelegramPost._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description="أعد الإرسال (تحققتُ من القناة ولم أجد الرسالة)", permissions=["change"]
    )
    def send_again(self, request, queryset):
        picked = queryset.filter(state=State.UNCONFIRMED, article__isnull=False)
        articles = set(picked.values_list("article_id", flat=True))
        count = TelegramPost.objects.filter(
            pk__in=list(picked.values_list("pk", flat=True)), state=State.UNCONFIRMED
        ).update(state=State.PENDING, attempted_at=None)
        for article_pk in articles:
            posting.schedule(article_pk)
        if count:
            messages.success(request, f"ستُرسل من جديد: {count}.")
        else:
            messages.warning(request, "لا يُعاد إرسال إلا ما حالته «لم يتأكد الإرسال».")


def banner(sender, article, request, **kwargs):
    """articles.signals.change_form_opened: editors see where the article stands in the
    channels, and Telegram's own words when it failed. Two queries."""
    if not workflow.can_publish(request.user):
        return {}
    posts = list(TelegramPost.objects.filter(article=article).order_by("channel"))
    if not posts:
        return {}
    stopped = Job.objects.filter(key=f"telegram:{article.pk}", status=Job.Status.STOPPED).exists()
    return {
        "telegram_posts": posts,
        "telegram_stopped": stopped,
        "telegram_list_url": reverse("admin:distribution_telegrampost_changelist")
        + f"?article__id__exact={article.pk}",
    }
