from django.contrib import admin

# The points app's read-only admin also refuses deletion: a deleted delivery would let a
# replay through, a deleted title would give its number again.
from fanrepublic.points.admin import ReadOnlyAdmin

from .models import (
    Contribution,
    GitAccount,
    LicenceAcceptance,
    LicenceAgreement,
    Repository,
    Title,
    WebhookDelivery,
)

# Every row is written by the app's services (their checks, events, notifications and
# audit): the admin shows them, never adds or edits one.


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ("title", "repository", "kind", "state", "member", "counted_at")
    list_filter = ("kind", "state")
    search_fields = ("title", "git_login", "member__username")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "host", "repository", "event", "outcome", "reason")
    list_filter = ("host", "outcome")
    exclude = ("delivery_id",)


@admin.register(Repository)
class RepositoryAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "host", "is_open", "created_at")
    exclude = ("webhook_secret",)


@admin.register(GitAccount)
class GitAccountAdmin(ReadOnlyAdmin):
    list_display = ("member", "host", "login", "verified_at")
    exclude = ("code_hash",)


for model in (LicenceAgreement, LicenceAcceptance, Title):
    admin.site.register(model, ReadOnlyAdmin)
