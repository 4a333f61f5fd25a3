from django.urls import path

from . import views

urlpatterns = [
    path("", views.picker, name="image_picker"),
    path("upload/", views.picker_upload, name="image_picker_upload"),
]
