from django.urls import path

from . import views

app_name = "stores"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("mine/link-code/", views.mine_link_code, name="mine_link_code"),
    path("mine/serials/", views.mine_serial, name="mine_serial"),
    path("mine/records/<int:pk>/unlink/", views.mine_unlink, name="mine_unlink"),
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.store_edit, name="store_new"),
    path("desk/purchases/upload/", views.purchases_upload, name="purchases_upload"),
    path("desk/customers/<int:pk>/", views.contact, name="contact"),
    path("desk/customers/<int:pk>/link/", views.contact_link, name="contact_link"),
    path("desk/customers/<int:pk>/unlink/", views.contact_unlink, name="contact_unlink"),
    path("desk/<slug:slug>/", views.desk_store, name="desk_store"),
    path("desk/<slug:slug>/edit/", views.store_edit, name="store_edit"),
    path("desk/<slug:slug>/qr/", views.desk_store_qr, name="desk_qr"),
    path("desk/<slug:slug>/qr/screen/", views.desk_store_qr_screen, name="desk_qr_screen"),
    path("desk/<slug:slug>/qr/rotate/", views.desk_store_rotate, name="desk_qr_rotate"),
    path("desk/<slug:slug>/customers/", views.desk_add_customer, name="desk_add_customer"),
    path("desk/<slug:slug>/staff/", views.desk_staff, name="desk_staff"),
    path("desk/<slug:slug>/customers/<int:pk>/visit/", views.desk_visit, name="desk_visit"),
    path("<slug:slug>/", views.store, name="store"),
    path("<slug:slug>/check-in/<str:code>/", views.check_in, name="check_in"),
]
