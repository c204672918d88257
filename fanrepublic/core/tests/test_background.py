"""Periodic work without a broker, and admin actions in the audit log."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from fanrepublic.core.capabilities import beat_schedule
from fanrepublic.core.embedded_beat import EmbeddedBeat
from fanrepublic.core.models import AuditEntry
from fanrepublic.forum.tests.factories import TopicFactory
from fanrepublic.members.tests.factories import MemberFactory
from fanrepublic.members.trust import REQUIREMENTS

pytestmark = pytest.mark.django_db


def test_beat_schedule_names_real_tasks():
    app.loader.import_default_modules()
    schedule = beat_schedule()
    assert {"recompute-trust-levels", "evaluate-badges", "expire-points"} <= set(schedule)
    for entry in schedule.values():
        assert entry["task"] in app.tasks
    # the apps' declarations are what Celery's beat runs
    assert app.conf.beat_schedule == schedule


def test_embedded_beat_runs_the_trust_recomputation_when_due():
    from fanrepublic.activity.services import record_event

    member = MemberFactory()
    for topic in TopicFactory.create_batch(REQUIREMENTS[1].topics_read):
        record_event(verb="forum.topic.read", actor=member, obj=topic, idempotency_key=f"r{topic.pk}")
    record_event(verb="member.visited", actor=member)
    start = timezone.now()
    beat = EmbeddedBeat(app, beat_schedule(), started_at=start)
    assert beat.run_due(now=start + timedelta(seconds=10)) == []  # nothing runs more often
    assert "recompute-trust-levels" in beat.run_due(now=start + timedelta(hours=6, seconds=1))
    member.refresh_from_db()
    assert member.trust_level == 1
    assert beat.run_due(now=start + timedelta(hours=6, seconds=2)) == []  # not again so soon


def test_admin_changes_land_in_the_audit_log(client):
    admin_user = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    member = MemberFactory()
    url = reverse("admin:members_user_change", args=[member.pk])
    data = {
        "username": member.username,
        "email": member.email,
        "display_name": "Renamed",
        "language": "en",
        "trust_level": 2,
        "daily_reply_target": 100,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "bio": "",
        "suspension_reason": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.changed")
    assert entry.actor == admin_user and entry.target_id == str(member.pk)
