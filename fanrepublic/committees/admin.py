from django.contrib import admin

from .models import Candidacy, Committee, Election, Seat


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "product_line", "seats", "term_months", "term_limit"]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "seats_to_fill", "candidacy_closes_at", "voting_closes_at"]
    readonly_fields = ["status", "vote"]


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    list_display = ["member", "election", "rank", "withdrawn"]
    raw_id_fields = ["member", "option"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["member", "committee", "starts_on", "ends_on", "left_on", "filled_vacancy"]
    raw_id_fields = ["member"]
