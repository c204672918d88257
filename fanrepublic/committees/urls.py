from django.urls import path

from . import views

app_name = "committees"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.committee, name="committee"),
    path("<slug:slug>/staff/", views.staff_action, name="action"),
    path("<slug:slug>/elections/<int:pk>/", views.election, name="election"),
    path("<slug:slug>/elections/<int:pk>/stand/", views.stand, name="stand"),
    path("<slug:slug>/needs/", views.needs, name="needs"),
    path("<slug:slug>/needs/<int:pk>/", views.need, name="need"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("<slug:slug>/plan/", views.plan, name="plan"),
]
