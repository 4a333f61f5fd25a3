from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JSONCatalog

admin.site.site_header = f"{settings.SITE_NAME}: غرفة الأخبار"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "إدارة المحتوى"

# The 500 page must render even when the database is down: no context processors.
handler500 = "articles.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("editor/images/", include("images.urls")),
    # The editor's Arabic strings (locale/ar/LC_MESSAGES/djangojs.po), read by
    # static/js/editor/newsroom.js.
    path("editor/jsi18n/", JSONCatalog.as_view(), name="editor_jsi18n"),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
