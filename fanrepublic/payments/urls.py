from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("notify/<slug:provider>/", views.notify, name="notify"),
    path("console/", views.console, name="console"),
    path("console/refunds/<str:reference>/again/", views.console_refund_again, name="console_refund_again"),
    path("console/<str:reference>/", views.console_payment, name="console_payment"),
    path("console/<str:reference>/refund/", views.console_refund, name="console_refund"),
    path("console/<str:reference>/check/", views.console_check, name="console_check"),
    path("demo-provider/<str:reference>/", views.offline_pay, name="offline_pay"),
    path("<str:reference>/", views.payment, name="payment"),
    path("<str:reference>/status/", views.status, name="status"),
]
