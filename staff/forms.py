from django import forms

from core.arabic import DIGIT_MAP


class CodeForm(forms.Form):
    code = forms.CharField(
        label="الرمز",
        max_length=32,
        help_text="الرمز المكوّن من ستة أرقام في تطبيق المصادقة، أو أحد الرموز الاحتياطية.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": "اكتب الرمز."},
    )

    def clean_code(self):
        # Arabic-Indic digits as typed on an Arabic keyboard; spaces as grouped in the app.
        code = self.cleaned_data["code"].translate(DIGIT_MAP)
        return "".join(code.split()).lower()
