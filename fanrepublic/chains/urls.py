from django.urls import path

from . import views

app_name = "chains"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<slug:slug>/", views.chain, name="chain"),
    path("<slug:slug>/live/", views.live, name="live"),
    path("<slug:slug>/sign/", views.sign, name="sign"),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/close/", views.close, name="close"),
    path("<slug:slug>/hide/", views.hide_chain, name="hide"),
    path("<slug:slug>/lines/<int:number>/hide/", views.hide_entry, name="hide_entry"),
    path("<slug:slug>/lines/<int:number>/restore/", views.restore_entry, name="restore_entry"),
    path("<slug:slug>/export.csv", views.export, name="export"),
    path("<slug:slug>/qr/", views.share_qr, name="qr"),
]
