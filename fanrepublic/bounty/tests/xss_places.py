"""The stored-XSS suite's places for bounty (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, joined, packs


@place(
    "bounty",
    "bounty.BountyReport.title",
    "bounty.BountyReport.steps",
    "bounty.BountyReport.expected",
    "bounty.BountyReport.actual",
    "bounty.ReportMessage.body",
    "bounty.ReportMessage.body_html",
)
def bounty_reports(pages: Pages):
    """Bug reports (title, steps, expected, actual), the conversation (triage notes,
    the reporter's answers, internal notes), a private security report; the report,
    list, queue, similar-reports, hall of fame and wallet pages."""
    from fanrepublic.bounty import services
    from fanrepublic.bounty.tests.factories import PublishedReleaseFactory, RewardTierFactory
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import MemberFactory, engineer, operator, security
    from fanrepublic.releases.tests.factories import ReleaseFactory

    release = PublishedReleaseFactory()
    RewardTierFactory(severity="high", points=500)
    reporter, other, eng, sec = MemberFactory(), MemberFactory(), engineer(), security()
    members.profile_update(member=reporter, data={"display_name": PAYLOADS[1].text})
    reports = []
    with pages.committed():
        for group in packs(200):
            report = services.report_submit(
                reporter=reporter,
                release=release,
                title=joined(group),
                steps=CORPUS,
                expected=CORPUS,
                actual=CORPUS,
                claimed_severity="high",
            )
            reports.append((group, report))
        first = reports[0][1]
        services.report_triage(actor=eng, report=first, status="needs_info", note=CORPUS)
        services.report_message(author=reporter, report=first, body=CORPUS)
        services.report_message(author=eng, report=first, body=CORPUS, is_internal=True)
        services.report_triage(actor=eng, report=first, status="valid", severity="high", note=CORPUS)
        private = services.report_submit(
            reporter=reporter,
            release=release,
            title=joined(reports[1][0]),
            steps=CORPUS,
            expected=CORPUS,
            actual=CORPUS,
            claimed_severity="high",
            is_security=True,
        )
        services.report_message(author=sec, report=private, body=CORPUS, is_internal=True)
    every = markers(PAYLOADS)
    for _group, report in reports:
        url = _reverse("bounty:report", report.pk)
        pages.check(other, url, shows=every)
        pages.check(eng, url, shows=every)
    pages.check(reporter, _reverse("bounty:report", first.pk), shows=every)
    pages.check(reporter, _reverse("bounty:report", private.pk), shows=every)
    pages.check(sec, _reverse("bounty:report", private.pk), shows=every)
    titles = markers(sum((g for g, _r in reports), []))
    pages.check(None, _reverse("bounty:programme"), shows=titles[-3:])
    pages.check(reporter, _reverse("bounty:mine"), shows=titles)
    waiting = markers(sum((g for g, _r in reports[1:]), []))  # the first one was judged
    pages.check(eng, _reverse("bounty:queue"), shows=waiting)
    pages.check(sec, _reverse("bounty:queue"), shows=waiting)
    for group, _report in reports:
        pages.check(other, _reverse("bounty:similar"), release=release.pk, title=joined(group), actual=CORPUS)
    pages.check(None, _reverse("bounty:hall_of_fame"), shows=[PAYLOADS[1].marker])
    pages.check(reporter, _reverse("points:wallet"))
    pages.check(reporter, _reverse("notifications:list"))

    planned = ReleaseFactory(product_line=release.product_line)  # the valid finding waits on it
    pages.check(eng, _reverse("releases:workbench", planned.pk), shows=markers(reports[0][0]))
    pages.check(operator(), _reverse("audit_log"), shows=every)
    pages.admin(first, first.messages.first(), shows=every)


# What URL fields are offered: a link must not run, whatever the field's validation.
