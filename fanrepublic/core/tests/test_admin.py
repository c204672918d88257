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
