from django import forms
from django.core.files.uploadedfile import UploadedFile

from .models import Image
from .validation import clean_upload, quick_preview

ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


class ImageForm(forms.ModelForm):
    # A plain FileField: Django's ImageField would open the upload with every Pillow decoder
    # before our own checks run.
    file = forms.FileField(
        label="الملف",
        help_text=Image._meta.get_field("file").help_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = Image
        fields = ["file", "title", "alt_text", "caption", "credit", "focal_x", "focal_y"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not isinstance(upload, UploadedFile):
            return upload
        # A large JPEG: a quick clean preview now, the full re-encode in a job (models.py).
        return (quick_preview(upload) or clean_upload(upload)).content
