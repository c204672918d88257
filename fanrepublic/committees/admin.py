from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import Candidacy, Committee, Decision, Election, Meeting, Need, NeedSupport, Seat


@admin.register(Committee)
class CommitteeAdmin(AuditedModelAdmin):
    list_display = ["name", "product_line", "seats", "term_months", "term_limit"]


@admin.register(Election)
class ElectionAdmin(AuditedModelAdmin):
    list_display = ["__str__", "status", "seats_to_fill", "candidacy_closes_at", "voting_closes_at"]
    readonly_fields = ["status", "vote"]


@admin.register(Candidacy)
class CandidacyAdmin(AuditedModelAdmin):
    list_display = ["member", "election", "rank", "withdrawn"]
    raw_id_fields = ["member", "option"]


@admin.register(Seat)
class SeatAdmin(AuditedModelAdmin):
    list_display = ["member", "committee", "starts_on", "ends_on", "left_on", "filled_vacancy"]
    raw_id_fields = ["member"]


@admin.register(Need)
class NeedAdmin(AuditedModelAdmin):
    list_display = ["title", "product_line", "status", "support_count", "created_at"]
    list_filter = ["status", "product_line"]
    raw_id_fields = ["author"]


@admin.register(NeedSupport)
class NeedSupportAdmin(AuditedModelAdmin):
    list_display = ["need", "member", "created_at"]
    raw_id_fields = ["need", "member"]


@admin.register(Meeting)
class MeetingAdmin(AuditedModelAdmin):
    list_display = ["committee", "quarter", "scheduled_at", "held"]


@admin.register(Decision)
class DecisionAdmin(AuditedModelAdmin):
    list_display = ["__str__", "meeting", "follow_up"]
    raw_id_fields = ["need", "release_item"]
