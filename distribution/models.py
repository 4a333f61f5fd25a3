from django.db import models


class TelegramPost(models.Model):
    """An article's message in one channel: one row per article and channel (unique), made
    when the article should be posted, before anything is sent. The message id Telegram
    gives back is what edits and deletions use, and what makes the post happen once."""

    class State(models.TextChoices):
        PENDING = "pending", "في انتظار الإرسال"
        SENDING = "sending", "يُرسل الآن"
        UNCONFIRMED = "unconfirmed", "لم يتأكد الإرسال"
        SENT = "sent", "منشورة في القناة"
        DELETED = "deleted", "حُذفت من القناة"

    # Kept when the article is deleted (its message is deleted by a job): the record of what
    # was in the channel stays, and deleting an article needs no permission on these rows.
    article = models.ForeignKey(
        "articles.Article",
        verbose_name="المقال",
        on_delete=models.SET_NULL,
        null=True,
        related_name="telegram_posts",
    )
    # Or a key entry of a live story (its coverage's «نشر الأحداث المهمة على تيليغرام»).
    entry = models.ForeignKey(
        "live.LiveEntry",
        verbose_name="تحديث مباشر",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="telegram_posts",
    )
    channel = models.CharField("القناة", max_length=100)
    state = models.CharField("الحالة", max_length=20, choices=State, default=State.PENDING)
    message_id = models.BigIntegerField("رقم الرسالة", null=True, blank=True)
    as_photo = models.BooleanField("بصورة", default=False)
    caption = models.TextField("النص المنشور", blank=True)
    # Written before the request leaves: an attempt with no message id after it is a post
    # that may be in the channel (posting.reconcile).
    attempted_at = models.DateTimeField("آخر محاولة", null=True, blank=True)
    sent_at = models.DateTimeField("أُرسلت", null=True, blank=True)
    error = models.TextField("آخر خطأ من تيليغرام", blank=True)
    error_at = models.DateTimeField("وقت الخطأ", null=True, blank=True)

    class Meta:
        verbose_name = "رسالة تيليغرام"
        verbose_name_plural = "رسائل تيليغرام"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "channel"], name="telegram_post_once"),
            models.UniqueConstraint(fields=["entry", "channel"], name="telegram_entry_once"),
        ]

    def __str__(self):
        return f"{self.channel}: {self.article_id or self.entry_id}"


class PushSubscription(models.Model):
    """A reader's browser that asked for notifications: where its push service takes
    messages (endpoint) and the keys its messages are encrypted with. No account, no
    cookie: the browser holds the subscription, this table only the address."""

    BREAKING = "breaking"

    endpoint = models.URLField("عنوان خدمة الإشعارات", max_length=1000)
    p256dh = models.CharField("مفتاح التشفير", max_length=200)
    auth = models.CharField("سر المصادقة", max_length=100)
    # "breaking" (every article an editor marks «إشعار عاجل») or "live:<coverage id>" (the
    # key entries of one live story whose coverage is ticked «إشعار بالأحداث المهمة»).
    # A browser has one endpoint: following breaking news and a live story is two rows.
    topic = models.CharField("الموضوع", max_length=40, default=BREAKING, db_index=True)
    created = models.DateTimeField("اشترك في", auto_now_add=True)

    class Meta:
        verbose_name = "اشتراك في الإشعارات"
        verbose_name_plural = "اشتراكات الإشعارات"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "topic"], name="push_subscription_once")
        ]

    def __str__(self):
        return f"{self.topic} #{self.pk}"


class PushDelivery(models.Model):
    """One notification sent (or being sent) to one subscription: the unique pair is what
    makes an article reach a browser once, however often its job runs."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    entry = models.ForeignKey(
        "live.LiveEntry", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    sent_at = models.DateTimeField("أُرسل", auto_now_add=True)

    class Meta:
        verbose_name = "إشعار مُرسل"
        verbose_name_plural = "إشعارات مُرسلة"
        constraints = [
            models.UniqueConstraint(fields=["article", "subscription"], name="push_article_once"),
            models.UniqueConstraint(fields=["entry", "subscription"], name="push_entry_once"),
        ]

    def __str__(self):
        return f"{self.article_id or self.entry_id} → {self.subscription_id}"
