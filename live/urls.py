from django.urls import path

from . import feeds, views

urlpatterns = [
    path("live/<int:pk>/updates/", views.updates, name="live_updates"),
    path("live/<int:pk>/entries/", views.older_entries, name="live_entries"),
    path("live/<int:pk>/feed/", feeds.LiveEntriesFeed(), name="live_feed"),
]
