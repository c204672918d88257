from django.urls import path

from . import views

app_name = "badges"

urlpatterns = [
    path("", views.gallery, name="gallery"),
    path("grant/<str:username>/", views.grant, name="grant"),
    path("perks/", views.perks, name="perks"),
    path("perks/mine/", views.my_perks, name="my_perks"),
    path("perks/staff/", views.perks_staff, name="perks_staff"),
    path("perks/staff/new/", views.perk_edit, name="perk_new"),
    path("perks/staff/<slug:slug>/", views.perk_edit, name="perk_edit"),
    path("perks/places/<int:pk>/transfer/", views.perk_transfer, name="perk_transfer"),
    path("perks/<slug:slug>/claim/", views.perk_claim, name="perk_claim"),
    path("perks/<slug:slug>/holders/", views.perk_holders, name="perk_holders"),
]
