"""The demo as `make run` loads it: real commits, so every event handler runs right after
its action, at the moment the action happened."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fanrepublic.members.models import User
from fanrepublic.notifications.models import Notification
from fanrepublic.points.models import Transaction


@pytest.mark.django_db(transaction=True)
def test_seeding_prints_a_summary_and_dates_what_handlers_wrote_in_the_past(settings, capsys):
    # A laptop prints email to the console; the demo's ~1,000 notifications must not.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = StringIO()
    call_command("seed_demo", members=20, topics=10, stdout=out)
    printed = out.getvalue() + capsys.readouterr().out
    assert "Subject:" not in printed and "Content-Type:" not in printed
    assert "demo notification emails composed (not sent)" in printed
    assert len(printed.splitlines()) < 80
    # Notifications and points are dated when what caused them happened, not at load time.
    week_ago = timezone.now() - timedelta(days=7)
    assert Notification.objects.filter(created_at__lt=week_ago).exists()
    assert Transaction.objects.filter(kind="earn", created_at__lt=week_ago).exists()
    # Contribution scores and trust levels came from the replayed history.
    assert User.objects.filter(username__startswith="fan", trust_level__gte=1).exists()
