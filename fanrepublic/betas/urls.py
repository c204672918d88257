from django.urls import path

from . import views

app_name = "betas"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.staff, name="staff"),
    path("staff/new/", views.programme_edit, name="new"),
    path("staff/<slug:slug>/", views.manage, name="manage"),
    path("staff/<slug:slug>/edit/", views.programme_edit, name="edit"),
    path("staff/<slug:slug>/action/", views.staff_action, name="action"),
    path("<slug:slug>/", views.programme, name="programme"),
    path("<slug:slug>/apply/", views.apply, name="apply"),
    path("<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/nda/", views.nda, name="nda"),
    path("<slug:slug>/reports/", views.report_new, name="report"),
    path("<slug:slug>/reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path(
        "<slug:slug>/reports/<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"
    ),
    path("<slug:slug>/draw/", views.draw, name="draw"),
]
