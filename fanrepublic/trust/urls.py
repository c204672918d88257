from django.urls import path

from . import views

app_name = "trust"
urlpatterns = [
    path("wecom/callback/", views.wecom_callback, name="wecom_callback"),
    path("console/", views.console, name="console"),
    path("console/metrics/", views.metrics, name="metrics"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("cases/mine/", views.my_cases, name="my_cases"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/write/", views.case_write, name="case_write"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/hand-over/", views.case_hand_over, name="case_hand_over"),
    path("rules/", views.rules_index, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", views.rule_edit, name="rule"),
    path("temperature/", views.factors, name="factors"),
]
