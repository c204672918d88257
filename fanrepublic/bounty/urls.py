from django.urls import path

from . import views

app_name = "bounty"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("new/", views.report_new, name="new"),
    path("similar/", views.similar_reports, name="similar"),
    path("mine/", views.my_reports, name="mine"),
    path("hall-of-fame/", views.hall_of_fame, name="hall_of_fame"),
    path("staff/", views.triage_queue, name="queue"),
    path("r/<int:pk>/", views.report_detail, name="report"),
    path("r/<int:pk>/triage/", views.report_triage, name="triage"),
    path("r/<int:pk>/message/", views.report_message, name="message"),
    path("r/<int:pk>/disclose/", views.report_disclose, name="disclose"),
    path("r/<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
]
