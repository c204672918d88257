from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("console/", views.console, name="console"),
    path("console/new/", views.create, name="create"),
    path("console/<slug:slug>/", views.console_campaign, name="console_campaign"),
    path("console/<slug:slug>/edit/", views.edit, name="edit"),
    path("console/<slug:slug>/open/", views.open_campaign, name="open"),
    path("console/<slug:slug>/updates/", views.post_update, name="post_update"),
    path("console/<slug:slug>/settle/", views.settle, name="settle"),
    path("console/<slug:slug>/cancel/", views.cancel_campaign, name="cancel_campaign"),
    path("<slug:slug>/", views.campaign, name="campaign"),
    path("<slug:slug>/live/", views.live, name="live"),
    path("<slug:slug>/back/", views.back, name="back"),
    path("<slug:slug>/cancel/", views.cancel, name="cancel"),
]
