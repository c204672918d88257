"""The bug bounty, given/when/then: filing, triage, paying exactly once, duplicates and
the first reporter, privacy of security reports, fixes shipping and disclosure."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fanrepublic.bounty import selectors, services
from fanrepublic.bounty.enums import ReportStatus
from fanrepublic.bounty.models import BountyReport
from fanrepublic.bounty.tests.factories import BountyReportFactory, PublishedReleaseFactory, RewardTierFactory
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.models import AuditEntry
from fanrepublic.forum.tests.test_services import png_bytes
from fanrepublic.members.tests.factories import MemberFactory, engineer, operator, security, store_manager
from fanrepublic.notifications.models import Notification
from fanrepublic.points import services as points
from fanrepublic.points.selectors import ledger_problems
from fanrepublic.releases import services as releases
from fanrepublic.releases.tests.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "Camera crashes when switching to the telephoto lens",
    "steps": "1. Open the camera\n2. Tap 5x",
    "expected": "The lens switches",
    "actual": "The app closes",
    "claimed_severity": "high",
}


def file(reporter=None, release=None, **overrides):
    return services.report_submit(
        reporter=reporter or MemberFactory(),
        release=release or PublishedReleaseFactory(),
        **{**GOOD, **overrides},
    )


def balance(member):
    return points.wallet_for(member).balance_minor


class TestFiling:
    def test_a_member_files_a_report_with_a_screenshot(self):
        shot = SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")
        report = file(images=[shot])
        assert report.status == ReportStatus.NEW and report.attachments.count() == 1
        assert "camera" in report.search_document

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"title": "Bug"}, "title"),
            ({"steps": "click"}, "steps"),
            ({"actual": ""}, "actual"),
            ({"expected": "x" * 2001}, "expected"),
            ({"claimed_severity": "apocalyptic"}, "claimed_severity"),
        ],
    )
    def test_bad_input_files_nothing(self, overrides, field):
        with pytest.raises(ValidationFailed) as exc:
            file(**overrides)
        assert field in exc.value.errors
        assert not BountyReport.objects.exists()

    def test_a_report_needs_a_released_version(self):
        with pytest.raises(ValidationFailed) as exc:
            file(release=ReleaseFactory())  # planned, not released
        assert "release" in exc.value.errors
        assert not BountyReport.objects.exists()

    def test_an_image_that_is_not_one_is_refused(self):
        fake = SimpleUploadedFile("shot.png", b"MZ not an image", content_type="image/png")
        with pytest.raises(ValidationFailed):
            file(images=[fake])
        assert not BountyReport.objects.exists()

    def test_suspended_members_cannot_file(self):
        from django.utils import timezone

        with pytest.raises(Forbidden):
            file(reporter=MemberFactory(suspended_until=timezone.now() + timedelta(days=1)))


class TestTriageAndReward:
    def test_valid_pays_the_reward_table_once_with_a_reason(self, on_commit):
        release = PublishedReleaseFactory()
        RewardTierFactory(severity="high", points=300)
        RewardTierFactory(product_line=release.product_line, severity="high", points=500)  # the product's own
        reporter = MemberFactory()
        report = file(reporter=reporter, release=release)
        eng = engineer()
        with on_commit():
            services.report_triage(
                actor=eng, report=report, status="valid", severity="high", note="Confirmed"
            )
        assert balance(reporter) == 500
        report.refresh_from_db()
        assert report.reward.memo.startswith(f"Valid bug report #{report.pk}")
        assert Notification.objects.filter(
            recipient=reporter, kind="bounty", params__report_status="valid"
        ).exists()
        services.report_triage(actor=eng, report=report, status="fixed")
        assert balance(reporter) == 500  # fixed after valid: not paid again
        with pytest.raises(Conflict):
            services.report_triage(actor=eng, report=report, status="valid", severity="critical")
        assert balance(reporter) == 500 and ledger_problems() == []
        assert AuditEntry.objects.filter(action="bounty.report.triaged").count() == 2

    def test_valid_needs_a_severity(self):
        report = file(claimed_severity="low")
        BountyReport.objects.filter(pk=report.pk).update(severity="")
        with pytest.raises(ValidationFailed) as exc:
            services.report_triage(actor=engineer(), report=report, status="valid")
        assert "severity" in exc.value.errors
        report.refresh_from_db()
        assert report.status == ReportStatus.NEW

    @pytest.mark.parametrize("status", ["bogus", ""])
    def test_unknown_status_changes_nothing(self, status):
        report = file()
        with pytest.raises(ValidationFailed):
            services.report_triage(actor=engineer(), report=report, status=status)

    @pytest.mark.parametrize("role", [None, store_manager])
    def test_members_and_other_staff_cannot_triage(self, role):
        report = file()
        with pytest.raises(NotFound):
            services.report_triage(actor=role() if role else MemberFactory(), report=report, status="invalid")
        report.refresh_from_db()
        assert report.status == ReportStatus.NEW

    def test_needs_info_goes_back_to_the_queue_when_the_reporter_answers(self, on_commit):
        reporter = MemberFactory()
        report = file(reporter=reporter)
        with on_commit():
            services.report_triage(actor=operator(), report=report, status="needs_info", note="Which build?")
        services.report_message(author=reporter, report=report, body="Build 2.1.3.20261120")
        report.refresh_from_db()
        assert report.status == ReportStatus.NEW
        assert Notification.objects.filter(recipient=reporter, kind="bounty").exists()

    def test_only_reporter_and_triage_write_and_internal_notes_stay_internal(self):
        report = file()
        with pytest.raises(Forbidden):
            services.report_message(author=MemberFactory(), report=report, body="me too")
        with pytest.raises(Forbidden):
            services.report_message(author=report.reporter, report=report, body="psst", is_internal=True)
        services.report_message(
            author=engineer(), report=report, body="Reproduced on 2 devices", is_internal=True
        )
        assert report.messages.get().is_internal


class TestDuplicates:
    def test_the_first_reporter_keeps_the_reward(self):
        RewardTierFactory(severity="high", points=500)
        first, second = MemberFactory(), MemberFactory()
        release = PublishedReleaseFactory()
        original = file(reporter=first, release=release)
        later = file(reporter=second, release=release, title="Telephoto lens switch crashes the camera")
        eng = engineer()
        with pytest.raises(ValidationFailed) as exc:
            services.report_triage(actor=eng, report=original, status="duplicate", duplicate_of=later)
        assert "earlier report" in str(exc.value.errors["duplicate_of"])
        services.report_triage(actor=eng, report=later, status="duplicate", duplicate_of=original)
        services.report_triage(actor=eng, report=original, status="valid", severity="high")
        assert balance(first) == 500 and balance(second) == 0
        later.refresh_from_db()
        assert later.duplicate_of == original

    def test_a_duplicate_needs_its_original_from_the_same_product(self):
        report = file()
        other = BountyReportFactory()
        for original in (None, other):
            with pytest.raises(ValidationFailed):
                services.report_triage(
                    actor=engineer(), report=report, status="duplicate", duplicate_of=original
                )

    def test_candidates_are_found_in_chinese_and_english(self):
        release = PublishedReleaseFactory()
        zh = file(release=release, title="打开相机切换长焦镜头就闪退", actual="相机闪退")
        en = file(release=release, title="Camera app crashes when switching to telephoto", actual="crash")
        file(release=release, title="Battery drains overnight in standby", actual="20% lost")
        found_zh = selectors.duplicate_candidates(
            viewer=engineer(), product_line=release.product_line, text="相机 切换长焦 闪退"
        )
        assert [c["report"] for c in found_zh][:1] == [zh]
        found_en = selectors.duplicate_candidates(
            viewer=engineer(),
            product_line=release.product_line,
            text="camera crashes switching telephoto lens",
        )
        assert [c["report"] for c in found_en][:1] == [en]
        assert all(c["report"].title.startswith(("打开", "Camera")) for c in found_en + found_zh)


class TestSecurityReports:
    def test_private_to_the_reporter_and_security_triage(self):
        reporter = MemberFactory()
        report = file(reporter=reporter, is_security=True)
        assert selectors.report_get(viewer=reporter, pk=report.pk) == report
        assert selectors.report_get(viewer=security(), pk=report.pk) == report
        for outsider in (MemberFactory(), engineer(), operator()):
            with pytest.raises(NotFound):
                selectors.report_get(viewer=outsider, pk=report.pk)
            with pytest.raises(NotFound):
                services.report_triage(actor=outsider, report=report, status="invalid")
        found = selectors.duplicate_candidates(
            viewer=MemberFactory(), product_line=report.product_line, text=GOOD["title"]
        )
        assert found == []  # nobody learns of a private report through "similar reports"

    def test_disclosed_only_after_the_fix_ships_in_a_release(self, on_commit):
        RewardTierFactory(severity="critical", points=2000)
        release = PublishedReleaseFactory()
        reporter, sec = MemberFactory(), security()
        report = file(reporter=reporter, release=release, is_security=True)
        services.report_triage(actor=sec, report=report, status="valid", severity="critical")
        with pytest.raises(Conflict):
            services.report_disclose(actor=sec, report=report)
        fix = releases.release_create(actor=engineer(), product_line=release.product_line, version="9.0.1")
        with pytest.raises(ValidationFailed) as exc:  # a public changelog line needs its own words
            releases.release_item_add(actor=sec, release=fix, source="bounty_finding", source_id=report.pk)
        assert "title" in exc.value.errors
        with pytest.raises(NotFound):  # an engineer outside security cannot even name it
            releases.release_item_add(
                actor=engineer(),
                release=fix,
                source="bounty_finding",
                source_id=report.pk,
                title="Security fix",
            )
        item = releases.release_item_add(
            actor=sec,
            release=fix,
            source="bounty_finding",
            source_id=report.pk,
            title="Security fix for the lock screen",
        )
        assert (item.source_type, item.source_id, item.contributor) == ("bounty_finding", report.pk, reporter)
        assert item.user_contributed and item.title == "Security fix for the lock screen"
        with on_commit():
            releases.release_publish(actor=sec, release=fix)
        report.refresh_from_db()
        assert report.status == ReportStatus.FIXED and report.fixed_in == fix
        services.report_disclose(actor=sec, report=report)
        assert selectors.report_get(viewer=MemberFactory(), pk=report.pk) == report
        assert balance(reporter) == 2000
        assert AuditEntry.objects.filter(action="bounty.report.disclosed").exists()


class TestReputation:
    def test_valid_invalid_ratio_points_and_hall_of_fame(self):
        RewardTierFactory(severity="high", points=500)
        hunter = MemberFactory()
        eng = engineer()
        reports = [file(reporter=hunter, title=f"Distinct bug number {n} in the camera") for n in range(3)]
        services.report_triage(actor=eng, report=reports[0], status="valid", severity="high")
        services.report_triage(actor=eng, report=reports[1], status="valid", severity="high")
        services.report_triage(actor=eng, report=reports[2], status="invalid")
        stats = selectors.reporter_stats(member=hunter)
        assert (stats.valid, stats.invalid, stats.points, stats.valid_ratio) == (2, 1, 1000, 66.7)
        fame = selectors.hall_of_fame()
        assert fame[0]["member"] == hunter and fame[0]["points"] == 1000
