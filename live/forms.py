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
