from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.errors import DomainError, NotFound, ValidationFailed
from fanrepublic.core.forms import submit_form
from fanrepublic.core.images import private_image

from . import permissions, selectors, services
from .enums import ProgrammeStatus
from .forms import PlanForm, ProgrammeForm, QuestionForm, TaskForm, TestReportForm, application_form
from .models import BetaProgramme, TestPlan, TestReport


def index(request):
    return render(
        request, "betas/index.html", {"programmes": selectors.programmes_visible(viewer=request.user)}
    )


def programme(request, slug, *, report_form=None, apply_form=None, status=200):
    found = selectors.programme_get(viewer=request.user, slug=slug)
    mine = selectors.application_of(member=request.user, programme=found)
    confidential = selectors.sees_confidential(viewer=request.user, programme=found)
    context = {
        "programme": found,
        "mine": mine,
        "problems": services.eligibility(request.user, found) if request.user.is_authenticated else [],
        "apply_form": apply_form or application_form(found),
        "confidential": confidential,
        "can_manage": permissions.can_manage(request.user),
    }
    if confidential:
        context.update(
            plans=found.plans.prefetch_related("tasks"),
            my_reports=found.reports.filter(tester=request.user).select_related("task")
            if request.user.is_authenticated
            else [],
            report_form=report_form or TestReportForm(programme=found),
        )
    return render(request, "betas/programme.html", context, status=status)


@login_required
@require_POST
def apply(request, slug):
    found = selectors.programme_get(viewer=request.user, slug=slug)
    form = application_form(found, request.POST)
    try:
        services.application_submit(member=request.user, programme=found, answers=request.POST.dict())
    except ValidationFailed as exc:
        for field, errors in exc.errors.items():
            form.add_error(field if field in form.fields else None, errors)
        return programme(request, slug, apply_form=form, status=422)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(found.get_absolute_url())
    messages.success(request, _("Application received. The seats are filled after applications close."))
    return redirect(found.get_absolute_url())


@login_required
@require_POST
def withdraw(request, slug):
    found = selectors.programme_get(viewer=request.user, slug=slug)
    mine = selectors.application_of(member=request.user, programme=found)
    if mine is None:
        raise NotFound()
    try:
        services.application_withdraw(member=request.user, application=mine)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You withdrew from this programme."))
    return redirect(found.get_absolute_url())


@login_required
@require_POST
def nda(request, slug):
    found = selectors.programme_get(viewer=request.user, slug=slug)
    selectors.seat_of(member=request.user, programme=found)  # 404 without a seat
    if request.POST.get("agree") != "yes":
        messages.error(request, _("Tick the box to accept the NDA."))
        return redirect(found.get_absolute_url())
    try:
        services.nda_accept(
            member=request.user, programme=found, shown_sha256=request.POST.get("nda_sha256", "")
        )
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Welcome aboard! The test plan is below."))
    return redirect(found.get_absolute_url())


@login_required
@require_POST
def report_new(request, slug):
    found = selectors.programme_get(viewer=request.user, slug=slug)
    if not selectors.sees_confidential(viewer=request.user, programme=found):
        raise NotFound()
    form = TestReportForm(request.POST, request.FILES, programme=found)
    report, status = submit_form(
        form,
        lambda data: services.report_submit(
            tester=request.user,
            programme=found,
            task=data.get("task"),
            images=data.get("images") or [],
            **{k: data[k] for k in ("title", "steps", "expected", "actual", "severity", "device", "build")},
        ),
    )
    if report:
        messages.success(request, _("Report filed; staff will review it."))
        return redirect(found.get_absolute_url() + "#my-reports")
    return programme(request, slug, report_form=form, status=status)


@login_required
def report_edit(request, slug, pk):
    """A tester answers "changes requested" by editing the report; it goes back to review."""
    found = selectors.programme_get(viewer=request.user, slug=slug)
    report = found.reports.filter(pk=pk, tester=request.user).first()
    if report is None or not selectors.sees_confidential(viewer=request.user, programme=found):
        raise NotFound()
    initial = {
        f: getattr(report, f) for f in ("title", "steps", "expected", "actual", "severity", "device", "build")
    }
    form = TestReportForm(request.POST or None, initial=initial, programme=found)
    del form.fields["images"], form.fields["task"]
    status = 200
    if request.method == "POST":
        revised, status = submit_form(
            form, lambda data: services.report_revise(tester=request.user, report=report, **data)
        )
        if revised:
            messages.success(request, _("Report sent back for review."))
            return redirect(found.get_absolute_url() + "#my-reports")
    return render(
        request, "betas/report_edit.html", {"programme": found, "report": report, "form": form}, status=status
    )


def attachment(request, slug, pk, attachment_pk):
    found = selectors.programme_get(viewer=request.user, slug=slug)
    if not selectors.sees_confidential(viewer=request.user, programme=found):
        raise NotFound()
    report = found.reports.filter(pk=pk).first()
    if report is None or (report.tester_id != request.user.pk and not permissions.can_manage(request.user)):
        raise NotFound()
    shot = report.attachments.filter(pk=attachment_pk).first()
    if shot is None:
        raise NotFound()
    return private_image(shot.image, shot.content_type)


def draw(request, slug):
    """The selection, public: the seed, every ticket, and how to recompute them."""
    found = selectors.programme_get(viewer=request.user, slug=slug)
    if found.status in (ProgrammeStatus.DRAFT, ProgrammeStatus.OPEN):
        rows = []
    else:
        rows = selectors.draw_table(programme=found)
    return render(request, "betas/draw.html", {"programme": found, "rows": rows})


@login_required
def staff(request):
    permissions.access_staff_pages(request.user)
    return render(
        request, "betas/staff.html", {"programmes": selectors.programmes_visible(viewer=request.user)}
    )


@login_required
def programme_edit(request, slug=None):
    permissions.access_staff_pages(request.user)
    found = selectors.programme_get(viewer=request.user, slug=slug) if slug else BetaProgramme()
    form = ProgrammeForm(request.POST or None, instance=found)
    status = 200
    if request.method == "POST":
        saved, status = submit_form(
            form,
            lambda data: services.programme_save(
                actor=request.user,
                programme=form.instance,
                required_badges=data["required_badges"],
                required_products=data["required_products"],
            ),
        )
        if saved:
            messages.success(request, _("Saved “%(name)s”.") % {"name": saved.display_name})
            return redirect("betas:manage", slug=saved.slug)
    return render(request, "betas/programme_form.html", {"form": form, "programme": found}, status=status)


@login_required
def manage(request, slug):
    permissions.access_staff_pages(request.user)
    found = selectors.programme_get(viewer=request.user, slug=slug)
    context = {
        "programme": found,
        "applications": found.applications.select_related("member").order_by("status", "ticket"),
        "questions": found.questions.all(),
        "plans": found.plans.prefetch_related("tasks"),
        "to_review": selectors.reports_to_review(programme=found),
        "question_form": QuestionForm(),
        "plan_form": PlanForm(),
        "task_form": TaskForm(),
    }
    return render(request, "betas/manage.html", context)


@login_required
@require_POST
def staff_action(request, slug):
    """One door for the staff buttons on the manage page; each calls one service."""
    permissions.access_staff_pages(request.user)
    found = selectors.programme_get(viewer=request.user, slug=slug)
    action, post, actor = request.POST.get("action", ""), request.POST, request.user
    try:
        if action == "open":
            services.programme_open(actor=actor, programme=found)
            done = _("Applications are open; the draw seed is published.")
        elif action == "question":
            form = QuestionForm(post)
            if not form.is_valid():
                raise ValidationFailed(errors={k: list(v) for k, v in form.errors.items()})
            data = form.cleaned_data
            services.question_add(
                actor=actor,
                programme=found,
                prompt=data["prompt"],
                prompt_zh=data["prompt_zh"],
                kind=data["kind"],
                choices=data["choices"].split(","),
                required=data["required"],
            )
            done = _("Question added.")
        elif action == "select":
            counts = services.selection_run(actor=actor, programme=found)
            done = (
                _("%(selected)d selected, %(waitlisted)d waitlisted, %(declined)d no longer eligible.")
                % counts
            )
        elif action == "decide":
            application = found.applications.filter(pk=post.get("application") or 0).first()
            if application is None:
                raise NotFound()
            services.application_decide(actor=actor, application=application, status=post.get("status", ""))
            done = _("Application updated.")
        elif action == "plan":
            form = PlanForm(post)
            if not form.is_valid():
                raise ValidationFailed(errors={k: list(v) for k, v in form.errors.items()})
            services.plan_add(actor=actor, programme=found, **form.cleaned_data)
            done = _("Test plan added.")
        elif action == "task":
            form = TaskForm(post)
            if not form.is_valid():
                raise ValidationFailed(errors={k: list(v) for k, v in form.errors.items()})
            plan = TestPlan.objects.filter(pk=form.cleaned_data.pop("plan"), programme=found).first()
            if plan is None:
                raise NotFound()
            services.task_add(actor=actor, plan=plan, **form.cleaned_data)
            done = _("Task added.")
        elif action == "review":
            report = TestReport.objects.filter(pk=post.get("report") or 0, programme=found).first()
            if report is None:
                raise NotFound()
            services.report_review(
                actor=actor, report=report, decision=post.get("decision", ""), note=post.get("note", "")
            )
            done = _("Review saved.")
        elif action == "finish":
            n = services.programme_finish(actor=actor, programme=found)
            done = _("Programme finished; %(n)d testers completed it.") % {"n": n}
        else:
            raise ValidationFailed(_("Unknown action."))
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, done)
    return redirect("betas:manage", slug=found.slug)
