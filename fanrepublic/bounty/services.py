"""The bug bounty: members file reports against a released version; triage judges them
(needs info, valid, duplicate, invalid, won't fix, fixed) and sets the severity; a valid
report is paid from the reward table through the ledger exactly once; security reports
stay private until a fix ships and they are disclosed."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.images import check_images
from fanrepublic.core.markdown import render_markdown
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.points.services import points_award
from fanrepublic.releases.enums import ReleaseStatus

from . import permissions as perms
from .enums import TRANSITIONS, ReportStatus, Severity
from .models import BountyReport, ReportAttachment, ReportMessage
from .selectors import reward_table
from .similarity import words

TITLE_MIN, TITLE_MAX = 5, 200
FIELD_MAX = {"steps": 5000, "expected": 2000, "actual": 2000}
MESSAGE_MAX = 5000


def _text(value: str, field: str, *, max_len: int, min_len: int = 1, single_line: bool = False) -> str:
    if single_line:
        value = " ".join((value or "").split())
    problem = text_problem(value or "", single_line=single_line)
    if problem:
        raise ValidationFailed(problem, field=field)
    value = (value or "").strip()
    if len(value) < min_len:
        raise ValidationFailed(_("This field needs at least %(n)d characters.") % {"n": min_len}, field=field)
    if len(value) > max_len:
        raise ValidationFailed(_("At most %(n)d characters, please.") % {"n": max_len}, field=field)
    return value


def report_submit(
    *,
    reporter,
    release,
    title: str,
    steps: str,
    expected: str,
    actual: str,
    claimed_severity: str,
    is_security: bool = False,
    images=(),
) -> BountyReport:
    if not reporter.is_authenticated or not reporter.is_active or reporter.is_suspended:
        raise Forbidden(_("Your account cannot file reports right now."))
    if release is None or release.status != ReleaseStatus.PUBLISHED:
        raise ValidationFailed(_("Choose a released version of the product."), field="release")
    if claimed_severity not in Severity.values:
        raise ValidationFailed(_("Choose how severe the bug is."), field="claimed_severity")
    errors = {}
    cleaned = {}
    for field, max_len, min_len, value in [
        ("title", TITLE_MAX, TITLE_MIN, title),
        ("steps", FIELD_MAX["steps"], 10, steps),
        ("expected", FIELD_MAX["expected"], 2, expected),
        ("actual", FIELD_MAX["actual"], 2, actual),
    ]:
        try:
            cleaned[field] = _text(
                value, field, max_len=max_len, min_len=min_len, single_line=field == "title"
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors=errors)
    checked = check_images(images)
    ratelimit.hit("bounty-report", str(reporter.pk), settings.BOUNTY_REPORT_RATE)
    with transaction.atomic():
        report = BountyReport.objects.create(
            product_line=release.product_line,
            release=release,
            reporter=reporter,
            claimed_severity=claimed_severity,
            is_security=bool(is_security),
            search_document=words(cleaned["title"], cleaned["actual"]),
            **cleaned,
        )
        for upload, _ext, content_type in checked:
            ReportAttachment.objects.create(report=report, image=upload, content_type=content_type)
        record_event(
            verb="bounty.report.filed",
            actor=reporter,
            obj=report,
            owner=reporter,
            properties={"product": release.product_line.slug, "security": report.is_security},
        )
    return report


def _reward_points(report: BountyReport) -> int:
    tiers = {t.severity: t.points for t in reward_table(product_line=report.product_line)}
    return tiers.get(report.severity, 0)


def report_triage(
    *, actor, report: BountyReport, status: str, severity: str = "", note: str = "", duplicate_of=None
) -> BountyReport:
    """Move a report through triage. Reaching "valid" pays the reporter from the reward
    table, once (the ledger key is the report); a duplicate names its original, which
    must be the earlier report — the first valid reporter keeps the reward."""
    if not perms.can_see(actor, report) or not perms.can_triage(actor, report):
        raise NotFound()
    if status not in ReportStatus.values:
        raise ValidationFailed(_("Unknown status."), field="status")
    if severity and severity not in Severity.values:
        raise ValidationFailed(_("Choose how severe the bug is."), field="severity")
    note = (note or "").strip()
    if len(note) > MESSAGE_MAX:
        raise ValidationFailed(_("At most %(n)d characters, please.") % {"n": MESSAGE_MAX}, field="note")
    with transaction.atomic():
        locked = (
            BountyReport.objects.select_for_update()
            .select_related("product_line", "reporter")
            .get(pk=report.pk)
        )
        if status not in TRANSITIONS[locked.status]:
            raise Conflict(
                _("A report that is %(from)s cannot become %(to)s.")
                % {"from": locked.get_status_display(), "to": ReportStatus(status).label}
            )
        if status == ReportStatus.VALID:
            severity = severity or locked.severity
            if not severity:
                raise ValidationFailed(_("Set the severity of a valid report."), field="severity")
            locked.severity = severity
        if status == ReportStatus.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == locked.pk:
                raise ValidationFailed(_("Name the original report."), field="duplicate_of")
            if duplicate_of.product_line_id != locked.product_line_id:
                raise ValidationFailed(
                    _("The original must be about the same product."), field="duplicate_of"
                )
            if (duplicate_of.created_at, duplicate_of.pk) > (locked.created_at, locked.pk):
                raise ValidationFailed(
                    _("The earlier report is the original: mark the later one as its duplicate."),
                    field="duplicate_of",
                )
            while duplicate_of.status == ReportStatus.DUPLICATE and duplicate_of.duplicate_of_id:
                duplicate_of = duplicate_of.duplicate_of
            locked.duplicate_of = duplicate_of
        elif status == ReportStatus.NEW:
            locked.duplicate_of = None
        from_status = locked.status
        locked.status = status
        locked.triaged_by, locked.triaged_at = actor, timezone.now()
        locked.save(update_fields=["status", "severity", "duplicate_of", "triaged_by", "triaged_at"])
        if note:
            _message(author=actor, report=locked, body=note, is_internal=False)
        if status == ReportStatus.VALID and locked.reward_id is None:
            points = _reward_points(locked)
            if points:
                locked.reward = points_award(
                    member=locked.reporter,
                    points=points,
                    key=f"bounty:reward:{locked.pk}",
                    memo=_("Valid bug report #%(n)d (%(severity)s)")
                    % {"n": locked.pk, "severity": locked.get_severity_display()},
                    kind="bounty",
                    obj=locked,
                    actor=actor,
                )
                locked.save(update_fields=["reward"])
        audit_record(
            actor=actor,
            action="bounty.report.triaged",
            target=locked,
            reason=note,
            data={"from": from_status, "to": status, "severity": locked.severity},
        )
        record_event(
            verb="bounty.report.triaged",
            actor=actor,
            obj=locked,
            owner=locked.reporter,
            properties={"from": from_status, "to": status, "severity": locked.severity},
        )
        if status == ReportStatus.VALID:
            # Once per report, for badges ("Bug hunter") and anything else that counts.
            record_event(
                verb="bounty.report.valid",
                actor=actor,
                obj=locked,
                owner=locked.reporter,
                properties={"severity": locked.severity, "product": locked.product_line.slug},
                idempotency_key=f"bounty.report.valid:{locked.pk}",
            )
    return locked


def _message(*, author, report, body: str, is_internal: bool) -> ReportMessage:
    return ReportMessage.objects.create(
        report=report, author=author, body=body, body_html=render_markdown(body), is_internal=is_internal
    )


def report_message(*, author, report: BountyReport, body: str, is_internal: bool = False) -> ReportMessage:
    """The reporter answers a question, or triage writes; internal notes are staff-only.
    A reporter's answer to "needs info" puts the report back in the triage queue."""
    if not perms.can_see(author, report):
        raise NotFound()
    is_staff = perms.can_triage(author, report)
    if author.pk != report.reporter_id and not is_staff:
        raise Forbidden(_("Only the reporter and triage write on a report."))
    if is_internal and not is_staff:
        raise Forbidden(_("Only triage writes internal notes."))
    body = _text(body, "body", max_len=MESSAGE_MAX)
    with transaction.atomic():
        message = _message(author=author, report=report, body=body, is_internal=is_internal)
        if author.pk == report.reporter_id:
            # The conditional UPDATE reads the current status, not the caller's copy.
            answered = BountyReport.objects.filter(pk=report.pk, status=ReportStatus.NEEDS_INFO)
            if answered.update(status=ReportStatus.NEW):
                report.status = ReportStatus.NEW
        record_event(
            verb="bounty.report.message",
            actor=author,
            obj=report,
            owner=report.reporter,
            properties={"internal": is_internal},
        )
    return message


def report_mark_fixed(*, report: BountyReport, release, actor=None) -> bool:
    """A fix shipped in `release` (called when a release with this finding publishes)."""
    with transaction.atomic():
        locked = BountyReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.VALID:
            return False
        locked.status, locked.fixed_in = ReportStatus.FIXED, release
        locked.save(update_fields=["status", "fixed_in"])
        record_event(
            verb="bounty.report.fixed",
            actor=actor,
            obj=locked,
            owner=locked.reporter,
            properties={"release_id": release.pk},
            idempotency_key=f"bounty.report.fixed:{locked.pk}",
        )
    return True


def report_disclose(*, actor, report: BountyReport) -> BountyReport:
    """Coordinated disclosure: a security report becomes public once the release with its
    fix is published."""
    if not perms.can_see(actor, report) or not perms.can_triage_security(actor):
        raise NotFound()
    with transaction.atomic():
        locked = (
            BountyReport.objects.select_for_update(of=("self",)).select_related("fixed_in").get(pk=report.pk)
        )
        if not locked.is_security or locked.disclosed_at is not None:
            raise Conflict(_("This report is already public."))
        if locked.status != ReportStatus.FIXED or locked.fixed_in is None or not locked.fixed_in.is_published:
            raise Conflict(_("Disclose a security report only after its fix has shipped in a release."))
        locked.disclosed_at = timezone.now()
        locked.save(update_fields=["disclosed_at"])
        audit_record(actor=actor, action="bounty.report.disclosed", target=locked)
        record_event(verb="bounty.report.disclosed", actor=actor, obj=locked, owner=locked.reporter)
    return locked
