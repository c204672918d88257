from django.urls import path

from . import views

app_name = "flashsales"
urlpatterns = [
    path("", views.index, name="index"),
    path("console/", views.console, name="console"),
    path("console/<slug:slug>/close/", views.close, name="close"),
    path("<slug:slug>/", views.sale, name="sale"),
    path("<slug:slug>/room/", views.room, name="room"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/reserve/", views.reserve, name="reserve"),
    path("<slug:slug>/holds/<int:hold_id>/release/", views.release, name="release"),
    path("<slug:slug>/holds/<int:hold_id>/pay/", views.pay, name="pay"),
    path("<slug:slug>/record/", views.record, name="record"),
    path("<slug:slug>/record/keys.json", views.record_keys, name="record_keys"),
]
