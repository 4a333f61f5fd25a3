from django.urls import path, register_converter

from . import views


class UnicodeSlugConverter:
    """Django's `slug` converter is ASCII-only; Arabic slugs need \\w."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<int:pk>/", views.article_detail, name="article_noslug"),
    path("articles/<int:pk>/<uslug:slug>/", views.article_detail, name="article"),
    path("sections/<uslug:slug>/", views.section_detail, name="section"),
    path("tags/<uslug:slug>/", views.tag_detail, name="tag"),
    path("authors/<str:username>/", views.author_detail, name="author"),
    path("search/", views.search, name="search"),
    path("preview/<str:token>/", views.article_preview, name="article_preview"),
    path("editor/articles/", views.editor_article_search, name="editor_article_search"),
]
