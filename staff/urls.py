from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("", views.second_step, name="second_step"),
    path("setup/", views.setup, name="setup"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
]
