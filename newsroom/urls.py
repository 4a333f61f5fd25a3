from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from . import health
from .login_throttle import throttled

admin.site.site_header = f"{settings.SITE_NAME}: غرفة الأخبار"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "إدارة المحتوى"

# Error pages must render even when the database is down: no context processors. A database
# error raised outside a view becomes the 503 page; anything else articles' 500 page.
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Before admin.site.urls so that this name wins: the admin's login, throttled.
    path("admin/login/", throttled(admin.site.login), name="admin_login_throttled"),
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]

handler500 = "newsroom.faults.handler500"

if settings.DEBUG:
    from .media_serving import serve_media

    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            serve_media,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
