"""The audit log: one row per security-relevant event, never changed, never deleted except
by the retention command (audit/management/commands/prune_audit_log.py)."""

import contextvars

from django.conf import settings
from django.db import models
from django.utils import timezone

# Set only by the retention command: the one path allowed to delete rows.
pruning = contextvars.ContextVar("audit_pruning", default=False)


class AppendOnly(Exception):
    """Raised on any attempt to change or delete an audit row."""


class Action(models.TextChoices):
    LOGIN = "login", "دخول بكلمة المرور"
    LOGIN_VERIFIED = "login_verified", "اجتياز الخطوة الثانية"
    LOGIN_FAILED = "login_failed", "دخول فاشل"
    LOGIN_THROTTLED = "login_throttled", "دخول مرفوض لكثرة المحاولات"
    SECOND_STEP_FAILED = "second_step_failed", "رمز تحقق خاطئ"
    SECOND_STEP_THROTTLED = "second_step_throttled", "رمز تحقق مرفوض لكثرة المحاولات"
    LOGOUT = "logout", "خروج"
    DEVICE_ADDED = "device_added", "إعداد الخطوة الثانية"
    BACKUP_CODES = "backup_codes", "رموز احتياطية جديدة"
    BACKUP_CODE_USED = "backup_code_used", "استعمال رمز احتياطي"
    DEVICES_RESET = "devices_reset", "إعادة تعيين الخطوة الثانية"
    PASSWORD_CHANGED = "password_changed", "تغيير كلمة المرور"
    USER_CREATED = "user_created", "إنشاء حساب"
    USER_CHANGED = "user_changed", "تعديل حساب"
    USER_DELETED = "user_deleted", "حذف حساب"
    GROUPS_CHANGED = "groups_changed", "تغيير مجموعات حساب"
    PERMISSIONS_CHANGED = "permissions_changed", "تغيير صلاحيات"
    GROUP_CHANGED = "group_changed", "تعديل مجموعة"
    SUBMIT = "submit", "إرسال للمراجعة"
    PUBLISH = "publish", "نشر"
    SCHEDULE = "schedule", "جدولة"
    UNPUBLISH = "unpublish", "سحب من النشر"
    SEND_BACK = "send_back", "إعادة إلى المسودة"
    RESTORE = "restore", "استعادة نسخة"
    DELETE = "delete", "حذف مقال"
    RECOVER = "recover", "استرجاع مقال محذوف"
    PREVIEW_LINK_CREATED = "preview_link_created", "إنشاء رابط معاينة"
    PREVIEW_LINK_REVOKED = "preview_link_revoked", "إلغاء روابط المعاينة"
    DENIED = "denied", "محاولة مرفوضة"
    IMAGE_REPLACED = "image_replaced", "استبدال صورة"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit rows are never updated")

    def delete(self):
        if not pruning.get():
            raise AppendOnly("audit rows are deleted by prune_audit_log only")
        return super().delete()


class AuditEvent(models.Model):
    at = models.DateTimeField("الوقت", default=timezone.now, editable=False)
    # No database constraint and nothing done on delete: deleting a user must neither delete
    # nor rewrite the rows that say what they did (actor_name keeps the name).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="المستخدم",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    actor_name = models.CharField("اسم المستخدم", max_length=150, blank=True, editable=False)
    address = models.CharField("العنوان", max_length=45, blank=True, editable=False)
    action = models.CharField("الحدث", max_length=32, choices=Action, editable=False)
    # "app_label.model:pk", so an object's trail is one indexed filter and a link needs no
    # query (the article's page links to ?target=articles.article:<pk>).
    target = models.CharField("الكائن", max_length=100, blank=True, editable=False)
    target_repr = models.CharField("وصف الكائن", max_length=200, blank=True, editable=False)
    changes = models.JSONField("التغييرات", default=dict, blank=True, editable=False)
    detail = models.CharField("تفاصيل", max_length=300, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "حدث في سجل التدقيق"
        verbose_name_plural = "سجل التدقيق"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
            models.Index(fields=["target", "-at"], name="audit_target_at"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.actor_name or '—'} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("audit rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit rows are deleted by prune_audit_log only")


def target_key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}" if obj.pk is not None else ""
