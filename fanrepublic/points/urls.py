from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("", views.wallet, name="wallet"),
    path("history.csv", views.wallet_csv, name="wallet_csv"),
    path("members/<str:username>/", views.member_wallet, name="member_wallet"),
    path("staff/rules/", views.rules, name="rules"),
]
