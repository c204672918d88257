from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(AuditedModelAdmin):
    list_display = ("recipient", "kind", "actor", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "actor")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedModelAdmin):
    list_display = ("member", "kind", "in_app", "email")
    raw_id_fields = ("member",)
