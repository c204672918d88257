"""Staff pages of the members app that live at the site's root (no namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("staff/audit/", views.audit_log, name="audit_log"),
]
