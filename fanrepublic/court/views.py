"""Thin: parse input, call one service or selector, render."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fanrepublic.core.errors import DomainError, NotFound
from fanrepublic.core.forms import act_then_redirect, submit_form, with_retry_after

from . import execution, hearing, mediation, permissions, rulings, selectors, services, verdict_rule
from .enums import (
    BEFORE_VERDICT,
    PAID,
    CaseStatus,
    JurorState,
    ObligationState,
    QuestionState,
    SettlementState,
    VerdictState,
)
from .forms import (
    AnswerForm,
    AppealForm,
    BallotForm,
    CaseForm,
    CiteForm,
    EvidenceForm,
    ExecuteForm,
    ForwardForm,
    MessageForm,
    ObligationAnswerForm,
    PolicyForm,
    QuestionAnswerForm,
    QuestionForm,
    RefuseForm,
    RemedyFormSet,
    ReopenForm,
    ResponseForm,
    RulingForm,
    RulingSearchForm,
    SettlementForm,
    VerdictForm,
    remedies_from,
)


@require_GET
def index(request):
    return render(request, "court/index.html", {"legal": permissions.is_legal(request.user)})


@require_GET
def stats(request):
    """The court's figures for everyone: the execution rate, the time to a verdict and to
    execution, the share settled, the outcomes by product."""
    from fanrepublic.core.charts import grouped_bar_chart

    figures = selectors.court_metrics()
    rows = figures.by_product
    chart = (
        grouped_bar_chart(
            [name or _("No product named") for name, *_counts in rows],
            [
                (_("Claim upheld"), [r[1] for r in rows]),
                (_("Claim dismissed"), [r[2] for r in rows]),
                (_("Settled in mediation"), [r[3] for r in rows]),
            ],
            title=_("Outcomes by product"),
            chart_id="court-outcomes",
        )
        if rows
        else None
    )
    return render(request, "court/stats.html", {"figures": figures, "chart": chart})


@login_required
@require_GET
def queue(request):
    """Legal staff's list: cases waiting for admission, and those in progress."""
    if not permissions.is_legal(request.user):
        raise NotFound()
    return render(
        request,
        "court/queue.html",
        {
            "waiting": selectors.waiting_for_admission(),
            "open_cases": selectors.cases_open_to_legal()[:100],
            "questions": selectors.questions_for_the_clerk()[:100],
            "disputed": selectors.disputed_obligations()[:100],
        },
    )


@login_required
@require_GET
def mine(request):
    return render(
        request,
        "court/mine.html",
        {
            "cases": selectors.cases_of(member=request.user),
            "invitations": selectors.invitations_of(member=request.user),
            "company": permissions.speaks_for_company(request.user),
            "to_answer": selectors.awaiting_response()[:100]
            if permissions.speaks_for_company(request.user)
            else [],
            "owed": selectors.obligations_owned(member=request.user)[:100],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_file(request):
    if not permissions.can_file(request.user):
        raise NotFound()
    form = CaseForm(request.POST or None, member=request.user)
    if request.method == "POST":
        case, status = submit_form(form, lambda data: services.case_file(claimant=request.user, **data))
        if case is not None:
            messages.success(
                request,
                _("Case %(number)s filed: legal staff decide whether it is admitted.")
                % {"number": case.number},
            )
            return redirect(case)
        return with_retry_after(render(request, "court/file.html", {"form": form}, status=status), form)
    return render(request, "court/file.html", {"form": form})


def _party(user, case) -> str:
    return selectors.side_of(user, case)


def _case_page(request, case, *, bound=None, status=200):
    """The case as the viewer may see it, with the forms of the steps they may take
    (`bound` holds a posted form shown again with its errors)."""
    user, bound = request.user, bound or {}
    record = case.draws.order_by("-round").first()
    legal = permissions.is_legal(user)
    party = _party(user, case)
    place = (
        record.jurors.filter(member=user, state__in=(JurorState.INVITED, JurorState.ACCEPTED)).first()
        if record is not None
        else None
    )
    obligations = list(selectors.obligations_of(case))
    settlements = list(selectors.settlements_of(case)) if party or legal else []
    any_open = any(x.state == SettlementState.PROPOSED for x in settlements)
    in_room = selectors.in_jury_room(user, case)
    questions = list(selectors.questions_of(case, viewer=user, in_room=in_room))
    context = {
        "case": case,
        "draw": record,
        "jury": selectors.jury_of(record) if record is not None and record.drawn_at else [],
        "legal": legal,
        "party": party,
        "place": place,
        "in_room": in_room,
        "evidence": selectors.evidence_of(case) if selectors.can_see_evidence(user, case) else None,
        "questions": questions,
        "clerk": selectors.can_clerk(user, case),
        "verdict": selectors.adopted_verdict(case) if case.decided_at or case.appealed_at else None,
        "obligations": obligations,
        "paid_kinds": list(PAID),
        "refuse_form": bound.get("refuse")
        or (RefuseForm() if legal and case.status == CaseStatus.FILED else None),
        "evidence_form": bound.get("evidence")
        or (EvidenceForm() if party and case.status in hearing.HEARING else None),
        "response_form": bound.get("response")
        or (
            ResponseForm()
            if party == "company"
            and not case.responded_at
            and case.status in (CaseStatus.ADMITTED, CaseStatus.DRAWN, CaseStatus.SEATED)
            else None
        ),
        "answer_form": QuestionAnswerForm() if party else None,
        "execute_form": ExecuteForm(),
        "obligation_answer_form": ObligationAnswerForm(),
        "can_execute": {
            o.pk
            for o in obligations
            if o.state == ObligationState.OPEN
            and ((o.owner_id == user.pk and party == "company") or permissions.is_founder(user))
        },
        "can_accept": case.status == CaseStatus.DECIDED
        and party
        and not (case.claimant_accepted_at if party == "claimant" else case.company_accepted_at),
        "open_questions": any(q.state == QuestionState.ASKED for q in questions),
        "settlements": settlements,
        "open_settlement": next((x for x in settlements if x.state == SettlementState.PROPOSED), None),
        "settlement_form": bound.get("settlement")
        or (SettlementForm() if party and case.status in BEFORE_VERDICT and not any_open else None),
        "settlement_remedies": bound.get("settlement_remedies")
        or (
            RemedyFormSet(prefix="remedies")
            if party and case.status in BEFORE_VERDICT and not any_open
            else None
        ),
        "citations": list(case.citations.select_related("ruling__case")),
        "cite_form": bound.get("cite")
        or (
            CiteForm()
            if (party or in_room) and not case.decided_at and case.status in hearing.HEARING
            else None
        ),
        "ruling": getattr(case, "ruling", None) if legal else None,
        "appeal_form": bound.get("appeal")
        or (AppealForm() if party and case.status == CaseStatus.DECIDED and not case.appealed_at else None),
    }
    return render(request, "court/case.html", context, status=status)


DECIDED_OR_LATER = (CaseStatus.DECIDED, CaseStatus.FINAL, CaseStatus.CLOSED)


@login_required
@require_GET
def case(request, number):
    return _case_page(request, selectors.case_for(viewer=request.user, number=number))


def _legal_case(request, number):
    if not permissions.is_legal(request.user):
        raise NotFound()
    return selectors.case_for(viewer=request.user, number=number)


@login_required
@require_POST
def case_admit(request, number):
    found = _legal_case(request, number)
    return act_then_redirect(
        request,
        found,
        lambda: services.case_admit(actor=request.user, case=found),
        _("Admitted. The draw's commitment is published; draw the jury when the pool should be frozen."),
    )


@login_required
@require_POST
def case_refuse(request, number):
    found = _legal_case(request, number)
    form = RefuseForm(request.POST)
    refused, status = submit_form(
        form, lambda data: services.case_refuse(actor=request.user, case=found, **data)
    )
    if refused is None:
        return with_retry_after(_case_page(request, found, bound={"refuse": form}, status=status), form)
    messages.success(request, _("The case is not admitted; the claimant reads your reasons."))
    return redirect(found)


@login_required
@require_POST
def jury_draw(request, number):
    found = _legal_case(request, number)
    return act_then_redirect(
        request,
        found,
        lambda: services.jury_draw(actor=request.user, case=found),
        _("The jury is drawn and the invited jurors are told. The seed and the pool are published."),
    )


@login_required
@require_POST
def juror_answer(request, pk):
    form = AnswerForm(request.POST)
    accept = bool(form.is_valid() and form.cleaned_data["accept"])
    try:
        services.juror_answer(member=request.user, juror_id=pk, accept=accept)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Thank you: you sit on this jury.")
            if accept
            else _("Declined: the next juror of the draw is invited."),
        )
    return redirect("court:mine")


@require_GET
def draw_page(request, number, round):
    record = selectors.draw_public(number=number, round_=round)
    published = selectors.draw_published(record)
    return render(
        request,
        "court/draw.html",
        {
            "draw": record,
            "published": published,
            "order": published.get("order", {}),
            "jury": selectors.jury_of(record) if record.drawn_at else [],
            "mine": selectors.own_pseudonym(record, request.user),
        },
    )


@require_GET
def draw_file(request, number, round):
    record = selectors.draw_public(number=number, round_=round)
    response = HttpResponse(
        json.dumps(selectors.draw_published(record), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="draw-{record.case.number}-{record.round}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    """The operator's jury rules: the ones in force, a form for the next version, the history."""
    if not permissions.can_set_policy(request.user):
        raise NotFound()
    rules = selectors.rules_in_force()
    initial = {name: getattr(rules, name) for name in services.POLICY_BOUNDS}
    form = PolicyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        made, status = submit_form(form, lambda data: services.policy_set(actor=request.user, **data))
        if made is not None:
            messages.success(request, _("Version %(n)d of the jury rules is in force.") % {"n": made.version})
            return redirect("court:policy")
    return with_retry_after(
        render(
            request,
            "court/policy.html",
            {"form": form, "rules": rules, "history": selectors.policies()},
            status=status,
        ),
        form,
    )


# ---- The hearing -----------------------------------------------------------------------------


def _submit_on_case(request, found, key, form, action, done):
    """A form posted from the case page: the service's refusal shows the page again with
    the form's errors; success goes back to the case with `done`."""
    result, status = submit_form(form, action)
    if result is None:
        return with_retry_after(_case_page(request, found, bound={key: form}, status=status), form)
    messages.success(request, done)
    return redirect(found)


@login_required
@require_POST
def evidence_add(request, number):
    found = selectors.case_for(viewer=request.user, number=number)
    if not _party(request.user, found):
        raise NotFound()
    form = EvidenceForm(request.POST, request.FILES)
    return _submit_on_case(
        request,
        found,
        "evidence",
        form,
        lambda data: hearing.evidence_add(
            actor=request.user, case=found, upload=data["file"], caption=data["caption"]
        ),
        _("The file is added to the case's evidence."),
    )


@login_required
@require_GET
def evidence_file(request, number, pk):
    """A piece of evidence, for who may see its case (a 404 for anyone else). A PDF is
    downloaded, never shown inline, and nothing is sniffed into another type."""
    item = selectors.evidence_for(viewer=request.user, case_number=number, pk=pk)
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=f"{number}-{item.pk}.{item.file.name.rsplit('.', 1)[-1]}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def case_respond(request, number):
    found = selectors.case_for(viewer=request.user, number=number)
    if _party(request.user, found) != "company":
        raise NotFound()
    return _submit_on_case(
        request,
        found,
        "response",
        ResponseForm(request.POST),
        lambda data: hearing.case_respond(actor=request.user, case=found, **data),
        _("The company's response is on the case; the claimant and the jury read it."),
    )


@login_required
@require_POST
def verdict_accept(request, number):
    found = selectors.case_for(viewer=request.user, number=number)
    return act_then_redirect(
        request,
        found,
        lambda: hearing.verdict_accept(actor=request.user, case=found),
        _("You accepted the verdict."),
    )


@login_required
@require_POST
def question_forward(request, pk):
    form = ForwardForm(request.POST)
    forward = bool(form.is_valid() and form.cleaned_data["forward"])
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    question = selectors.question_for_clerk(viewer=request.user, pk=pk)
    return act_then_redirect(
        request,
        question.case,
        lambda: hearing.question_forward(actor=request.user, question_id=pk, forward=forward, note=note),
        _("The question is put to the party.")
        if forward
        else _("The jury is told why the question was not put."),
    )


@login_required
@require_POST
def question_answer(request, pk):
    question = selectors.question_for_party(viewer=request.user, pk=pk)
    form = QuestionAnswerForm(request.POST)
    return _submit_on_case(
        request,
        question.case,
        "answer",
        form,
        lambda data: hearing.question_answer(actor=request.user, question_id=pk, answer=data["answer"]),
        _("Your answer is with the jury."),
    )


# ---- The jury room ------------------------------------------------------------------------------


def _room(request, number, *, seated_only=False):
    found = selectors.case_for(viewer=request.user, number=number)
    if not selectors.in_jury_room(request.user, found, seated_only=seated_only):
        raise NotFound()
    return found


def _room_page(request, case, *, bound=None, status=200):
    user, bound = request.user, bound or {}
    seated = selectors.seated_jurors(case)
    verdicts = selectors.verdicts_of(case)
    live = next((v for v in verdicts if v.state == VerdictState.BALLOT), None)
    is_seated = any(j.member_id == user.pk for j in seated)
    deliberating = case.status == CaseStatus.SEATED
    foreperson = bool(seated) and seated[0].member_id == user.pk
    return render(
        request,
        "court/room.html",
        {
            "case": case,
            "seated": seated,
            "threads": selectors.room_threads(case),
            "evidence": selectors.evidence_of(case),
            "questions": selectors.questions_of(case, viewer=user, in_room=True),
            "verdicts": verdicts,
            "live": live,
            "voted": live is not None and hearing.has_voted(live, user),
            "is_seated": is_seated,
            "deliberating": deliberating,
            "needed": verdict_rule.needed(len(seated)) if seated else 0,
            "message_form": bound.get("message") or (MessageForm() if deliberating and is_seated else None),
            "question_form": bound.get("question")
            or (QuestionForm() if deliberating and is_seated else None),
            "verdict_form": bound.get("verdict")
            or (VerdictForm() if deliberating and foreperson and live is None else None),
            "remedy_formset": bound.get("remedies")
            or (RemedyFormSet(prefix="remedies") if deliberating and foreperson and live is None else None),
            "ballots": {
                v.pk: list(v.ballots.values_list("receipt", "choice")) for v in verdicts if v.closed_at
            },
        },
        status=status,
    )


@login_required
@require_GET
def room(request, number):
    return _room_page(request, _room(request, number))


def _submit_in_room(request, found, key, form, action, done):
    result, status = submit_form(form, action)
    if result is None:
        return with_retry_after(_room_page(request, found, bound={key: form}, status=status), form)
    messages.success(request, done)
    return redirect("court:room", found.number)


@login_required
@require_POST
def room_post(request, number):
    found = _room(request, number, seated_only=True)
    return _submit_in_room(
        request,
        found,
        "message",
        MessageForm(request.POST),
        lambda data: hearing.message_post(
            member=request.user, case=found, body=data["body"], parent_id=data["parent"]
        ),
        _("Posted in the jury room."),
    )


@login_required
@require_POST
def room_ask(request, number):
    found = _room(request, number, seated_only=True)
    return _submit_in_room(
        request,
        found,
        "question",
        QuestionForm(request.POST),
        lambda data: hearing.question_ask(member=request.user, case=found, **data),
        _("Your question is with the clerk."),
    )


@login_required
@require_POST
def verdict_propose(request, number):
    found = _room(request, number, seated_only=True)
    form = VerdictForm(request.POST)
    remedies = RemedyFormSet(request.POST, prefix="remedies")
    if not remedies.is_valid():
        form.is_valid()
        return _room_page(request, found, bound={"verdict": form, "remedies": remedies}, status=422)
    result, status = submit_form(
        form,
        lambda data: hearing.verdict_propose(
            member=request.user, case=found, remedies=remedies_from(remedies), **data
        ),
    )
    if result is None:
        return with_retry_after(
            _room_page(request, found, bound={"verdict": form, "remedies": remedies}, status=status), form
        )
    messages.success(request, _("The draft is put to the jury's secret ballot."))
    return redirect("court:room", found.number)


@login_required
@require_POST
def ballot_cast(request, number, pk):
    found = _room(request, number, seated_only=True)
    form = BallotForm(request.POST)
    choice = form.cleaned_data["choice"] if form.is_valid() else ""
    try:
        receipt = hearing.ballot_cast(member=request.user, verdict_id=pk, choice=choice)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Your ballot is cast. Your receipt is %(receipt)s: keep it to find your ballot in the count.")
            % {"receipt": receipt},
        )
    return redirect("court:room", found.number)


# ---- Remedies ----------------------------------------------------------------------------------


@login_required
@require_POST
def obligation_execute(request, pk):
    obligation = selectors.obligation_for(viewer=request.user, pk=pk)
    owner = obligation.owner_id == request.user.pk and permissions.speaks_for_company(request.user)
    if not (owner or permissions.is_founder(request.user)):
        raise NotFound()
    form = ExecuteForm(request.POST)
    return _submit_on_case(
        request,
        obligation.case,
        "execute",
        form,
        lambda data: execution.obligation_execute(actor=request.user, obligation_id=pk, proof=data["proof"]),
        _("Executed. The claimant is asked to confirm."),
    )


@login_required
@require_POST
def obligation_answer(request, pk):
    obligation = selectors.obligation_for(viewer=request.user, pk=pk)
    if obligation.case.claimant_id != request.user.pk:
        raise NotFound()
    form = ObligationAnswerForm(request.POST)
    confirm = bool(form.is_valid() and form.cleaned_data["confirm"])
    return _submit_on_case(
        request,
        obligation.case,
        "obligation_answer",
        form,
        lambda data: execution.obligation_answer(
            member=request.user, obligation_id=pk, confirm=confirm, note=data["note"]
        ),
        _("Thank you: the remedy is confirmed.")
        if confirm
        else _("Your dispute is with the clerk and the founder."),
    )


@login_required
@require_POST
def obligation_reopen(request, pk):
    obligation = selectors.obligation_for(viewer=request.user, pk=pk)
    if not selectors.can_clerk(request.user, obligation.case):
        raise NotFound()
    form = ReopenForm(request.POST)
    return _submit_on_case(
        request,
        obligation.case,
        "reopen",
        form,
        lambda data: execution.obligation_reopen(actor=request.user, obligation_id=pk, reason=data["reason"]),
        _("The remedy is open again, with a new deadline."),
    )


# ---- Mediation and the appeal --------------------------------------------------------------


@login_required
@require_POST
def settlement_propose(request, number):
    found = selectors.case_for(viewer=request.user, number=number)
    if not _party(request.user, found):
        raise NotFound()
    form = SettlementForm(request.POST)
    remedies = RemedyFormSet(request.POST, prefix="remedies")
    if not remedies.is_valid():
        form.is_valid()
        return _case_page(
            request, found, bound={"settlement": form, "settlement_remedies": remedies}, status=422
        )
    result, status = submit_form(
        form,
        lambda data: mediation.settlement_propose(
            actor=request.user, case=found, terms=data["terms"], remedies=remedies_from(remedies)
        ),
    )
    if result is None:
        return with_retry_after(
            _case_page(
                request, found, bound={"settlement": form, "settlement_remedies": remedies}, status=status
            ),
            form,
        )
    messages.success(request, _("Your proposal is with the other party."))
    return redirect(found)


@login_required
@require_POST
def settlement_answer(request, pk):
    settlement = selectors.settlement_for(viewer=request.user, pk=pk)
    form = AnswerForm(request.POST)
    accept = bool(form.is_valid() and form.cleaned_data["accept"])
    return act_then_redirect(
        request,
        settlement.case,
        lambda: mediation.settlement_answer(actor=request.user, settlement_id=pk, accept=accept),
        _("Settled: the remedies agreed will be executed.") if accept else _("The proposal is closed."),
    )


@login_required
@require_POST
def verdict_appeal(request, number):
    found = selectors.case_for(viewer=request.user, number=number)
    if not _party(request.user, found):
        raise NotFound()
    return _submit_on_case(
        request,
        found,
        "appeal",
        AppealForm(request.POST),
        lambda data: hearing.verdict_appeal(actor=request.user, case=found, reason=data["reason"]),
        _("Appealed: a larger jury will be drawn and hear the case anew."),
    )


# ---- Published rulings -----------------------------------------------------------------------


@require_GET
def ruling_list(request):
    form = RulingSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = rulings.rulings_search(
        query=data.get("q", ""),
        outcome=data.get("outcome", ""),
        product_line_id=data["product"].pk if data.get("product") else None,
    )
    return render(request, "court/rulings.html", {"form": form, "rulings": found[:100]})


@require_GET
def ruling(request, number):
    found = rulings.ruling_public(number=number)
    return render(request, "court/ruling.html", {"ruling": found, "cited": rulings.citation_count(found)})


@login_required
@require_http_methods(["GET", "POST"])
def ruling_edit(request, number):
    """Legal staff anonymise and publish a decided case's ruling."""
    found = _legal_case(request, number)
    draft = getattr(found, "ruling", None)
    if draft is None:
        # Starting a draft writes (and is audited): only on a POST from the case page.
        if request.method != "POST":
            return redirect(found)
        try:
            rulings.ruling_draft(actor=request.user, case=found)
        except DomainError as exc:
            if exc.status == 404:
                raise
            messages.error(request, exc.message)
            return redirect(found)
        return redirect("court:ruling_edit", found.number)
    initial = {name: getattr(draft, name) for name in ("title", "facts", "reasons", "remedies")}
    form = RulingForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        made, status = submit_form(
            form, lambda data: rulings.ruling_publish(actor=request.user, ruling_id=draft.pk, **data)
        )
        if made is not None:
            messages.success(request, _("The ruling is published."))
            return redirect(made)
    return render(
        request, "court/ruling_edit.html", {"case": found, "draft": draft, "form": form}, status=status
    )


@login_required
@require_POST
def case_cite(request, number):
    found = selectors.case_for(viewer=request.user, number=number)
    if not (_party(request.user, found) or selectors.in_jury_room(request.user, found, seated_only=True)):
        raise NotFound()
    return _submit_on_case(
        request,
        found,
        "cite",
        CiteForm(request.POST),
        lambda data: rulings.case_cite(actor=request.user, case=found, number=data["number"]),
        _("The ruling is cited as precedent."),
    )
