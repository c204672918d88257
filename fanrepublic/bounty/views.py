from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.core.forms import submit_form
from fanrepublic.core.images import private_image
from fanrepublic.products.selectors import product_lines_active
from fanrepublic.releases.models import Release

from . import permissions as perms
from . import selectors, services
from .enums import ReportStatus
from .forms import MessageForm, ReportForm, TriageForm
from .models import BountyReport


def programme(request):
    """The programme: what pays how much, how to report, recent public reports."""
    tables = [(None, selectors.reward_table())]
    tables += [(line, selectors.reward_table(product_line=line)) for line in product_lines_active()]
    return render(
        request,
        "bounty/programme.html",
        {
            "tables": tables,
            "reports": selectors.visible_reports(viewer=request.user).filter(is_security=False)[:20],
        },
    )


@login_required
def report_new(request):
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        report, status = submit_form(
            form,
            lambda data: services.report_submit(
                reporter=request.user,
                release=data["release"],
                title=data["title"],
                steps=data["steps"],
                expected=data["expected"],
                actual=data["actual"],
                claimed_severity=data["claimed_severity"],
                is_security=data["is_security"],
                images=data["images"],
            ),
        )
        if report:
            messages.success(
                request, _("Thank you! Report #%(n)d is in the triage queue.") % {"n": report.pk}
            )
            return redirect(report.get_absolute_url())
    return render(request, "bounty/new.html", {"form": form}, status=status)


@login_required
def similar_reports(request):
    """While a member writes a report: reports that read alike (htmx partial)."""
    raw = request.GET.get("release", "")
    release = None
    if raw.isdigit() and len(raw) < 18:
        release = Release.objects.select_related("product_line").filter(pk=raw).first()
    found = []
    text = " ".join([request.GET.get("title", "")[:200], request.GET.get("actual", "")[:2000]]).strip()
    if release is not None and len(text) >= 4:
        found = selectors.duplicate_candidates(
            viewer=request.user, product_line=release.product_line, text=text
        )
    return render(request, "bounty/partials/similar.html", {"candidates": found})


def report_detail(request, pk):
    report = selectors.report_get(viewer=request.user, pk=pk)
    can_triage = perms.can_triage(request.user, report)
    may_read_thread = perms.can_read_conversation(request.user, report)
    context = {
        "report": report,
        "thread": selectors.report_conversation(viewer=request.user, report=report)
        if may_read_thread
        else None,
        "attachments": report.attachments.all(),
        "can_triage": can_triage,
        "can_write": request.user.is_authenticated and (can_triage or request.user.pk == report.reporter_id),
        "can_disclose": perms.can_triage_security(request.user)
        and report.is_security
        and not report.disclosed_at,
        "triage_form": TriageForm(
            initial={"status": report.status, "severity": report.severity or report.claimed_severity}
        ),
        "message_form": MessageForm(),
        "candidates": selectors.duplicate_candidates(
            viewer=request.user,
            product_line=report.product_line,
            text=f"{report.title} {report.actual}",
            exclude_pk=report.pk,
        )
        if can_triage and report.status in (ReportStatus.NEW, ReportStatus.NEEDS_INFO)
        else [],
        "stats": selectors.reporter_stats(member=report.reporter),
        "reward_points": selectors.reward_points(report=report),
    }
    return render(request, "bounty/report.html", context)


@login_required
@require_POST
def report_triage(request, pk):
    report = selectors.report_get(viewer=request.user, pk=pk)
    if not perms.can_triage(request.user, report):
        raise NotFound()
    form = TriageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        original = None
        if data.get("duplicate_of"):
            original = selectors.visible_reports(viewer=request.user).filter(pk=data["duplicate_of"]).first()
            if original is None:
                messages.error(request, _("There is no report with that number."))
                return redirect(report.get_absolute_url())
        try:
            services.report_triage(
                actor=request.user,
                report=report,
                status=data["status"],
                severity=data.get("severity") or "",
                note=data.get("note") or "",
                duplicate_of=original,
            )
        except DomainError as exc:
            messages.error(request, exc.text)
        else:
            messages.success(request, _("Report updated."))
    else:
        messages.error(request, _("Some of the values are not valid."))
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_message(request, pk):
    report = selectors.report_get(viewer=request.user, pk=pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.report_message(
                author=request.user,
                report=report,
                body=form.cleaned_data["body"],
                is_internal=form.cleaned_data["is_internal"],
            )
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, exc.text)
    else:
        messages.error(request, _("Write something first."))
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_disclose(request, pk):
    report = selectors.report_get(viewer=request.user, pk=pk)
    try:
        services.report_disclose(actor=request.user, report=report)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report is now public."))
    return redirect(report.get_absolute_url())


def attachment(request, pk, attachment_pk):
    """Attachments are served through here, never from a public media URL: a security
    report's screenshots are as private as the report."""
    report = selectors.report_get(viewer=request.user, pk=pk)
    found = report.attachments.filter(pk=attachment_pk).first()
    if found is None:
        raise NotFound()
    return private_image(found.image, found.content_type)


@login_required
def my_reports(request):
    reports = BountyReport.objects.filter(reporter=request.user).select_related("release__product_line")
    return render(
        request,
        "bounty/mine.html",
        {"reports": reports[:200], "stats": selectors.reporter_stats(member=request.user)},
    )


def hall_of_fame(request):
    return render(request, "bounty/hall_of_fame.html", {"rows": selectors.hall_of_fame()})


@login_required
def triage_queue(request):
    if not perms.can_triage(request.user):
        raise NotFound()
    status = request.GET.get("status", "")
    if status and status not in ReportStatus.values:
        status = ""
    reports = selectors.triage_queue(
        viewer=request.user, status=status, security=request.GET.get("security", "")
    )
    return render(
        request,
        "bounty/queue.html",
        {
            "reports": reports[:200],
            "status": status,
            "statuses": ReportStatus.choices,
            "sees_security": perms.can_triage_security(request.user),
        },
    )
