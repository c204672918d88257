from django.urls import path

from . import views

app_name = "launches"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.event_new, name="new"),
    path("avatar/", views.avatar_edit, name="avatar"),
    path("avatar/preview/", views.avatar_preview, name="avatar_preview"),
    path("<slug:slug>/", views.hall, name="hall"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/answer/", views.answer, name="answer"),
    path("<slug:slug>/live.json", views.live_json, name="live_json"),
    path("<slug:slug>/host/", views.host, name="host"),
    path("<slug:slug>/host/action/", views.host_action, name="host_action"),
]
