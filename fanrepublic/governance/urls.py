from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.vote_new, name="new"),
    path("<slug:slug>/", views.vote_detail, name="vote"),
    path("<slug:slug>/ballot/", views.cast, name="cast"),
    path("<slug:slug>/verify/", views.verify, name="verify"),
    path("<slug:slug>/ballots.json", views.ballots_file, name="ballots"),
    path("<slug:slug>/staff/", views.staff_action, name="action"),
]
