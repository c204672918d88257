"""Closed betas: operators open a programme (which publishes the draw seed), members
apply if eligible, selection fills the ranked seats by the programme's criterion and
the rest by a draw anyone can recompute, testers accept the NDA before they see anything
confidential, file structured reports that staff review (approved ones pay through the
earning rules), and completing testers receive the programme's perk as an entitlement."""

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.badges.eligibility import eligibility_problems
from fanrepublic.bounty.enums import Severity
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.images import check_images
from fanrepublic.core.services import audit_record

from .enums import ApplicationStatus, ProgrammeStatus, QuestionKind, RankBy, ReportStatus, SelectedBy
from .models import (
    Application,
    BetaProgramme,
    Entitlement,
    TestPlan,
    TestReport,
    TestReportAttachment,
    TestTask,
)
from .permissions import can_manage

ANSWER_MAX = 2000


def _require_manager(actor):
    if not can_manage(actor):
        raise Forbidden(_("Only engineers and operators run beta programmes."))


def ticket_for(programme: BetaProgramme, username: str) -> str:
    """The draw ticket: SHA-256 of "seed:programme:username". The seed is public from the
    day applications open, so anyone can recompute every ticket; the lowest tickets win
    the drawn seats. Nobody — staff included — can pick a seed after seeing who applied."""
    return hashlib.sha256(f"{programme.seed}:{programme.slug}:{username}".encode()).hexdigest()


def eligibility(member, programme: BetaProgramme) -> list[str]:
    products = programme.required_products.all()
    owners = (
        {"verified_product_lines": products}
        if programme.required_products_verified
        else {"product_lines": products}
    )
    return eligibility_problems(
        member,
        min_trust_level=programme.min_trust_level,
        badges=programme.required_badges.all(),
        regions=programme.regions,
        **owners,
    )


def programme_open(*, actor, programme: BetaProgramme) -> BetaProgramme:
    """Start taking applications; the draw seed is generated and published now."""
    _require_manager(actor)
    with transaction.atomic():
        locked = BetaProgramme.objects.select_for_update().get(pk=programme.pk)
        if locked.status != ProgrammeStatus.DRAFT:
            raise Conflict(_("This programme is already open."))
        if locked.applications_close_at <= timezone.now():
            raise ValidationFailed(
                _("Set a closing time in the future first."), field="applications_close_at"
            )
        locked.status = ProgrammeStatus.OPEN
        locked.seed = secrets.token_hex(16)
        locked.seed_published_at = timezone.now()
        locked.save(update_fields=["status", "seed", "seed_published_at"])
        audit_record(actor=actor, action="betas.programme.opened", target=locked, data={"seed": locked.seed})
        record_event(verb="betas.programme.opened", actor=actor, obj=locked)
    return locked


def _clean_answers(programme: BetaProgramme, answers: dict) -> dict:
    cleaned, errors = {}, {}
    for question in programme.questions.all():
        key = f"q{question.pk}"
        value = str(answers.get(key, answers.get(str(question.pk), "")) or "").strip()
        if not value:
            if question.required:
                errors[key] = [_("Please answer this question.")]
            continue
        if len(value) > ANSWER_MAX:
            errors[key] = [_("At most %(n)d characters, please.") % {"n": ANSWER_MAX}]
        elif question.kind == QuestionKind.CHOICE and value not in question.choices:
            errors[key] = [_("Choose one of the options.")]
        elif question.kind == QuestionKind.YES_NO and value not in ("yes", "no"):
            errors[key] = [_("Answer yes or no.")]
        else:
            cleaned[str(question.pk)] = value
    if errors:
        raise ValidationFailed(errors=errors)
    return cleaned


def application_submit(*, member, programme: BetaProgramme, answers: dict) -> Application:
    if not member.is_authenticated or not member.is_active or member.is_suspended:
        raise Forbidden(_("Your account cannot apply right now."))
    programme = BetaProgramme.objects.get(pk=programme.pk)  # its status now, not the caller's copy
    if not programme.accepting:
        raise Conflict(_("This programme is not taking applications."))
    problems = eligibility(member, programme)
    if problems:
        raise Forbidden(" ".join(problems), code="not_eligible")
    cleaned = _clean_answers(programme, answers)
    try:
        with transaction.atomic():
            # The unique constraint decides a race between two submissions of one member.
            application = Application.objects.create(
                programme=programme,
                member=member,
                answers=cleaned,
                ticket=ticket_for(programme, member.username),
            )
            record_event(verb="betas.application.submitted", actor=member, obj=application, owner=member)
    except IntegrityError:
        raise Conflict(_("You have already applied to this programme.")) from None
    return application


def _rank_score(programme: BetaProgramme, member) -> int:
    if programme.rank_by == RankBy.TRUST:
        return member.trust_level * 10**12 + member.reputation
    if programme.rank_by == RankBy.TENURE:
        return -int(member.date_joined.timestamp())
    return member.reputation


def _decided(application: Application, *, actor, status: str, selected_by: str = "") -> None:
    application.status, application.selected_by = status, selected_by
    application.save(update_fields=["status", "selected_by", "rank_score"])
    record_event(
        verb=f"betas.application.{status}",
        actor=actor,
        obj=application,
        owner=application.member,
        properties={"programme": application.programme.slug, "by": selected_by},
    )


def selection_run(*, actor, programme: BetaProgramme) -> dict:
    """Fill the seats once applications have closed: the ranked seats by the programme's
    criterion (ties by ticket), the rest by the lowest tickets among the others, and
    everyone else on the waitlist in ticket order. Eligibility is checked again."""
    _require_manager(actor)
    with transaction.atomic():
        locked = BetaProgramme.objects.select_for_update().get(pk=programme.pk)
        if locked.status != ProgrammeStatus.OPEN:
            raise Conflict(_("Selection runs once, for a programme that took applications."))
        if timezone.now() < locked.applications_close_at:
            raise Conflict(_("Applications are still open."))
        pool = []
        counts = {"selected": 0, "waitlisted": 0, "declined": 0}
        for application in locked.applications.filter(status=ApplicationStatus.APPLIED).select_related(
            "member"
        ):
            if eligibility(application.member, locked):
                _decided(application, actor=actor, status=ApplicationStatus.DECLINED)
                counts["declined"] += 1
                continue
            application.rank_score = _rank_score(locked, application.member)
            pool.append(application)
        # Seats staff already gave (an invitation, a decision) count against the total.
        seats = max(
            0, locked.capacity - locked.applications.filter(status=ApplicationStatus.SELECTED).count()
        )
        ranked = sorted(pool, key=lambda a: (-a.rank_score, a.ticket))[: min(locked.ranked_seats, seats)]
        for application in ranked:
            _decided(application, actor=actor, status=ApplicationStatus.SELECTED, selected_by=SelectedBy.RANK)
        drawn = sorted((a for a in pool if a not in ranked), key=lambda a: a.ticket)
        free = seats - len(ranked)
        for n, application in enumerate(drawn):
            if n < free:
                _decided(
                    application, actor=actor, status=ApplicationStatus.SELECTED, selected_by=SelectedBy.DRAW
                )
            else:
                _decided(application, actor=actor, status=ApplicationStatus.WAITLISTED)
        counts["selected"] = len(ranked) + min(free, len(drawn))
        counts["waitlisted"] = max(0, len(drawn) - free)
        locked.status, locked.selected_at = ProgrammeStatus.SELECTED, timezone.now()
        locked.save(update_fields=["status", "selected_at"])
        audit_record(actor=actor, action="betas.selection.run", target=locked, data=counts)
    return counts


def application_decide(*, actor, application: Application, status: str) -> Application:
    """Staff accept, waitlist or decline one applicant; never beyond the seats."""
    _require_manager(actor)
    if status not in (ApplicationStatus.SELECTED, ApplicationStatus.WAITLISTED, ApplicationStatus.DECLINED):
        raise ValidationFailed(_("Choose accept, waitlist or decline."), field="status")
    with transaction.atomic():
        programme = BetaProgramme.objects.select_for_update().get(pk=application.programme_id)
        locked = (
            Application.objects.select_for_update()
            .select_related("member", "programme")
            .get(pk=application.pk)
        )
        if locked.status == status:
            raise Conflict(_("The application already has this status."))
        if locked.status == ApplicationStatus.WITHDRAWN:
            raise Conflict(_("The member withdrew this application."))
        if status == ApplicationStatus.SELECTED:
            taken = programme.applications.filter(status=ApplicationStatus.SELECTED).count()
            if taken >= programme.capacity:
                raise Conflict(
                    _("All %(n)d seats are taken; decline or waitlist someone first.")
                    % {"n": programme.capacity}
                )
        _decided(
            locked, actor=actor, status=status, selected_by=SelectedBy.STAFF if status == "selected" else ""
        )
        audit_record(actor=actor, action="betas.application.decided", target=locked, data={"status": status})
    return locked


def application_withdraw(*, member, application: Application) -> Application:
    """A member gives up their application or seat; a freed seat goes to the waitlist's
    lowest ticket."""
    if application.member_id != member.pk:
        raise NotFound()
    with transaction.atomic():
        programme = BetaProgramme.objects.select_for_update().get(pk=application.programme_id)
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status in (ApplicationStatus.WITHDRAWN, ApplicationStatus.DECLINED):
            raise Conflict(_("This application is already closed."))
        freed = locked.status == ApplicationStatus.SELECTED
        _decided(locked, actor=member, status=ApplicationStatus.WITHDRAWN)
        if freed and programme.status == ProgrammeStatus.SELECTED:
            following = (
                programme.applications.select_for_update()
                .filter(status=ApplicationStatus.WAITLISTED)
                .order_by("ticket")
                .first()
            )
            if following is not None:
                _decided(
                    following,
                    actor=member,
                    status=ApplicationStatus.SELECTED,
                    selected_by=SelectedBy.WAITLIST,
                )
    return locked


def nda_accept(*, member, programme: BetaProgramme, shown_sha256: str = "") -> Application:
    """Record that the member accepted the NDA text they were shown (in the language of
    the request): its SHA-256 and language are stored with the acceptance. A page that
    sends the hash of what it showed (`shown_sha256`) is refused if the NDA changed since."""
    application = Application.objects.filter(programme=programme, member=member).first()
    if application is None or application.status != ApplicationStatus.SELECTED:
        raise NotFound()  # only a seat holder is shown the NDA; to others it does not exist
    programme = BetaProgramme.objects.get(pk=programme.pk)  # the NDA as it is now
    current = programme.display_nda_sha256
    if shown_sha256 and shown_sha256 != current:
        raise Conflict(_("The NDA changed while you were reading it: read the new text and accept again."))
    if application.nda_accepted_at is None:
        accepted = Application.objects.filter(pk=application.pk, nda_accepted_at__isnull=True).update(
            nda_accepted_at=timezone.now(), nda_sha256=current, nda_language=get_language() or ""
        )
        application.refresh_from_db()
        if accepted:
            record_event(
                verb="betas.nda.accepted",
                actor=member,
                obj=application,
                owner=member,
                properties={"nda_sha256": current, "language": application.nda_language},
            )
    return application


def plan_add(*, actor, programme: BetaProgramme, title: str, title_zh: str = "") -> TestPlan:
    _require_manager(actor)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed(_("Give a title of at most %(n)d characters.") % {"n": 200}, field="title")
    return TestPlan.objects.create(
        programme=programme, title=title, title_zh=title_zh.strip(), position=programme.plans.count()
    )


def task_add(*, actor, plan: TestPlan, title: str, instructions: str = "", title_zh: str = "") -> TestTask:
    _require_manager(actor)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed(_("Give a title of at most %(n)d characters.") % {"n": 200}, field="title")
    return TestTask.objects.create(
        plan=plan,
        title=title,
        title_zh=title_zh.strip(),
        instructions=instructions.strip(),
        position=plan.tasks.count(),
    )


REPORT_FIELDS = {
    "title": (5, 200),
    "steps": (10, 5000),
    "expected": (2, 2000),
    "actual": (2, 2000),
    "device": (2, 100),
    "build": (1, 100),
}


def _clean_report(data: dict) -> dict:
    cleaned, errors = {}, {}
    for field, (low, high) in REPORT_FIELDS.items():
        value = str(data.get(field) or "").strip()
        if len(value) < low:
            errors[field] = [_("This field needs at least %(n)d characters.") % {"n": low}]
        elif len(value) > high:
            errors[field] = [_("At most %(n)d characters, please.") % {"n": high}]
        cleaned[field] = value
    if data.get("severity") not in Severity.values:
        errors["severity"] = [_("Choose how severe the problem is.")]
    cleaned["severity"] = data.get("severity")
    if errors:
        raise ValidationFailed(errors=errors)
    return cleaned


def report_submit(*, tester, programme: BetaProgramme, task=None, images=(), **fields) -> TestReport:
    programme = BetaProgramme.objects.get(pk=programme.pk)  # its status now, not the caller's copy
    application = Application.objects.filter(programme=programme, member=tester).first()
    if application is None or not application.is_tester:
        raise NotFound()  # confidential: only testers who signed the NDA know it exists
    if programme.status != ProgrammeStatus.SELECTED:
        raise Conflict(_("This programme is not running."))
    if task is not None and task.plan.programme_id != programme.pk:
        raise ValidationFailed(_("That task belongs to another programme."), field="task")
    cleaned = _clean_report(fields)
    checked = check_images(images)
    with transaction.atomic():
        report = TestReport.objects.create(programme=programme, task=task, tester=tester, **cleaned)
        for upload, _ext, content_type in checked:
            TestReportAttachment.objects.create(report=report, image=upload, content_type=content_type)
        record_event(verb="betas.report.submitted", actor=tester, obj=report, owner=tester)
    return report


def report_revise(*, tester, report: TestReport, **fields) -> TestReport:
    """The tester answers "changes requested" by editing the report, which goes back to
    review."""
    if report.tester_id != tester.pk:
        raise NotFound()
    cleaned = _clean_report(fields)
    # Conditional on the stored status, not the caller's copy of the report.
    revised = TestReport.objects.filter(pk=report.pk, status=ReportStatus.CHANGES_REQUESTED).update(
        status=ReportStatus.SUBMITTED, **cleaned
    )
    if not revised:
        raise Conflict(_("Only a report with changes requested can be edited."))
    report.refresh_from_db()
    return report


def report_review(*, actor, report: TestReport, decision: str, note: str = "") -> TestReport:
    """Approve, request changes or reject. An approval records `betas.report.approved`
    once, which the earning rules pay and badges count."""
    _require_manager(actor)
    if decision not in (ReportStatus.APPROVED, ReportStatus.CHANGES_REQUESTED, ReportStatus.REJECTED):
        raise ValidationFailed(_("Choose approve, request changes or reject."), field="decision")
    note = (note or "").strip()
    if decision != ReportStatus.APPROVED and not note:
        raise ValidationFailed(_("Tell the tester why."), field="note")
    if len(note) > 2000:
        raise ValidationFailed(_("At most %(n)d characters, please.") % {"n": 2000}, field="note")
    with transaction.atomic():
        locked = TestReport.objects.select_for_update().select_related("programme").get(pk=report.pk)
        if locked.status != ReportStatus.SUBMITTED:
            raise Conflict(_("This report is not waiting for review."))
        locked.status, locked.review_note = decision, note
        locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
        locked.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=actor, action="betas.report.reviewed", target=locked, reason=note, data={"to": decision}
        )
        record_event(
            verb="betas.report.reviewed",
            actor=actor,
            obj=locked,
            owner=locked.tester,
            properties={"to": decision, "programme": locked.programme.slug},
        )
        if decision == ReportStatus.APPROVED:
            record_event(
                verb="betas.report.approved",
                actor=actor,
                obj=locked,
                owner=locked.tester,
                properties={"programme": locked.programme.slug, "severity": locked.severity},
                idempotency_key=f"betas.report.approved:{locked.pk}",
            )
    return locked


def programme_finish(*, actor, programme: BetaProgramme) -> int:
    """Close the test; testers with enough approved reports complete it and receive the
    programme's perk as an entitlement. Returns how many completed."""
    _require_manager(actor)
    with transaction.atomic():
        locked = BetaProgramme.objects.select_for_update().get(pk=programme.pk)
        if locked.status != ProgrammeStatus.SELECTED:
            raise Conflict(_("Only a running programme can be finished."))
        completed = 0
        now = timezone.now()
        testers = locked.applications.filter(status=ApplicationStatus.SELECTED, nda_accepted_at__isnull=False)
        for application in testers.select_related("member"):
            approved = locked.reports.filter(tester=application.member, status=ReportStatus.APPROVED).count()
            if approved < locked.min_approved_reports:
                continue
            application.completed_at = now
            application.save(update_fields=["completed_at"])
            if locked.completion_perk:
                Entitlement.objects.get_or_create(
                    member=application.member,
                    programme=locked,
                    defaults={"name": locked.completion_perk, "name_zh": locked.completion_perk_zh},
                )
            record_event(
                verb="betas.completed",
                actor=actor,
                obj=application,
                owner=application.member,
                properties={"programme": locked.slug},
                idempotency_key=f"betas.completed:{application.pk}",
            )
            completed += 1
        locked.status = ProgrammeStatus.FINISHED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, action="betas.programme.finished", target=locked, data={"completed": completed}
        )
    return completed


PROGRAMME_FIELDS = [
    "product_line",
    "slug",
    "name",
    "name_zh",
    "summary",
    "summary_zh",
    "brief",
    "brief_zh",
    "nda",
    "nda_zh",
    "capacity",
    "ranked_seats",
    "rank_by",
    "min_trust_level",
    "required_products_verified",
    "regions",
    "applications_close_at",
    "starts_on",
    "ends_on",
    "completion_perk",
    "completion_perk_zh",
    "min_approved_reports",
]


def programme_save(
    *, actor, programme: BetaProgramme, required_badges=(), required_products=()
) -> BetaProgramme:
    """Create or change a programme while it is a draft; audited. Once it opens, the rules
    applicants were promised stay fixed."""
    _require_manager(actor)
    creating = programme._state.adding
    if not creating and programme.status != ProgrammeStatus.DRAFT:
        raise Conflict(_("A programme can be changed only until it opens."))
    if programme.ranked_seats > programme.capacity:
        raise ValidationFailed(_("Ranked seats cannot exceed the seats."), field="ranked_seats")
    if programme.ends_on < programme.starts_on:
        raise ValidationFailed(_("The test cannot end before it starts."), field="ends_on")
    if programme.required_products_verified and not list(required_products):
        raise ValidationFailed(
            _("Verified owners only needs at least one product that applicants must own."),
            field="required_products_verified",
        )
    with transaction.atomic():
        if creating:
            programme.created_by = actor
            programme.save()
        else:
            programme.save(update_fields=PROGRAMME_FIELDS)
        programme.required_badges.set(required_badges)
        programme.required_products.set(required_products)
        audit_record(
            actor=actor,
            action="betas.programme.created" if creating else "betas.programme.changed",
            target=programme,
        )
    return programme


def question_add(
    *,
    actor,
    programme: BetaProgramme,
    prompt: str,
    prompt_zh: str = "",
    kind: str = QuestionKind.TEXT,
    choices=(),
    required: bool = True,
):
    from .models import ApplicationQuestion

    _require_manager(actor)
    if programme.status != ProgrammeStatus.DRAFT:
        raise Conflict(_("A programme can be changed only until it opens."))
    prompt = (prompt or "").strip()
    if not prompt or len(prompt) > 300:
        raise ValidationFailed(_("Give a question of at most %(n)d characters.") % {"n": 300}, field="prompt")
    if kind not in QuestionKind.values:
        raise ValidationFailed(_("Unknown kind of question."), field="kind")
    choices = [c.strip() for c in choices if c and c.strip()]
    if kind == QuestionKind.CHOICE and len(choices) < 2:
        raise ValidationFailed(_("Give at least two options, separated by commas."), field="choices")
    return ApplicationQuestion.objects.create(
        programme=programme,
        prompt=prompt,
        prompt_zh=prompt_zh.strip(),
        kind=kind,
        choices=choices if kind == QuestionKind.CHOICE else [],
        required=required,
        position=programme.questions.count(),
    )
