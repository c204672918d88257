from django.urls import path

from . import views

app_name = "rewards"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("staff/catalogue/", views.staff_catalogue, name="staff_catalogue"),
    path("staff/catalogue/new/", views.reward_edit, name="reward_new"),
    path("staff/catalogue/<slug:slug>/", views.reward_edit, name="reward_edit"),
    path("staff/orders/", views.desk, name="desk"),
    path("staff/orders.csv", views.desk_csv, name="desk_csv"),
    path("staff/orders/upload/", views.desk_upload, name="desk_upload"),
    path("staff/orders/<int:pk>/fulfil/", views.fulfil, name="fulfil"),
    path("staff/orders/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<slug:slug>/", views.detail, name="detail"),
]
