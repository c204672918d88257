"""The admin covers every model, and each list and add page opens for a superuser."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from fanrepublic.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("fanrepublic.")]


def test_every_model_is_registered():
    missing = [m._meta.label for m in project_models() if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_changelist_opens(client, model):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


def test_audit_log_and_events_are_read_only(client):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:activity_event_add")).status_code == 403


def test_every_admin_class_audits_deletions_of_several_rows():
    from fanrepublic.core.admin import AuditedDeletions

    plain = [
        m._meta.label for m in project_models() if not isinstance(admin.site._registry[m], AuditedDeletions)
    ]
    assert plain == [], "admin classes must derive from core.admin.AuditedModelAdmin"


def test_deleting_several_rows_in_the_admin_is_audited(client, on_commit):
    # Given two product lines and a superuser in the admin
    from fanrepublic.core.models import AuditEntry
    from fanrepublic.products.models import ProductLine
    from fanrepublic.products.tests.factories import ProductLineFactory

    lines = ProductLineFactory.create_batch(2)
    boss = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(boss)
    # When they delete both at once with "delete selected"
    with on_commit():
        response = client.post(
            reverse("admin:products_productline_changelist"),
            {"action": "delete_selected", "_selected_action": [line.pk for line in lines], "post": "yes"},
        )
    # Then both are gone and each deletion is in the audit log under their name
    assert (
        response.status_code == 302 and not ProductLine.objects.filter(pk__in=[x.pk for x in lines]).exists()
    )
    audited = AuditEntry.objects.filter(
        action="admin.deleted", target_type="products.productline", actor=boss
    )
    assert sorted(audited.values_list("target_id", flat=True)) == sorted(str(line.pk) for line in lines)
