from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from fanrepublic.core.admin import AuditedModelAdmin
from fanrepublic.core.errors import ValidationFailed

from .models import Event, Integration
from .selectors import catalogue, verb_choices
from .services import integration_validate


@admin.register(Event)
class EventAdmin(AuditedModelAdmin):
    list_display = (
        "occurred_at",
        "verb",
        "actor_id",
        "owner_id",
        "object_type",
        "object_id",
        "channel",
        "integration",
    )
    list_filter = ("channel", "integration", "verb")
    search_fields = ("verb", "idempotency_key", "object_id")
    date_hierarchy = "occurred_at"
    show_full_result_count = False
    list_select_related = ("integration",)

    change_list_template = "admin/activity/event/change_list.html"

    def get_urls(self):
        urls = super().get_urls()
        catalogue_url = path(
            "verbs/", self.admin_site.admin_view(self.verb_catalogue), name="activity_event_verbs"
        )
        return [catalogue_url, *urls]

    def verb_catalogue(self, request):
        """The catalogue of verbs every app declares, with who may send each."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Event verbs"),
            "opts": self.model._meta,
            "verbs": catalogue(),
        }
        return TemplateResponse(request, "admin/activity/event/verbs.html", context)

    # The event log is append-only; the admin reads it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IntegrationForm(forms.ModelForm):
    verbs = forms.MultipleChoiceField(
        choices=partial(verb_choices, external_only=True), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Integration
        fields = ("slug", "name", "description", "channel", "verbs", "is_active")

    def clean(self):
        cleaned = super().clean()
        candidate = Integration(**{k: v for k, v in cleaned.items() if k in self.Meta.fields})
        try:
            integration_validate(candidate)
        except ValidationFailed as exc:
            raise ValidationError({k: v for k, v in exc.errors.items() if k in self.fields}) from exc
        return cleaned


@admin.register(Integration)
class IntegrationAdmin(AuditedModelAdmin):
    form = IntegrationForm
    list_display = ("name", "slug", "channel", "is_active", "created_at")
    list_filter = ("channel", "is_active")
    search_fields = ("name", "slug")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # Events name the integration that sent them: an integration with events is switched
    # off, never deleted (the foreign key protects it).
