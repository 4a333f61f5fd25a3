from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.beacon, name="most_read_beacon"),
]
