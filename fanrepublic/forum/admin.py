from django.contrib import admin

from fanrepublic.core.admin import AuditedModelAdmin

from .models import Attachment, Board, Flag, Like, Reply, StatusChange, Topic, Vote


@admin.register(Board)
class BoardAdmin(AuditedModelAdmin):
    list_display = ("name", "name_zh", "product_line", "position", "is_archived")
    list_filter = ("is_archived", "product_line")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "name_zh")


class ReplyInline(admin.TabularInline):
    model = Reply
    fields = ("author", "author_role", "body", "is_hidden", "created_at")
    readonly_fields = ("author", "author_role", "created_at")
    extra = 0
    show_change_link = True
    max_num = 0  # replies are written on the site, where they are rate-limited and evented


@admin.register(Topic)
class TopicAdmin(AuditedModelAdmin):
    list_display = (
        "title",
        "board",
        "kind",
        "status",
        "author",
        "author_role",
        "vote_count",
        "reply_count",
        "first_staff_response_at",
        "is_hidden",
    )
    list_filter = ("kind", "status", "board", "is_hidden", "is_locked", "is_pinned")
    search_fields = ("title", "body", "author__username")
    raw_id_fields = ("author", "duplicate_of", "first_staff_responder", "claimed_by")
    readonly_fields = (
        "vote_count",
        "like_count",
        "reply_count",
        "author_role",
        "first_staff_response_at",
        "first_staff_responder",
        "status",
    )
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [ReplyInline]


@admin.register(Reply)
class ReplyAdmin(AuditedModelAdmin):
    list_display = ("__str__", "topic", "author", "author_role", "created_at", "is_hidden")
    list_filter = ("is_hidden",)
    search_fields = ("body", "author__username")
    raw_id_fields = ("topic", "author", "quoted")
    readonly_fields = ("like_count", "author_role")
    show_full_result_count = False


@admin.register(StatusChange)
class StatusChangeAdmin(AuditedModelAdmin):
    list_display = ("topic", "from_status", "to_status", "actor", "created_at")
    list_filter = ("to_status",)
    raw_id_fields = ("topic", "actor")

    def has_change_permission(self, request, obj=None):
        return False  # the history of a topic is evidence; a new status is a new change


@admin.register(Like)
class LikeAdmin(AuditedModelAdmin):
    list_display = ("member", "topic", "reply", "created_at")
    raw_id_fields = ("member", "topic", "reply")


@admin.register(Vote)
class VoteAdmin(AuditedModelAdmin):
    list_display = ("member", "topic", "carried_from", "created_at")
    raw_id_fields = ("member", "topic", "carried_from")


@admin.register(Attachment)
class AttachmentAdmin(AuditedModelAdmin):
    list_display = ("image", "uploader", "topic", "reply", "width", "height", "size", "created_at")
    raw_id_fields = ("uploader", "topic", "reply")


@admin.register(Flag)
class FlagAdmin(AuditedModelAdmin):
    list_display = ("reason", "status", "reporter", "topic", "reply", "created_at", "resolved_by")
    list_filter = ("status", "reason")
    raw_id_fields = ("reporter", "topic", "reply", "resolved_by")
