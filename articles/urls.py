from django.urls import path

from . import views

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
