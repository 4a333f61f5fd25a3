from django.urls import path

from . import views

urlpatterns = [
    path("new/<int:pk>/", views.propose, name="proposal_new"),
    path("<int:pk>/", views.detail, name="proposal_detail"),
    path("<int:pk>/decide/", views.decide, name="proposal_decide"),
]
