from django.urls import path

from . import views

urlpatterns = [
    path("", views.autosave, name="autosave"),
    path("discard/", views.discard, name="autosave_discard"),
]
