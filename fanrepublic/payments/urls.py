from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/request/", views.payout_request, name="payout_request"),
    path("payouts/accounts/alipay/", views.payee_alipay, name="payee_alipay"),
    path("payouts/accounts/demo/", views.payee_demo, name="payee_demo"),
    path("payouts/accounts/wechat/", views.payee_wechat, name="payee_wechat"),
    path("payouts/accounts/wechat/return/", views.payee_wechat_return, name="payee_wechat_return"),
    path("payouts/accounts/<int:pk>/remove/", views.payee_remove, name="payee_remove"),
    path("payouts/<str:reference>/", views.payout, name="payout"),
    path("notify/<slug:provider>/", views.notify, name="notify"),
    path("console/", views.console, name="console"),
    path("console/payouts/", views.console_payouts, name="console_payouts"),
    path("console/payouts/policy/", views.console_payout_policy, name="console_payout_policy"),
    path("console/payouts/<str:reference>/", views.console_payout, name="console_payout"),
    path("console/payouts/<str:reference>/check/", views.console_payout_check, name="console_payout_check"),
    path(
        "console/payouts/<str:reference>/return/", views.console_payout_return, name="console_payout_return"
    ),
    path("console/refunds/<str:reference>/again/", views.console_refund_again, name="console_refund_again"),
    path("console/<str:reference>/", views.console_payment, name="console_payment"),
    path("console/<str:reference>/refund/", views.console_refund, name="console_refund"),
    path("console/<str:reference>/check/", views.console_check, name="console_check"),
    path("demo-provider/<str:reference>/", views.offline_pay, name="offline_pay"),
    path("<str:reference>/", views.payment, name="payment"),
    path("<str:reference>/status/", views.status, name="status"),
]
