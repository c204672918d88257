"""Notifications: who hears what, preferences, email in the reader's language, replays."""

import pytest
from django.core import mail
from django.urls import reverse

from fanrepublic.activity.models import Event
from fanrepublic.activity.tasks import dispatch_events
from fanrepublic.forum import services as forum
from fanrepublic.forum.tests.factories import BoardFactory, ReplyFactory, TopicFactory
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.notifications.models import Notification
from fanrepublic.notifications.services import notify, preferences_for, preferences_update
from fanrepublic.notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db


def suggestion(author):
    return forum.topic_create(
        author=author, board=BoardFactory(), kind="suggestion", title="Pet hair filter", body="For cat owners"
    )


class TestWhoHears:
    def test_reply_author_not_notified_of_own_reply(self, on_commit):
        author = MemberFactory()
        topic = suggestion(author)
        with on_commit():
            forum.reply_create(author=author, topic=topic, body="bump")
        assert Notification.objects.count() == 0

    def test_quote_notifies_quoted_author(self, on_commit):
        topic = TopicFactory()
        quoted = ReplyFactory(topic=topic)
        with on_commit():
            forum.reply_create(author=MemberFactory(), topic=topic, body="> x\n\nyes", quoted=quoted)
        assert Notification.objects.get(recipient=quoted.author).kind == "quote"
        assert Notification.objects.get(recipient=topic.author).kind == "reply"

    def test_mentions_in_topics(self, on_commit):
        bob = MemberFactory(username="bob")
        with on_commit():
            forum.topic_create(
                author=MemberFactory(),
                board=BoardFactory(),
                kind="discussion",
                title="Ask @bob about it",
                body="@bob and @nobody_here",
            )
        assert Notification.objects.get(recipient=bob).kind == "mention"
        assert Notification.objects.count() == 1

    def test_replayed_event_notifies_once(self, on_commit):
        author = MemberFactory()
        topic = suggestion(author)
        with on_commit():
            forum.reply_create(author=MemberFactory(), topic=topic, body="hi")
        event = Event.objects.get(verb="forum.reply.created")
        dispatch_events.run([event.pk])
        dispatch_events.run([event.pk])
        assert Notification.objects.filter(recipient=author).count() == 1
        assert len(mail.outbox) == 1

    def test_status_change_in_each_readers_language(self, on_commit):
        zh = MemberFactory(language="zh-hans")
        en = MemberFactory(language="en")
        topic = suggestion(zh)
        forum.vote_set(member=en, topic=topic, voted=True)
        with on_commit():
            forum.topic_status_change(actor=engineer(), topic=topic, status="shipped", note="In 2.1")
        subjects = {m.to[0]: m.subject for m in mail.outbox}
        assert "is now Shipped" in subjects[en.email]
        assert "已上线" in subjects[zh.email]


class TestPreferences:
    def test_defaults_and_update(self):
        member = MemberFactory()
        assert preferences_for(member=member)["reply"] == {"in_app": True, "email": True}
        preferences_update(member=member, choices={"reply": {"in_app": False, "email": False}})
        assert preferences_for(member=member)["reply"] == {"in_app": False, "email": False}

    def test_opted_out_member_gets_nothing(self, on_commit):
        member = MemberFactory()
        preferences_update(member=member, choices={"reply": {"in_app": False, "email": False}})
        with on_commit():
            notify(recipient_ids=[member.pk], kind="reply", actor=None, url="/", params={}, dedupe_key="a")
        assert Notification.objects.count() == 0 and mail.outbox == []

    def test_email_only_is_stored_as_read(self, on_commit):
        member = MemberFactory()
        preferences_update(member=member, choices={"reply": {"in_app": False, "email": True}})
        with on_commit():
            notify(recipient_ids=[member.pk], kind="reply", actor=None, url="/", params={}, dedupe_key="a")
        assert Notification.objects.get().read_at is not None and len(mail.outbox) == 1

    def test_unknown_kind_is_refused(self):
        from fanrepublic.core.errors import ValidationFailed

        with pytest.raises(ValidationFailed):
            preferences_update(member=MemberFactory(), choices={"spam": {"in_app": True}})

    def test_email_task_sends_once(self):
        member = MemberFactory()
        note = Notification.objects.create(
            recipient=member, kind="reply", url="/t/1/", dedupe_key="x", params={"actor": "a", "topic": "t"}
        )
        assert send_notification_email.run(note.pk) is True
        assert send_notification_email.run(note.pk) is False
        assert len(mail.outbox) == 1 and "/t/1/" in mail.outbox[0].body

    def test_many_recipients_are_emailed_a_batch_per_task_and_a_failure_retries_alone(
        self, on_commit, monkeypatch
    ):
        from fanrepublic.notifications import tasks

        members = MemberFactory.create_batch(5)
        queued = []
        real_delay = tasks.send_notification_emails.delay
        monkeypatch.setattr(tasks, "EMAIL_BATCH", 2)
        monkeypatch.setattr(
            tasks.send_notification_emails, "delay", lambda ids: (queued.append(ids), real_delay(ids))
        )
        retried = []
        monkeypatch.setattr(tasks.send_notification_email, "delay", retried.append)
        unlucky = members[2].email
        real_send = tasks.send_mail

        def flaky(subject, body, sender, recipients):
            if recipients == [unlucky]:
                raise OSError("mail server away")
            return real_send(subject, body, sender, recipients)

        monkeypatch.setattr(tasks, "send_mail", flaky)
        with on_commit():
            notify(
                recipient_ids=[m.pk for m in members],
                kind="reply",
                actor=None,
                url="/",
                params={},
                dedupe_key="b",
            )
        assert [len(ids) for ids in queued] == [2, 2, 1]
        assert len(mail.outbox) == 4
        failed = Notification.objects.get(recipient=members[2])
        assert retried == [failed.pk] and failed.emailed_at is None


class TestPages:
    def test_inbox_open_marks_read_and_unread_badge(self, client):
        member = MemberFactory()
        note = Notification.objects.create(
            recipient=member,
            kind="reply",
            url="/",
            dedupe_key="x",
            params={"actor": "ann", "topic": "Dark mode"},
        )
        client.force_login(member)
        html = client.get(reverse("forum:home")).content.decode()
        assert 'data-testid="unread-count">1<' in html
        assert "ann replied to “Dark mode”" in client.get(reverse("notifications:list")).content.decode()
        assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 302
        note.refresh_from_db()
        assert note.read_at is not None

    def test_cannot_open_someone_elses(self, client):
        note = Notification.objects.create(recipient=MemberFactory(), kind="reply", url="/", dedupe_key="x")
        client.force_login(MemberFactory())
        assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404

    def test_preferences_page(self, client):
        member = MemberFactory()
        client.force_login(member)
        assert client.get(reverse("notifications:preferences")).status_code == 200
        client.post(reverse("notifications:preferences"), {"mention-in_app": "on"})
        prefs = preferences_for(member=member)
        assert prefs["mention"] == {"in_app": True, "email": False}
        assert prefs["reply"] == {"in_app": False, "email": False}

    def test_mark_all_read(self, client):
        member = MemberFactory()
        Notification.objects.create(recipient=member, kind="reply", url="/", dedupe_key="x")
        client.force_login(member)
        client.post(reverse("notifications:mark_read"))
        assert Notification.objects.filter(read_at__isnull=True).count() == 0


class TestDeclaredKinds:
    """Kinds come from the apps' capability.py: notifications lists none by hand."""

    def test_every_app_kind_is_offered_with_its_default(self, client):
        from fanrepublic.notifications.enums import kinds

        declared = {k.code: k for k in kinds()}
        assert set(declared) == {
            "reply",
            "mention",
            "quote",
            "status",
            "moderation",
            "release",
            "bounty",
            "beta",
            "trust",
            "campaign",
            "flash",
            "payments_refund_failed",
            "survey",
            "ideas",
            "opensource",
            "payments_payout",
            "payments_payee_changed",
            "court",
        }
        assert declared["quote"].email_default is False and declared["bounty"].email_default is True
        member = MemberFactory()
        client.force_login(member)
        page = client.get(reverse("notifications:preferences")).content.decode()
        staff_only = {"payments_refund_failed"}
        for kind in declared.values():
            if kind.mandatory:  # listed, always on, no box to untick
                assert f'data-testid="mandatory-{kind.code}"' in page and str(kind.label) in page
                continue
            shown = f'name="{kind.code}-email"' in page and str(kind.label) in page
            assert shown is (kind.code not in staff_only), kind.code
        # A staff alert is offered to the staff it alerts.
        client.force_login(operator())
        page = client.get(reverse("notifications:preferences")).content.decode()
        assert 'name="payments_refund_failed-email"' in page

    def test_each_kind_reads_in_the_readers_language(self):
        from django.utils import translation

        from fanrepublic.notifications.messages import notification_text

        with translation.override("zh-hans"):
            assert "已上线" in notification_text("status", {"topic": "T", "status": "shipped"})
            assert notification_text("bounty", {"topic": "T", "report_status": "valid"}) != ""
        assert notification_text("release", {"topic": "T", "release": "2.1"}) == (
            "Your contribution “T” shipped in 2.1"
        )

    def test_an_undeclared_kind_is_refused(self):
        with pytest.raises(ValueError, match="not declared"):
            notify(
                recipient_ids=[MemberFactory().pk],
                kind="telepathy",
                actor=None,
                url="/",
                params={},
                dedupe_key="x",
            )
        assert Notification.objects.count() == 0

    def test_the_notifications_app_imports_no_feature_app(self):
        from pathlib import Path

        folder = Path(__file__).resolve().parents[1]
        features = ("forum", "bounty", "betas", "releases", "rewards", "governance", "committees", "launches")
        for source in folder.glob("*.py"):
            text = source.read_text()
            for app in features:
                assert f"fanrepublic.{app}" not in text, f"{source.name} imports {app}"


def test_a_batch_of_notices_respects_preferences_and_stores_each_once():
    from fanrepublic.notifications.services import Notice, notify_many, preferences_update

    quiet, keen = MemberFactory(), MemberFactory()
    preferences_update(member=quiet, choices={"ideas": {"in_app": False, "email": False}})
    notices = [
        Notice(
            recipient_id=member.pk, url="/ideas/1/royalties/", params={"what": "statement"}, dedupe_key=key
        )
        for member in (quiet, keen)
        for key in ("s:2026-03", "s:2026-04")
    ]
    assert notify_many(kind="ideas", notices=notices) == 2
    assert notify_many(kind="ideas", notices=notices) == 0
    assert Notification.objects.filter(recipient=keen).count() == 2
    assert not Notification.objects.filter(recipient=quiet).exists()
    with pytest.raises(ValueError):
        notify_many(kind="no-such-kind", notices=notices)


def test_a_security_alert_is_shown_and_emailed_whatever_the_settings_say(client, on_commit):
    """A payout account changing is mandatory: whoever took over the account would turn
    its alerts off first, so neither the page nor the service lets anyone do that."""
    member = MemberFactory(email="owner@example.com")
    preferences_update(member=member, choices={"payments_payee_changed": {"in_app": False, "email": False}})
    assert preferences_for(member=member)["payments_payee_changed"] == {"in_app": True, "email": True}
    client.force_login(member)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'data-testid="mandatory-payments_payee_changed"' in page
    assert 'name="payments_payee_changed-email"' not in page  # nothing to untick
    client.post(reverse("notifications:preferences"), {})  # every box left empty
    prefs = preferences_for(member=member)
    assert prefs["payments_payee_changed"] == {"in_app": True, "email": True}
    assert prefs["reply"] == {"in_app": False, "email": False}  # the others do follow the form
    from fanrepublic.payments.payouts import payee_demo_link

    mail.outbox.clear()
    with on_commit():
        payee_demo_link(member=member)
    alert = Notification.objects.get(recipient=member, kind="payments_payee_changed")
    assert alert.read_at is None
    assert [message.to for message in mail.outbox] == [["owner@example.com"]]
