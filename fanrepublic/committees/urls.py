from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.committee, name="committee"),
    path("<slug:slug>/staff/", views.staff_action, name="action"),
    path("<slug:slug>/elections/<int:pk>/", views.election, name="election"),
    path("<slug:slug>/elections/<int:pk>/stand/", views.stand, name="stand"),
]
