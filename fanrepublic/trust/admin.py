from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin, ReadOnlyAdmin

from .models import (
    CaseEntry,
    ChatGroup,
    ChatMembership,
    ChatMessage,
    CustomerList,
    CustomerListEntry,
    CustomerTag,
    Question,
    RefusedCallback,
    Rule,
    RuleFiring,
    ServiceCase,
    Temperature,
    TemperatureFactor,
    WeComStaff,
)


@admin.register(WeComStaff)
class WeComStaffAdmin(AuditedModelAdmin):
    list_display = ("userid", "member")
    search_fields = ("userid", "member__username")
    raw_id_fields = ("member",)


@admin.register(ChatGroup)
class ChatGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "chat_id", "owner", "store", "member_count", "dismissed_at")
    list_filter = ("store",)
    search_fields = ("name", "chat_id")


@admin.register(ChatMembership)
class ChatMembershipAdmin(ReadOnlyAdmin):
    list_display = ("group", "userid", "is_staff", "joined_at", "left_at")


@admin.register(ChatMessage)
class ChatMessageAdmin(ReadOnlyAdmin):
    list_display = ("msgid", "group", "sender_userid", "sent_at", "sentiment", "is_question")
    list_filter = ("is_question", "sentiment")
    search_fields = ("msgid", "text")


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("group", "contact", "asked_at", "answered_at", "overdue_at")


@admin.register(Temperature)
class TemperatureAdmin(ReadOnlyAdmin):
    list_display = ("contact", "value", "computed_at")
    ordering = ("-value",)


@admin.register(TemperatureFactor)
class TemperatureFactorAdmin(ReadOnlyAdmin):
    """Changed on the temperature settings page, which checks and audits."""

    list_display = ("verb", "weight", "half_life_days", "updated_by", "updated_at")


@admin.register(Rule)
class RuleAdmin(ReadOnlyAdmin):
    """Rules are written on the rules page (checked, tried on past data, audited)."""

    list_display = ("name", "is_active", "window_days", "updated_at")


@admin.register(RuleFiring)
class RuleFiringAdmin(ReadOnlyAdmin):
    list_display = ("rule", "contact", "fired_at")


@admin.register(CustomerTag)
class CustomerTagAdmin(ReadOnlyAdmin):
    list_display = ("contact", "tag", "added_at")


@admin.register(CustomerList)
class CustomerListAdmin(AuditedModelAdmin):
    list_display = ("name", "slug")


@admin.register(CustomerListEntry)
class CustomerListEntryAdmin(ReadOnlyAdmin):
    list_display = ("customer_list", "contact", "added_at")


@admin.register(ServiceCase)
class ServiceCaseAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "contact",
        "store",
        "assignee",
        "status",
        "outcome",
        "opened_at",
        "first_response_at",
    )
    list_filter = ("status", "outcome", "store")


@admin.register(CaseEntry)
class CaseEntryAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "author", "created_at")


@admin.register(RefusedCallback)
class RefusedCallbackAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "reason", "remote_addr", "size")
    list_filter = ("reason",)
