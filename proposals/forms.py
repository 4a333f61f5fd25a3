from django import forms

from articles.models import Article

from .models import PROPOSABLE


class ProposalForm(forms.ModelForm):
    """The journalist's text, checked as the article form checks it (lengths, the body's
    size); nothing is saved into the article here."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    class Meta:
        model = Article
        fields = PROPOSABLE


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "اعتماد"), ("reject", "رفض")])
    note = forms.CharField(
        label="ملاحظة للكاتب",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="عند الرفض: ما الذي يمنع اعتماده، أو ما يُصحَّح فيه.",
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
