"""Closed betas, given/when/then: opening publishes the seed, eligibility and answers are
checked, selection fills ranked then drawn seats reproducibly, never beyond capacity,
the NDA gates confidential content, reports are reviewed and paid through the earning
rules, and completing testers receive their entitlement."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from fanrepublic.badges.tests.factories import BadgeFactory, MemberBadgeFactory
from fanrepublic.betas import selectors, services
from fanrepublic.betas.enums import ApplicationStatus, ProgrammeStatus, ReportStatus
from fanrepublic.betas.models import Application, BetaProgramme, Entitlement
from fanrepublic.betas.tests.factories import (
    ApplicationQuestionFactory,
    BetaProgrammeFactory,
    TestPlanFactory,
    TestTaskFactory,
)
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator
from fanrepublic.notifications.models import Notification
from fanrepublic.points import services as points
from fanrepublic.points.tests.factories import EarningRuleFactory

pytestmark = pytest.mark.django_db

REPORT = {
    "title": "Range estimate jumps after a cold night",
    "steps": "Park outside overnight at -10 °C, then start the car.",
    "expected": "A stable range estimate",
    "actual": "It jumps from 420 km to 300 km",
    "severity": "medium",
    "device": "SU7 Max",
    "build": "1.6.8",
}


def opened(**kwargs):
    programme = BetaProgrammeFactory(**kwargs)
    return services.programme_open(actor=operator(), programme=programme)


def close(programme):
    BetaProgramme.objects.filter(pk=programme.pk).update(
        applications_close_at=timezone.now() - timedelta(minutes=1)
    )
    programme.refresh_from_db()


def selected_tester(programme, member=None):
    member = member or MemberFactory()
    application = Application.objects.create(
        programme=programme,
        member=member,
        status=ApplicationStatus.SELECTED,
        selected_by="staff",
        nda_accepted_at=timezone.now(),
        ticket="0",
    )
    BetaProgramme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.SELECTED)
    programme.refresh_from_db()
    return application


class TestOpeningAndApplying:
    def test_opening_publishes_a_seed_and_is_audited(self):
        programme = opened()
        assert programme.status == ProgrammeStatus.OPEN and len(programme.seed) == 32
        assert AuditEntry.objects.filter(action="betas.programme.opened").exists()
        with pytest.raises(Conflict):
            services.programme_open(actor=operator(), programme=programme)

    def test_members_cannot_open(self):
        with pytest.raises(Forbidden):
            services.programme_open(actor=MemberFactory(), programme=BetaProgrammeFactory())

    def test_an_eligible_member_applies_once_with_answers_and_a_recomputable_ticket(self):
        programme = opened()
        question = ApplicationQuestionFactory(programme=programme, kind="choice", choices=["north", "south"])
        fan = MemberFactory(username="snowfan")
        application = services.application_submit(
            member=fan, programme=programme, answers={f"q{question.pk}": "north"}
        )
        expected = hashlib.sha256(f"{programme.seed}:{programme.slug}:snowfan".encode()).hexdigest()
        assert application.ticket == expected and application.answers == {str(question.pk): "north"}
        with pytest.raises(Conflict):
            services.application_submit(member=fan, programme=programme, answers={f"q{question.pk}": "north"})
        assert Application.objects.count() == 1

    @pytest.mark.parametrize("answers", [{}, {"q": "x"}, "wrong-choice", "too-long"])
    def test_bad_answers_apply_nothing(self, answers):
        programme = opened()
        question = ApplicationQuestionFactory(programme=programme, kind="choice", choices=["north", "south"])
        if answers == "wrong-choice":
            answers = {f"q{question.pk}": "east"}
        elif answers == "too-long":
            question.kind = "text"
            question.save()
            answers = {f"q{question.pk}": "x" * 2001}
        with pytest.raises(ValidationFailed) as exc:
            services.application_submit(member=MemberFactory(), programme=programme, answers=answers)
        assert f"q{question.pk}" in exc.value.errors
        assert not Application.objects.exists()

    def test_eligibility_by_trust_badge_product_and_region_with_reasons(self):
        knight = BadgeFactory(name="Orange Knight")
        programme = opened(min_trust_level=2, regions=["CN"])
        programme.required_badges.add(knight)
        programme.required_products.add(programme.product_line)
        fan = MemberFactory(trust_level=1, country="US")
        with pytest.raises(Forbidden) as exc:
            services.application_submit(member=fan, programme=programme, answers={})
        message = str(exc.value.message)
        assert "trust level 2" in message and "Orange Knight" in message and "China" in message
        fan.trust_level, fan.country = 2, "CN"
        fan.save()
        fan.products_owned.add(programme.product_line)
        MemberBadgeFactory(member=fan, badge=knight)
        services.application_submit(member=fan, programme=programme, answers={})

    def test_no_applications_when_closed_or_not_open(self):
        draft = BetaProgrammeFactory()
        with pytest.raises(Conflict):
            services.application_submit(member=MemberFactory(), programme=draft, answers={})
        programme = opened()
        close(programme)
        with pytest.raises(Conflict):
            services.application_submit(member=MemberFactory(), programme=programme, answers={})


class TestSelection:
    def test_ranked_seats_then_the_lowest_tickets_then_the_waitlist(self, on_commit):
        programme = opened(capacity=3, ranked_seats=1, rank_by="contribution")
        fans = [MemberFactory(username=f"fan_{n}", reputation=n * 10) for n in range(6)]
        for fan in fans:
            services.application_submit(member=fan, programme=programme, answers={})
        close(programme)
        with on_commit():
            counts = services.selection_run(actor=operator(), programme=programme)
        assert counts == {"selected": 3, "waitlisted": 3, "declined": 0}
        apps = {a.member.username: a for a in programme.applications.select_related("member")}
        assert apps["fan_5"].status == "selected" and apps["fan_5"].selected_by == "rank"  # highest score
        rest = sorted((a for a in apps.values() if a.member.username != "fan_5"), key=lambda a: a.ticket)
        assert [a.status for a in rest] == ["selected", "selected", "waitlisted", "waitlisted", "waitlisted"]
        # Anyone can recompute the draw from the published seed.
        for a in rest:
            assert (
                a.ticket
                == hashlib.sha256(
                    f"{programme.seed}:{programme.slug}:{a.member.username}".encode()
                ).hexdigest()
            )
        assert Notification.objects.filter(kind="beta", params__beta="selected").count() == 3
        assert Notification.objects.filter(kind="beta", params__beta="waitlisted").count() == 3
        with pytest.raises(Conflict):
            services.selection_run(actor=operator(), programme=programme)

    def test_selection_waits_for_applications_to_close(self):
        programme = opened()
        with pytest.raises(Conflict):
            services.selection_run(actor=operator(), programme=programme)

    def test_members_who_lost_eligibility_are_declined_at_selection(self):
        programme = opened(min_trust_level=2)
        fan = MemberFactory(trust_level=2)
        services.application_submit(member=fan, programme=programme, answers={})
        type(fan).objects.filter(pk=fan.pk).update(trust_level=1)
        close(programme)
        assert services.selection_run(actor=operator(), programme=programme)["declined"] == 1

    def test_staff_cannot_accept_beyond_capacity(self):
        programme = opened(capacity=1)
        first, second = MemberFactory(), MemberFactory()
        a1 = services.application_submit(member=first, programme=programme, answers={})
        a2 = services.application_submit(member=second, programme=programme, answers={})
        services.application_decide(actor=engineer(), application=a1, status="selected")
        with pytest.raises(Conflict) as exc:
            services.application_decide(actor=engineer(), application=a2, status="selected")
        assert "seats are taken" in str(exc.value.message)
        a2.refresh_from_db()
        assert a2.status == ApplicationStatus.APPLIED
        with pytest.raises(ValidationFailed):
            services.application_decide(actor=engineer(), application=a2, status="promoted")

    def test_a_freed_seat_goes_to_the_lowest_waitlisted_ticket(self):
        programme = opened(capacity=1)
        fans = [MemberFactory() for _ in range(3)]
        for fan in fans:
            services.application_submit(member=fan, programme=programme, answers={})
        close(programme)
        services.selection_run(actor=operator(), programme=programme)
        chosen = programme.applications.get(status="selected")
        services.application_withdraw(member=chosen.member, application=chosen)
        waiting = sorted(programme.applications.exclude(pk=chosen.pk), key=lambda a: a.ticket)
        waiting[0].refresh_from_db()
        assert waiting[0].status == "selected" and waiting[0].selected_by == "waitlist"
        assert programme.applications.filter(status="selected").count() == 1


class TestConfidentialityAndReports:
    def test_only_testers_who_signed_the_nda_see_the_brief_and_file_reports(self):
        programme = BetaProgrammeFactory(open=True)
        fan = MemberFactory()
        application = Application.objects.create(
            programme=programme, member=fan, status="selected", ticket="0"
        )
        BetaProgramme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.SELECTED)
        programme.refresh_from_db()
        assert not selectors.sees_confidential(viewer=fan, programme=programme)
        with pytest.raises(NotFound):
            services.report_submit(tester=fan, programme=programme, **REPORT)
        with pytest.raises(NotFound):  # no seat: missing, not forbidden
            services.nda_accept(member=MemberFactory(), programme=programme)
        services.nda_accept(member=fan, programme=programme)
        assert selectors.sees_confidential(viewer=fan, programme=programme)
        assert not selectors.sees_confidential(viewer=MemberFactory(), programme=programme)
        application.refresh_from_db()
        assert application.nda_accepted_at is not None

    def test_accepting_the_nda_records_which_text_was_accepted(self):
        import hashlib

        from django.utils import translation

        from fanrepublic.core.errors import Conflict

        programme = BetaProgrammeFactory(open=True, nda="Keep it secret.", nda_zh="请保密。")
        fan = MemberFactory()
        Application.objects.create(programme=programme, member=fan, status="selected", ticket="0")
        shown = programme.display_nda_sha256
        # the text changes after the member read it: accepting the old one is refused
        BetaProgramme.objects.filter(pk=programme.pk).update(nda="Keep it secret. Also: no photos.")
        with pytest.raises(Conflict):
            services.nda_accept(member=fan, programme=programme, shown_sha256=shown)
        programme.refresh_from_db()
        with translation.override("zh-hans"):
            application = services.nda_accept(
                member=fan, programme=programme, shown_sha256=programme.display_nda_sha256
            )
        assert application.nda_sha256 == hashlib.sha256("请保密。".encode()).hexdigest()
        assert application.nda_language == "zh-hans"
        # a later change never rewrites what was agreed
        BetaProgramme.objects.filter(pk=programme.pk).update(nda_zh="新的条款")
        application.refresh_from_db()
        assert application.nda_sha256 == hashlib.sha256("请保密。".encode()).hexdigest()

    @pytest.mark.parametrize(
        "field, value", [("title", "x"), ("steps", ""), ("severity", "apocalyptic"), ("build", "")]
    )
    def test_bad_report_input_files_nothing(self, field, value):
        programme = BetaProgrammeFactory()
        application = selected_tester(programme)
        with pytest.raises(ValidationFailed) as exc:
            services.report_submit(tester=application.member, programme=programme, **{**REPORT, field: value})
        assert field in exc.value.errors and not programme.reports.exists()

    def test_a_task_of_another_programme_is_refused(self):
        programme = BetaProgrammeFactory()
        application = selected_tester(programme)
        other_task = TestTaskFactory()
        with pytest.raises(ValidationFailed):
            services.report_submit(tester=application.member, programme=programme, task=other_task, **REPORT)

    def test_review_approval_pays_once_and_changes_requested_goes_back_to_the_tester(self, on_commit):
        EarningRuleFactory(verb="betas.report.approved", points=200, name="Test report approved")
        programme = BetaProgrammeFactory()
        application = selected_tester(programme)
        task = TestTaskFactory(plan=TestPlanFactory(programme=programme))
        report = services.report_submit(tester=application.member, programme=programme, task=task, **REPORT)
        eng = engineer()
        with pytest.raises(ValidationFailed):
            services.report_review(actor=eng, report=report, decision="changes_requested")  # needs a note
        with on_commit():
            services.report_review(
                actor=eng, report=report, decision="changes_requested", note="Which ambient temperature?"
            )
        services.report_revise(
            tester=application.member, report=report, **{**REPORT, "steps": REPORT["steps"] + " At -12 °C."}
        )
        with on_commit():
            services.report_review(actor=eng, report=report, decision="approved")
        assert points.wallet_for(application.member).balance_minor == 200
        with pytest.raises(Conflict):
            services.report_review(actor=eng, report=report, decision="approved")
        assert points.wallet_for(application.member).balance_minor == 200
        assert Notification.objects.filter(recipient=application.member, params__beta="approved").exists()
        with pytest.raises(Forbidden):
            services.report_review(actor=MemberFactory(), report=report, decision="rejected", note="no")

    def test_finishing_grants_the_perk_to_testers_who_completed(self, on_commit):
        programme = BetaProgrammeFactory(
            completion_perk="Lifetime free OTA upgrades", completion_perk_zh="终身免费 OTA 升级"
        )
        done, idle = selected_tester(programme), selected_tester(programme)
        report = services.report_submit(tester=done.member, programme=programme, **REPORT)
        services.report_review(actor=engineer(), report=report, decision="approved")
        with on_commit():
            assert services.programme_finish(actor=operator(), programme=programme) == 1
        assert Entitlement.objects.get().member == done.member
        assert not Entitlement.objects.filter(member=idle.member).exists()
        assert Notification.objects.filter(recipient=done.member, params__beta="completed").exists()
        with pytest.raises(Conflict):
            services.programme_finish(actor=operator(), programme=programme)
        assert report.__class__.objects.get().status == ReportStatus.APPROVED


def test_seats_given_by_staff_before_the_selection_count_against_the_total():
    programme = opened(capacity=2, ranked_seats=2)
    fans = [MemberFactory() for _ in range(4)]
    applications = [services.application_submit(member=f, programme=programme, answers={}) for f in fans]
    services.application_decide(actor=operator(), application=applications[0], status="selected")
    close(programme)
    counts = services.selection_run(actor=operator(), programme=programme)
    assert counts["selected"] == 1 and programme.applications.filter(status="selected").count() == 2
