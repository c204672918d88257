from datetime import date, datetime

from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema, Status

from fanrepublic.core.api import BodyId, Id
from fanrepublic.core.errors import NotFound
from fanrepublic.members.api_auth import MEMBER, PUBLIC, require_scope

from . import permissions, selectors, services
from .models import TestTask

router = Router(tags=["betas"])


class ProgrammeOut(Schema):
    slug: str
    product: str = Field(..., alias="product_line.slug")
    name: str
    name_zh: str
    summary: str
    summary_zh: str
    status: str
    capacity: int
    ranked_seats: int
    rank_by: str
    min_trust_level: int
    applications_close_at: datetime
    starts_on: date
    ends_on: date
    seed: str
    completion_perk: str
    questions: list[dict]

    @staticmethod
    def resolve_questions(obj) -> list[dict]:
        return [
            {
                "id": q.pk,
                "field": f"q{q.pk}",
                "prompt": q.prompt,
                "prompt_zh": q.prompt_zh,
                "kind": q.kind,
                "choices": q.choices,
                "required": q.required,
            }
            for q in obj.questions.all()
        ]


class ApplicationOut(Schema):
    id: int
    member: str = Field(..., alias="member.username")
    status: str
    selected_by: str
    ticket: str
    nda_accepted_at: datetime | None
    nda_sha256: str
    completed_at: datetime | None
    answers: dict


class ApplyIn(Schema):
    answers: dict[str, str] = Field(default_factory=dict, description='{"q<question id>": "answer"}')


class DecisionIn(Schema):
    status: str = Field(..., max_length=20, description="selected, waitlisted or declined")


class TestReportIn(Schema):
    task_id: BodyId | None = None
    title: str = Field(..., max_length=200)
    steps: str = Field(..., max_length=5000)
    expected: str = Field(..., max_length=2000)
    actual: str = Field(..., max_length=2000)
    severity: str = Field(..., max_length=20)
    device: str = Field(..., max_length=100)
    build: str = Field(..., max_length=100)


class TestReportOut(Schema):
    id: int
    task_id: int | None
    tester: str = Field(..., alias="tester.username")
    title: str
    severity: str
    device: str
    build: str
    status: str
    review_note: str
    created_at: datetime


class ReviewIn(Schema):
    decision: str = Field(..., max_length=20, description="approved, changes_requested or rejected")
    note: str = Field("", max_length=2000)


class PlanOut(Schema):
    id: int
    title: str
    title_zh: str
    tasks: list[dict]

    @staticmethod
    def resolve_tasks(obj) -> list[dict]:
        return [
            {"id": t.pk, "title": t.title, "title_zh": t.title_zh, "instructions": t.instructions}
            for t in obj.tasks.all()
        ]


def _programme(request, slug):
    return selectors.programme_get(viewer=request.user, slug=slug)


def _manager(request):
    actor = require_scope(request)
    if not permissions.can_manage(actor):
        raise NotFound()
    return actor


@router.get("", response=list[ProgrammeOut], auth=PUBLIC)
def list_programmes(request):
    return list(selectors.programmes_visible(viewer=request.user).prefetch_related("questions"))


@router.get("/{slug}", response=ProgrammeOut, auth=PUBLIC)
def get_programme(request, slug: str):
    return _programme(request, slug)


@router.post("/{slug}/applications", response={201: ApplicationOut}, auth=MEMBER)
def apply(request, slug: str, payload: ApplyIn):
    """Apply with answers to the programme's questions; eligibility is checked."""
    member = require_scope(request)
    return Status(
        201,
        services.application_submit(
            member=member, programme=_programme(request, slug), answers=payload.answers
        ),
    )


@router.get("/{slug}/application", response=ApplicationOut, auth=MEMBER)
def my_application(request, slug: str):
    found = selectors.application_of(member=request.user, programme=_programme(request, slug))
    if found is None:
        raise NotFound()
    return found


class BetaNdaOut(Schema):
    text: str
    sha256: str
    language: str
    accepted_at: datetime | None


@router.get("/{slug}/nda", response=BetaNdaOut, auth=MEMBER)
def read_nda(request, slug: str):
    """The NDA as shown in the request's language (`Accept-Language`), with its SHA-256 to
    pass when accepting it. Members with a seat only; to everyone else it is missing (404)."""
    programme = _programme(request, slug)
    seat = selectors.seat_of(member=request.user, programme=programme)
    return {
        "text": programme.display_nda,
        "sha256": programme.display_nda_sha256,
        "language": get_language() or "",
        "accepted_at": seat.nda_accepted_at,
    }


@router.post("/{slug}/nda", response=ApplicationOut, auth=MEMBER)
def accept_nda(request, slug: str, nda_sha256: str = Query("", max_length=64)):
    """Accept the NDA. Pass `nda_sha256` (the `sha256` of `GET /betas/{slug}/nda` as read)
    to be refused with 409 if the text changed since; the accepted text's hash is stored.
    Members without a seat get 404."""
    return services.nda_accept(
        member=require_scope(request), programme=_programme(request, slug), shown_sha256=nda_sha256
    )


@router.post("/{slug}/withdraw", response=ApplicationOut, auth=MEMBER)
def withdraw(request, slug: str):
    member = require_scope(request)
    found = selectors.application_of(member=member, programme=_programme(request, slug))
    if found is None:
        raise NotFound()
    return services.application_withdraw(member=member, application=found)


@router.get("/{slug}/plans", response=list[PlanOut], auth=MEMBER)
def plans(request, slug: str):
    """Confidential: testers who accepted the NDA, and staff."""
    programme = _programme(request, slug)
    if not selectors.sees_confidential(viewer=request.user, programme=programme):
        raise NotFound()
    return list(programme.plans.prefetch_related("tasks"))


@router.get("/{slug}/reports", response=list[TestReportOut], auth=MEMBER)
def list_reports(request, slug: str):
    programme = _programme(request, slug)
    if not selectors.sees_confidential(viewer=request.user, programme=programme):
        raise NotFound()
    reports = programme.reports.select_related("tester")
    if not permissions.can_manage(request.user):
        reports = reports.filter(tester=request.user)
    return list(reports[:500])


@router.post("/{slug}/reports", response={201: TestReportOut}, auth=MEMBER)
def file_report(request, slug: str, payload: TestReportIn):
    tester = require_scope(request)
    programme = _programme(request, slug)
    task = None
    if payload.task_id is not None:
        task = TestTask.objects.filter(pk=payload.task_id, plan__programme=programme).first()
        if task is None:
            raise NotFound()
    fields = payload.model_dump(exclude={"task_id"})
    return Status(201, services.report_submit(tester=tester, programme=programme, task=task, **fields))


class ReviseIn(Schema):
    title: str = Field(..., max_length=200)
    steps: str = Field(..., max_length=5000)
    expected: str = Field(..., max_length=2000)
    actual: str = Field(..., max_length=2000)
    severity: str = Field(..., max_length=20)
    device: str = Field(..., max_length=100)
    build: str = Field(..., max_length=100)


@router.put("/{slug}/reports/{report_id}", response=TestReportOut, auth=MEMBER)
def revise_report(request, slug: str, report_id: Id, payload: ReviseIn):
    """The tester edits a report that has changes requested; it goes back to review."""
    tester = require_scope(request)
    programme = _programme(request, slug)
    report = programme.reports.filter(pk=report_id, tester=tester).first()
    if report is None or not selectors.sees_confidential(viewer=tester, programme=programme):
        raise NotFound()
    return services.report_revise(tester=tester, report=report, **payload.model_dump())


@router.get("/{slug}/applications", response=list[ApplicationOut], auth=MEMBER)
def applications(request, slug: str):
    _manager(request)
    return list(_programme(request, slug).applications.select_related("member")[:5000])


@router.post("/{slug}/open", response=ProgrammeOut, auth=MEMBER)
def open_programme(request, slug: str):
    return services.programme_open(actor=_manager(request), programme=_programme(request, slug))


@router.post("/{slug}/selection", response=dict, auth=MEMBER)
def run_selection(request, slug: str):
    """Fill the seats (ranked, then drawn); once."""
    return services.selection_run(actor=_manager(request), programme=_programme(request, slug))


@router.post("/{slug}/applications/{application_id}/decision", response=ApplicationOut, auth=MEMBER)
def decide(request, slug: str, application_id: Id, payload: DecisionIn):
    actor = _manager(request)
    application = _programme(request, slug).applications.filter(pk=application_id).first()
    if application is None:
        raise NotFound()
    return services.application_decide(actor=actor, application=application, status=payload.status)


@router.post("/{slug}/reports/{report_id}/review", response=TestReportOut, auth=MEMBER)
def review(request, slug: str, report_id: Id, payload: ReviewIn):
    actor = _manager(request)
    report = _programme(request, slug).reports.filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return services.report_review(actor=actor, report=report, decision=payload.decision, note=payload.note)


@router.post("/{slug}/finish", response=dict, auth=MEMBER)
def finish(request, slug: str):
    return {
        "completed": services.programme_finish(actor=_manager(request), programme=_programme(request, slug))
    }


@router.get("/{slug}/draw", response=list[dict], auth=PUBLIC)
def draw(request, slug: str):
    """Every ticket of the selection, for anyone to recompute."""
    programme = _programme(request, slug)
    return [
        {"member": a.member.username, "ticket": a.ticket, "status": a.status, "selected_by": a.selected_by}
        for a in selectors.draw_table(programme=programme)
    ]
