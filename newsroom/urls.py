from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.i18n import JSONCatalog

from articles import feeds, views
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS
from core.routing import register_converters
from distribution import views as push_views
from ops import health
from security.admin_shortcut import view_on_site
from security.login_throttle import throttled

register_converters()  # `uslug`, before any app's URLs are read

admin.site.site_header = f"{settings.SITE_NAME}: غرفة الأخبار"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "إدارة المحتوى"

# Error pages must render even when the database is down: no context processors. A database
# error raised outside a view becomes the 503 page; anything else the 500 page (ops.faults).
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Before admin.site.urls so that this name wins: the admin's login, throttled.
    path("admin/login/", throttled(admin.site.login), name="admin_login_throttled"),
    # Before admin.site.urls too: «عرض على الموقع» asks the model's admin who may see what.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
        name="admin_view_on_site_checked",
    ),
    # The second step after the password (staff app), before the admin's catch-all.
    path("admin/second-factor/", include("staff.urls")),
    # The desk is the admin's home page (desk/urls.py), so it comes before admin.site.urls;
    # presence answers the change form's heartbeat.
    path("admin/presence/", include("presence.urls")),
    path("admin/", include("desk.urls")),
    path("admin/", admin.site.urls),
    path("editor/images/", include("images.urls")),
    # The editor's Arabic strings (locale/ar/LC_MESSAGES/djangojs.po), read by
    # static/js/editor/newsroom.js.
    path("editor/jsi18n/", JSONCatalog.as_view(), name="editor_jsi18n"),
    # The article form's autosave (autosave/views.py): staff only, JSON.
    path("editor/autosave/", include("autosave.urls")),
    # Journalists' proposed changes to their published articles (proposals/views.py).
    path("editor/proposals/", include("proposals.urls")),
    path("", include("articles.urls")),
    path("", include("live.urls")),
    path("feeds/latest/", feeds.LatestFeed(), name="feed_latest"),
    path("feeds/latest/atom/", feeds.LatestAtomFeed(), name="feed_latest_atom"),
    path("feeds/sections/<uslug:slug>/", feeds.SectionFeed(), name="feed_section"),
    path("feeds/sections/<uslug:slug>/atom/", feeds.SectionAtomFeed(), name="feed_section_atom"),
    path("feeds/tags/<uslug:slug>/", feeds.TagFeed(), name="feed_tag"),
    path("feeds/tags/<uslug:slug>/atom/", feeds.TagAtomFeed(), name="feed_tag_atom"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path(
        "sitemap-news.xml",
        sitemap,
        {"sitemaps": NEWS_SITEMAPS, "template_name": "sitemaps/news.xml"},
        name="sitemap_news",
    ),
    path("sitemap-articles.xml", views.sitemap_articles, name="sitemap_articles"),
    # After sitemap-news.xml and sitemap-articles.xml, which this pattern would match too.
    path(
        "sitemap-<str:section>.xml",
        sitemap,
        # Full W3C datetimes for lastmod (Django's template writes the date only).
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/urlset.xml"},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    # Web Push (distribution/views.py): readers' subscriptions and the service worker, whose
    # address at the root gives it the whole site as scope.
    path("push/", include("distribution.urls")),
    path("sw.js", push_views.service_worker, name="service_worker"),
    # «الأكثر قراءة»: the article page's beacon (mostread/views.py), POST only, 204.
    path("r/", include("mostread.urls")),
]

handler400 = "security.bad_requests.bad_request"
handler500 = "ops.faults.handler500"

if settings.DEBUG:
    from security.media_serving import serve_media

    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            serve_media,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

if settings.BENCH_VIEWS:
    from bench import views as bench_views

    urlpatterns += [path("bench/minimal/", bench_views.minimal, name="bench_minimal")]
