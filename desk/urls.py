from django.contrib import admin
from django.urls import path

from . import views

# Mounted at the admin's root, before admin.site.urls (newsroom/urls.py): the desk is the
# admin's home page, reached by the admin's own «الرئيسية» links (admin:index is "/admin/").
urlpatterns = [
    path("", admin.site.admin_view(views.desk), name="desk"),
    path("all/", admin.site.admin_view(views.app_list), name="desk_app_list"),
    path("calendar/", admin.site.admin_view(views.calendar), name="desk_calendar"),
    path(
        "desk/retract/<int:pk>/",
        admin.site.admin_view(views.retract),
        name="desk_retract",
    ),
]
