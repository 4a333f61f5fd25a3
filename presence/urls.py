from django.contrib import admin
from django.urls import path

from . import views

urlpatterns = [
    path(
        "<int:pk>/",
        admin.site.admin_view(views.heartbeat),
        name="presence_heartbeat",
    ),
    path(
        "<int:pk>/leave/",
        admin.site.admin_view(views.leave),
        name="presence_leave",
    ),
    path(
        "<int:pk>/take-over/",
        admin.site.admin_view(views.take_over),
        name="presence_take_over",
    ),
]
