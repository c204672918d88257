from django.urls import path

from . import views

app_name = "badges"

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("grant/<str:username>/", views.grant, name="grant"),
]
