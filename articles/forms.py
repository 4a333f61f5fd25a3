"""The article form in the admin: the optimistic lock (a hidden `version`), the workflow
buttons' rules, scheduling validation, and dates entered in the newsroom's time zone with
that zone and its UTC offset shown beside each date field."""

import datetime

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.date_range import validate_date_range
from tags.parsing import validate_tag_names

from . import workflow
from .models import Article

# Arabic names of the zones an Arabic newsroom is likely to run in; any other zone is
# shown by its IANA name.
ZONE_NAMES = {
    "Asia/Damascus": "دمشق",
    "Asia/Beirut": "بيروت",
    "Asia/Amman": "عمّان",
    "Asia/Baghdad": "بغداد",
    "Asia/Riyadh": "الرياض",
    "Asia/Dubai": "دبي",
    "Africa/Cairo": "القاهرة",
    "Europe/Istanbul": "إسطنبول",
    "UTC": "UTC",
}


def zone_label(moment=None):
    """'بتوقيت دمشق، UTC+03:00': the offset at `moment` (now if not given), since zones with
    daylight saving have two."""
    local = timezone.localtime(moment or timezone.now())
    offset = local.strftime("%z")
    name = ZONE_NAMES.get(settings.TIME_ZONE, settings.TIME_ZONE)
    return f"بتوقيت {name}، UTC{offset[:3]}:{offset[3:]}"


class ZonedSplitDateTime(AdminSplitDateTime):
    # Found by the form renderer, which searches app template dirs only.
    template_name = "articles/widgets/zoned_split_datetime.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        moment = (
            value if isinstance(value, datetime.datetime) and timezone.is_aware(value) else None
        )
        context["zone_label"] = zone_label(moment)
        return context


class ZonedDateTimeField(forms.SplitDateTimeField):
    """A date and time entered in the newsroom's zone. The accepted years are checked here
    too, not only by the model: the form's own checks (expiry after publication, scheduling)
    then never see a year-1 date, and the editor gets one message."""

    default_validators = [validate_date_range]


class ArticleForm(forms.ModelForm):
    # The `version` this editor loaded; saving checks it under a row lock (workflow.lock).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    substantive_update = forms.BooleanField(
        label="تحديث جوهري",
        required=False,
        help_text="علّمه إذا غيّر هذا الحفظ معلومة في مقال منشور: يظهر للقراء «تم التحديث» بوقت "
        "هذا الحفظ. لا تعلّمه لتصحيح إملائي.",
    )

    # Set by ArticleAdmin.get_form: who is saving and which workflow button they pressed.
    user = None
    action = None

    class Meta:
        model = Article
        # The admin narrows this per user (read-only fields are left out of the form).
        fields = workflow.EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version
        self.original_state = workflow.state(self.instance) if self.instance.pk else "draft"
        if self.instance.pk is None and self.user is not None:
            # Whoever adds an article owns it (ArticleAdmin.save_model says so too): the
            # workflow's rules read the owner.
            self.instance.created_by = self.user
        if not self.is_bound:
            self.keep_usable_initial(kwargs.get("initial") or {})

    def keep_usable_initial(self, given):
        """The add form takes initial values from its query string (?section=3). A value
        that names no row or is no date is dropped, so the form renders empty there instead
        of answering 500 (the section picker queried with '²', the date widget split 'zzz').
        A date given as text is read as the editor would type it."""
        for name, value in given.items():
            field = self.fields.get(name)
            try:
                if isinstance(field, forms.ModelChoiceField):
                    field.clean(value)
                elif isinstance(field, forms.SplitDateTimeField) and isinstance(value, str):
                    self.initial[name] = forms.DateTimeField().clean(value)
                    field.run_validators(self.initial[name])
            except (ValidationError, OverflowError):
                # OverflowError: SQLite cannot bind an integer past 64 bits.
                del self.initial[name]

    def clean_tags(self):
        names = self.cleaned_data["tags"]
        validate_tag_names(names)
        return names

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                workflow.lock(self.instance.pk, cleaned.get("loaded_version"))
            except workflow.StaleEdit as stale:
                raise forms.ValidationError(str(stale), code="stale") from None
            except workflow.Busy:
                raise forms.ValidationError(workflow.Busy.message, code="busy") from None
        self.clean_workflow_action(cleaned)
        published_at = cleaned.get("published_at", self.instance.published_at)
        if cleaned.get("status") == Article.Status.PUBLISHED and published_at is None:
            cleaned["published_at"] = timezone.now()  # "published" with no time: now
            published_at = cleaned["published_at"]
        expire_at = cleaned.get("expire_at", self.instance.expire_at)
        if expire_at and published_at and expire_at <= published_at:
            self.add_error("expire_at", "وقت انتهاء النشر يجب أن يكون بعد وقت النشر.")
        return cleaned

    def clean_workflow_action(self, cleaned):
        if not self.action:
            return
        if not workflow.can_transition(self.user, self.instance, self.action, self.original_state):
            raise forms.ValidationError("لا يمكن تنفيذ هذا الإجراء على المقال في حالته الحالية.")
        if self.action == "schedule":
            at = cleaned.get("published_at")
            if at is None or at <= timezone.now():
                self.add_error("published_at", "للجدولة اختر وقتاً في المستقبل.")
