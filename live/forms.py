from django import forms

from articles.forms import ZonedDateTimeField, ZonedSplitDateTime

from .models import LiveEntry


class EntryForm(forms.ModelForm):
    """The desk's quick form: the text and the two marks; a time only when scheduling."""

    published_at = ZonedDateTimeField(
        label="جدولة (اختياري)",
        required=False,
        widget=ZonedSplitDateTime,
        help_text="اتركه فارغاً للنشر الآن. وقت في المستقبل يؤجل ظهور التحديث حتى موعده.",
    )

    class Meta:
        model = LiveEntry
        fields = ["title", "body", "is_key", "is_pinned", "published_at"]


class CoverageForm(forms.ModelForm):
    class Meta:
        from .models import LiveCoverage

        model = LiveCoverage
        fields = ["state"]


class EntryChangeForm(forms.ModelForm):
    """An entry edited in its admin: the version it was loaded at travels with the form, and
    a save over someone else's newer save is refused (the admin wraps the request in a
    transaction, so the row lock taken here holds until the save commits)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LiveEntry
        fields = ["title", "body", "is_key", "is_pinned", "status", "published_at", "correction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is not None:
            current = LiveEntry.objects.select_for_update().get(pk=self.instance.pk).version
            if current != loaded:
                raise forms.ValidationError(
                    "عدّل أحد الزملاء هذا التحديث بعد أن فتحته. انسخ نصك، ثم أعد تحميل الصفحة "
                    "وأعد التعديل على النسخة الأحدث.",
                    code="stale",
                )
        return cleaned
