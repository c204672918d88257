"""The stored-XSS suite's places for betas (see fanrepublic/core/tests/xss.py): every
payload of the corpus written into the app's text fields through its own services, and
every page that shows them checked, as the viewers who may see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, for_forms, markers, place
from fanrepublic.core.tests.xss_payloads import CORPUS, PAYLOADS, fitting, joined, packs


@place(
    "betas",
    "betas.BetaProgramme.name",
    "betas.BetaProgramme.name_zh",
    "betas.BetaProgramme.summary",
    "betas.BetaProgramme.summary_zh",
    "betas.BetaProgramme.brief",
    "betas.BetaProgramme.brief_zh",
    "betas.BetaProgramme.nda",
    "betas.BetaProgramme.nda_zh",
    "betas.BetaProgramme.completion_perk",
    "betas.BetaProgramme.completion_perk_zh",
    "betas.ApplicationQuestion.prompt",
    "betas.ApplicationQuestion.prompt_zh",
    "betas.TestPlan.title",
    "betas.TestPlan.title_zh",
    "betas.TestTask.title",
    "betas.TestTask.title_zh",
    "betas.TestTask.instructions",
    "betas.TestTask.instructions_zh",
    "betas.TestReport.title",
    "betas.TestReport.steps",
    "betas.TestReport.expected",
    "betas.TestReport.actual",
    "betas.TestReport.device",
    "betas.TestReport.build",
    "betas.TestReport.review_note",
)
def closed_betas(pages: Pages):
    """Programmes (name, summary, confidential brief, NDA, completion perk, application
    questions — both languages), applications' answers (shown to staff), test plans and
    tasks, test reports and their review notes; the index, programme (as visitor,
    applicant and tester), draw, report edit, staff list, manage and edit pages."""
    from datetime import timedelta

    from django.utils import timezone

    from fanrepublic.betas import services
    from fanrepublic.betas.models import BetaProgramme
    from fanrepublic.members import services as members
    from fanrepublic.members.tests.factories import MemberFactory, operator
    from fanrepublic.products.tests.factories import ProductLineFactory

    op, visitor_zh = operator(), MemberFactory(language="zh-hans")
    line = ProductLineFactory()
    now = timezone.now()
    names = packs(120)
    programmes = []
    with pages.committed():
        for n, group in enumerate(names):
            programme = BetaProgramme(
                product_line=line,
                slug=f"xss-{n}",
                name=joined(group),
                name_zh=joined(group),
                summary=CORPUS,
                summary_zh=CORPUS,
                brief=CORPUS,
                brief_zh=CORPUS,
                nda=CORPUS,
                nda_zh=CORPUS,
                completion_perk=joined(packs(200)[n % len(packs(200))]),
                completion_perk_zh=joined(packs(200)[n % len(packs(200))]),
                capacity=4,
                applications_close_at=now + timedelta(days=7),
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + timedelta(days=30),
            )
            programmes.append((group, services.programme_save(actor=op, programme=programme)))
        beta = programmes[0][1]
        questions = [
            services.question_add(
                actor=op, programme=beta, prompt=joined(g), prompt_zh=joined(g), required=False
            )
            for g in packs(300)
        ]
        for _group, programme in programmes:
            services.programme_open(actor=op, programme=programme)
        testers = []
        for p in fitting(50)[:3]:
            member = MemberFactory()
            members.profile_update(member=member, data={"display_name": p.text})
            answers = {f"q{q.pk}": CORPUS for q in questions}
            services.application_submit(member=member, programme=beta, answers=answers)
            testers.append(member)
        applicant = MemberFactory()  # selected, has not signed the NDA yet: reads it
        services.application_submit(member=applicant, programme=beta, answers={})
        services.application_submit(member=applicant, programme=programmes[1][1], answers={})
        BetaProgramme.objects.filter(pk=beta.pk).update(applications_close_at=now - timedelta(minutes=1))
        services.selection_run(actor=op, programme=beta)
        for tester in testers:
            services.nda_accept(member=tester, programme=beta)
        tester = testers[0]
        for group in packs(200):
            plan = services.plan_add(actor=op, programme=beta, title=joined(group), title_zh=joined(group))
            task = services.task_add(
                actor=op, plan=plan, title=joined(group), title_zh=joined(group), instructions=CORPUS
            )
        # The Chinese instructions, as the admin stores them.
        type(task).objects.filter(plan__programme=beta).update(instructions_zh=CORPUS)
        devices, titles, notes, reports = packs(100), packs(200), packs(2000), []
        for n, group in enumerate(devices):
            report = services.report_submit(
                tester=tester,
                programme=beta,
                task=task,
                title=joined(titles[n % len(titles)]),
                steps=CORPUS,
                expected=CORPUS,
                actual=CORPUS,
                severity="medium",
                device=joined(group),
                build=joined(devices[-1 - n]),
            )
            reports.append(report)
        services.report_review(
            actor=op, report=reports[0], decision="changes_requested", note=joined(notes[0])
        )
        services.report_review(actor=op, report=reports[1], decision="approved", note=CORPUS)
        for report, group in zip(reports[2:], notes[1:], strict=False):
            services.report_review(actor=op, report=report, decision="rejected", note=joined(group))
        waiting = devices[len(notes) + 1 :]  # still to review: shown on the manage page
        services.programme_finish(actor=op, programme=beta)
    every = markers(PAYLOADS)
    all_names = markers(sum(names, []))
    pages.check(None, _reverse("betas:index"), shows=all_names)
    pages.check(visitor_zh, _reverse("betas:index"), shows=all_names)
    for _group, programme in programmes:
        pages.check(None, _reverse("betas:programme", programme.slug), shows=every)
    url = _reverse("betas:programme", beta.slug)
    pages.check(applicant, url, shows=every)
    pages.check(applicant, _reverse("betas:programme", programmes[1][1].slug), shows=every)
    pages.check(tester, url, shows=every)
    pages.check(visitor_zh, url, shows=every)
    assert len(waiting) > len(devices) // 2
    pages.check(testers[1], url, shows=every)
    pages.check(None, _reverse("betas:draw", beta.slug), shows=markers(fitting(50)[:3]))
    pages.check(tester, _reverse("betas:report_edit", beta.slug, reports[0].pk), shows=every)
    pages.check(tester, _reverse("members:profile", tester.username), shows=markers(packs(200)[0]))
    pages.check(op, _reverse("betas:staff"), shows=all_names)
    pages.check(op, _reverse("betas:manage", beta.slug), shows=every + markers(sum(waiting, [])))
    for _group, programme in for_forms(programmes, names):
        pages.check(op, _reverse("betas:edit", programme.slug), shows=every)
    pages.check(tester, _reverse("notifications:list"))
    pages.admin(beta, questions[0], plan, task, reports[0], shows=every[:2])
