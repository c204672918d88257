"""Writes for the hearing of an admitted case (services.py holds filing, admission and
the draw; execution.py the remedies): the parties' evidence, the company's response,
the jury's questions through the clerk, the jury room, the foreperson's draft verdicts
and the jury's secret ballots on them, and the parties' acceptance that makes a verdict
final. One function per use case, one transaction, the case row locked, its event
recorded."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.documents import check_document
from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.markdown import render_markdown
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import single_line_checked, text_checked

from . import draw, permissions, selectors, verdict_rule
from .enums import (
    PAID,
    BallotChoice,
    CaseStatus,
    Outcome,
    QuestionState,
    RemedyKind,
    SettlementState,
    Side,
    VerdictState,
)
from .execution import make_final
from .models import Ballot, Case, Evidence, JuryDraw, Message, Question, Remedy, Verdict
from .services import _locked_case, _tell, _when

EVIDENCE_PER_SIDE = 20
# Before the verdict, the parties may still bring evidence.
HEARING = (CaseStatus.FILED, CaseStatus.ADMITTED, CaseStatus.DRAWN, CaseStatus.SEATED, CaseStatus.APPEALED)
# Yuan in fen, points whole: a ceiling against typing errors (¥1,000,000; 10 M points).
MAX_AMOUNT = {"CNY": 100_000_000, "PTS": 10_000_000}
MAX_REMEDIES = 8


def _side_of(actor, case: Case) -> str:
    """The party the actor speaks for in this case; NotFound for anyone else."""
    side = selectors.side_of(actor, case)
    if not side:
        raise NotFound()
    return side


# ---- Evidence and the company's response -------------------------------------------------


def evidence_add(*, actor, case: Case, upload, caption: str, now: datetime | None = None) -> Evidence:
    """A party brings a file (an image or a PDF, checked from its bytes), kept private."""
    now = now or timezone.now()
    if not selectors.can_see(actor, case):
        raise NotFound()
    side = _side_of(actor, case)
    caption = single_line_checked(caption, field="caption", max_length=300)
    original = single_line_checked(getattr(upload, "name", "") or "file", field="file", max_length=200)
    ratelimit.hit("court-evidence", str(actor.pk), settings.COURT_EVIDENCE_RATE)
    stored, content_type, digest = check_document(upload)
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status not in HEARING:
            raise Conflict(_("Evidence is brought before the verdict."))
        if Evidence.objects.filter(case=locked, side=side).count() >= EVIDENCE_PER_SIDE:
            raise ValidationFailed(
                _("Each party brings at most %(n)d files.") % {"n": EVIDENCE_PER_SIDE}, field="file"
            )
        item = Evidence.objects.create(
            case=locked,
            side=side,
            uploaded_by=actor,
            file=stored,
            name=original,
            caption=caption,
            content_type=content_type,
            size=stored.size,
            sha256=digest,
            uploaded_at=now,
        )
        record_event(
            verb="court.evidence.added",
            actor=actor,
            obj=locked,
            owner=locked.claimant,
            properties={"side": side, "sha256": digest},
        )
        if side == Side.COMPANY:
            audit_record(
                actor=actor, action="court.evidence.added", target=locked, data={"evidence": item.pk}
            )
    return item


def case_respond(*, actor, case: Case, response: str, now: datetime | None = None) -> Case:
    """The company's answer to an admitted case, once (a late one is marked late)."""
    if not permissions.speaks_for_company(actor) or not selectors.can_see(actor, case):
        raise NotFound()
    response = text_checked(response, field="response", max_length=10_000, min_length=30)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status not in (CaseStatus.ADMITTED, CaseStatus.DRAWN, CaseStatus.SEATED):
            raise Conflict(_("The company responds to an admitted case, before the verdict."))
        if locked.responded_at:
            raise Conflict(_("The company has responded to this case already."))
        locked.response, locked.respondent, locked.responded_at = response, actor, now
        locked.save(update_fields=["response", "respondent", "responded_at"])
        audit_record(actor=actor, action="court.case.responded", target=locked)
        record_event(
            verb="court.case.responded",
            actor=actor,
            obj=locked,
            owner=locked.claimant,
            properties={"late": bool(locked.respond_by and now > locked.respond_by)},
        )
        _tell(locked, [locked.claimant_id, locked.clerk_id], what="responded", key="responded", actor=actor)
    return locked


# ---- Questions through the clerk ---------------------------------------------------------


def question_ask(*, member, case: Case, to: str, text: str, now: datetime | None = None) -> Question:
    """A seated juror asks a party something; the clerk decides whether it goes on."""
    if not selectors.in_jury_room(member, case, seated_only=True):
        raise NotFound()
    if to not in Side.values:
        raise ValidationFailed(_("Choose the party to ask."), field="to")
    text = text_checked(text, field="text", max_length=2_000, min_length=10)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status != CaseStatus.SEATED:
            raise Conflict(_("Questions are asked while the jury deliberates."))
        question = Question.objects.create(case=locked, asked_by=member, to=to, text=text, asked_at=now)
        record_event(verb="court.question.asked", actor=member, obj=locked, owner=locked.claimant)
        _tell(locked, [locked.clerk_id], what="question", key=f"question:{question.pk}", actor=member)
    return question


def question_forward(
    *, actor, question_id: int, forward: bool, note: str = "", now: datetime | None = None
) -> Question:
    """The clerk puts a juror's question to the party (with a deadline to answer), or
    does not, saying why to the jury."""
    note = single_line_checked(note, field="note", max_length=500, required=not forward)
    now = now or timezone.now()
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("case").filter(pk=question_id).first()
        if question is None or not selectors.can_clerk(actor, question.case):
            raise NotFound()
        case = _locked_case(question.case)
        if question.state != QuestionState.ASKED or case.status != CaseStatus.SEATED:
            raise Conflict(_("This question was dealt with already."))
        question.clerk_note, question.forwarded_at = note, now
        if forward:
            question.state = QuestionState.FORWARDED
            question.answer_by = now + timedelta(days=settings.COURT_QUESTION_DAYS)
            recipients = [case.claimant_id] if question.to == Side.CLAIMANT else selectors.company_ids()
            _tell(
                case,
                recipients,
                what="asked",
                key=f"asked:{question.pk}",
                actor=actor,
                when=_when(question.answer_by),
            )
        else:
            question.state = QuestionState.DECLINED
        question.save(update_fields=["state", "clerk_note", "forwarded_at", "answer_by"])
        audit_record(
            actor=actor,
            action="court.question.forwarded" if forward else "court.question.declined",
            target=case,
            reason=note,
            data={"question": question.pk},
        )
    return question


def question_answer(*, actor, question_id: int, answer: str, now: datetime | None = None) -> Question:
    """The party a forwarded question was put to answers it; the jury reads it."""
    answer = text_checked(answer, field="answer", max_length=5_000, min_length=2)
    now = now or timezone.now()
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("case").filter(pk=question_id).first()
        if (
            question is None
            or question.state == QuestionState.ASKED
            or question.state == QuestionState.DECLINED
        ):
            raise NotFound()
        case = _locked_case(question.case)
        if not selectors.can_see(actor, case) or _side_of(actor, case) != question.to:
            raise NotFound()
        if question.state != QuestionState.FORWARDED:
            raise Conflict(_("This question is answered already."))
        if case.status != CaseStatus.SEATED:
            raise Conflict(_("The jury has finished deliberating."))
        question.state, question.answer, question.answered_by, question.answered_at = (
            QuestionState.ANSWERED,
            answer,
            actor,
            now,
        )
        question.save(update_fields=["state", "answer", "answered_by", "answered_at"])
        record_event(verb="court.question.answered", actor=actor, obj=case, owner=case.claimant)
        _tell(
            case,
            selectors.seated_member_ids(case),
            what="answered",
            key=f"answered:{question.pk}",
            actor=actor,
        )
    return question


# ---- The jury room --------------------------------------------------------------------------


def message_post(*, member, case: Case, body: str, parent_id: int | None = None, now=None) -> Message:
    """A post in the jury room, or a reply to one, by a seated juror (legal staff off the
    jury read the room; they speak to the jury only through questions' notes)."""
    if not selectors.in_jury_room(member, case, seated_only=True):
        raise NotFound()
    body = text_checked(body, field="body", max_length=5_000, min_length=1)
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status != CaseStatus.SEATED:
            raise Conflict(_("The jury room is open while the jury deliberates."))
        parent = None
        if parent_id is not None:
            parent = Message.objects.filter(pk=parent_id, case=locked).first()
            if parent is None:
                raise ValidationFailed(_("That message is not in this room."), field="parent")
            # Replies hang from the message that started the thread: one level, as in a chat thread.
            parent = parent if parent.parent_id is None else parent.parent
        message = Message.objects.create(
            case=locked,
            author=member,
            parent=parent,
            body=body,
            body_html=render_markdown(body),
            created_at=now or timezone.now(),
        )
    return message


# ---- Verdicts and the secret ballot ---------------------------------------------------------


def _refundable_fen(case: Case) -> int | None:
    """What a refund may not exceed: the purchase's total less what the store refunded
    already (None when the case names no purchase)."""
    if case.order_id is None:
        return None
    from fanrepublic.stores.selectors import refundable_fen

    return refundable_fen(case.order)


def _remedies_checked(outcome: str, remedies: list[dict], *, refund_limit: int | None = None) -> list[dict]:
    if outcome not in Outcome.values:
        raise ValidationFailed(_("Choose the outcome."), field="outcome")
    if outcome == Outcome.DISMISSED and remedies:
        raise ValidationFailed(_("A dismissed claim orders no remedies."), field="remedies")
    if outcome == Outcome.UPHELD and not remedies:
        raise ValidationFailed(_("An upheld claim orders at least one remedy."), field="remedies")
    if len(remedies) > MAX_REMEDIES:
        raise ValidationFailed(_("At most %(n)d remedies.") % {"n": MAX_REMEDIES}, field="remedies")
    checked = []
    for item in remedies:
        kind, amount = item.get("kind"), item.get("amount") or 0
        if kind not in RemedyKind.values:
            raise ValidationFailed(_("Choose a remedy from the list."), field="remedies")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValidationFailed(_("Enter the amount as a positive number."), field="remedies")
        if kind in PAID:
            if not 0 < amount <= MAX_AMOUNT[PAID[kind]]:
                raise ValidationFailed(
                    _("Give an amount for %(remedy)s, above zero and within the limit.")
                    % {"remedy": RemedyKind(kind).label},
                    field="remedies",
                )
            if kind == RemedyKind.REFUND and refund_limit is not None and amount > refund_limit:
                raise ValidationFailed(
                    _("A refund cannot exceed what the purchase cost, less what was refunded: ¥%(yuan).2f.")
                    % {"yuan": refund_limit / 100},
                    field="remedies",
                )
        elif amount:
            raise ValidationFailed(
                _("%(remedy)s has no amount.") % {"remedy": RemedyKind(kind).label}, field="remedies"
            )
        description = single_line_checked(item.get("description"), field="remedies", max_length=500)
        if len(description) < 5:
            raise ValidationFailed(_("Say what exactly is to be done."), field="remedies")
        checked.append({"kind": kind, "amount": amount, "description": description})
    return checked


def verdict_propose(
    *, member, case: Case, outcome: str, reasons: str, remedies: list[dict], now: datetime | None = None
) -> Verdict:
    """The foreperson puts a reasoned draft verdict to the jury's secret ballot. The
    company must have responded, or its time to respond have passed."""
    if not selectors.in_jury_room(member, case, seated_only=True):
        raise NotFound()
    remedies = _remedies_checked(outcome, remedies, refund_limit=_refundable_fen(case))
    reasons = text_checked(reasons, field="reasons", max_length=20_000, min_length=50)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status != CaseStatus.SEATED:
            raise Conflict(_("A verdict is proposed while the jury deliberates."))
        seated = selectors.seated_jurors(locked)
        if not seated or seated[0].member_id != member.pk:
            raise ValidationFailed(_("The foreperson writes the draft verdict."), field="reasons")
        if not locked.responded_at and locked.respond_by and now < locked.respond_by:
            raise Conflict(
                _("The company has until %(when)s to respond; the verdict waits for its response.")
                % {"when": _when(locked.respond_by)}
            )
        round_ = seated[0].draw.round
        if Verdict.objects.filter(case=locked, round=round_, state=VerdictState.BALLOT).exists():
            raise Conflict(_("A draft is being voted on; wait for its result."))
        version = Verdict.objects.filter(case=locked, round=round_).count() + 1
        verdict = Verdict.objects.create(
            case=locked,
            round=round_,
            version=version,
            foreperson=member,
            outcome=outcome,
            reasons=reasons,
            seated=len(seated),
            proposed_at=now,
        )
        Remedy.objects.bulk_create(Remedy(verdict=verdict, **item) for item in remedies)
        record_event(
            verb="court.verdict.proposed",
            actor=member,
            obj=locked,
            owner=locked.claimant,
            properties={"version": version, "outcome": outcome},
        )
        _tell(
            locked,
            [j.member_id for j in seated],
            what="ballot",
            key=f"ballot:{verdict.pk}",
            actor=member,
        )
    return verdict


def _voter_key(verdict: Verdict, member) -> str:
    return salted_hmac("court-ballot", f"{verdict.pk}:{member.pk}").hexdigest()


def ballot_cast(*, member, verdict_id: int, choice: str, now: datetime | None = None) -> str:
    """A seated juror's secret ballot on a draft; returns the receipt, shown once. The
    ballot closes when its result can no longer change (verdict_rule.result)."""
    if choice not in BallotChoice.values:
        raise ValidationFailed(_("Approve or reject the draft."), field="choice")
    now = now or timezone.now()
    with transaction.atomic():
        verdict = Verdict.objects.select_related("case").filter(pk=verdict_id).first()
        if verdict is None or not selectors.in_jury_room(member, verdict.case, seated_only=True):
            raise NotFound()
        case = _locked_case(verdict.case)
        verdict = Verdict.objects.select_for_update().get(pk=verdict.pk)
        if verdict.state != VerdictState.BALLOT:
            raise Conflict(_("This ballot is closed."))
        receipt = secrets.token_hex(8)
        try:
            with transaction.atomic():
                Ballot.objects.create(
                    verdict=verdict, voter_key=_voter_key(verdict, member), receipt=receipt, choice=choice
                )
        except IntegrityError:
            raise Conflict(_("You have voted on this draft already.")) from None
        if choice == BallotChoice.APPROVE:
            verdict.approvals += 1
        else:
            verdict.rejections += 1
        verdict.save(update_fields=["approvals", "rejections"])
        # No event per ballot: who voted when, beside ballots in the order they were
        # stored, would tell who cast which. The count is recorded when the ballot closes.
        outcome = verdict_rule.result(
            approvals=verdict.approvals, rejections=verdict.rejections, seated=verdict.seated
        )
        if outcome:
            _close_ballot(case, verdict, outcome, now)
    return receipt


def has_voted(verdict: Verdict, member) -> bool:
    return Ballot.objects.filter(verdict=verdict, voter_key=_voter_key(verdict, member)).exists()


def _close_ballot(case: Case, verdict: Verdict, outcome: str, now: datetime) -> None:
    """Record the result; an adopted draft is the verdict, open for the parties to
    accept (it is final when both have, or when COURT_CONTEST_DAYS pass)."""
    verdict.state = VerdictState.ADOPTED if outcome == "adopted" else VerdictState.REJECTED
    verdict.closed_at = now
    verdict.save(update_fields=["state", "closed_at"])
    jury = selectors.seated_member_ids(case)
    record_event(
        verb="court.verdict.counted",
        actor=None,
        obj=case,
        owner=case.claimant,
        properties={
            "version": verdict.version,
            "approvals": verdict.approvals,
            "rejections": verdict.rejections,
            "seated": verdict.seated,
            "adopted": verdict.state == VerdictState.ADOPTED,
        },
    )
    if verdict.state != VerdictState.ADOPTED:
        _tell(case, jury, what="not_adopted", key=f"not_adopted:{verdict.pk}")
        return
    _reward_service(case, verdict)
    case.status, case.outcome, case.decided_at = CaseStatus.DECIDED, verdict.outcome, now
    case.accept_by = now + timedelta(days=settings.COURT_CONTEST_DAYS)
    case.save(update_fields=["status", "outcome", "decided_at", "accept_by"])
    close_the_hearing(case, now)
    _tell(
        case,
        [case.claimant_id, case.clerk_id, *selectors.company_ids(), *jury],
        what="decided",
        key=f"decided:{verdict.round}",
        when=_when(case.accept_by),
    )


def close_the_hearing(case: Case, now: datetime) -> None:
    """A verdict or a settlement ends the hearing: questions not yet answered close, and
    a settlement offered before it can no longer be accepted (an appeal does not revive
    it)."""
    case.questions.filter(state__in=(QuestionState.ASKED, QuestionState.FORWARDED)).update(
        state=QuestionState.CLOSED
    )
    case.settlements.filter(state=SettlementState.PROPOSED).update(
        state=SettlementState.WITHDRAWN, answered_at=now
    )


def _reward_service(case: Case, verdict: Verdict) -> None:
    """Each seated juror who voted on the adopted verdict served: an event of theirs
    (`court.juror.served`) that the earning rules turn into points and the badges count.
    It says that they voted, never how."""
    voted = set(verdict.ballots.values_list("voter_key", flat=True))
    for juror in selectors.seated_jurors(case):
        if _voter_key(verdict, juror.member) in voted:
            record_event(
                verb="court.juror.served",
                actor=None,
                obj=case,
                owner=juror.member,
                properties={"kind": juror.kind, "round": verdict.round},
                idempotency_key=f"court:served:{verdict.pk}:{juror.member_id}",
            )


def ballot_close_overdue(case: Case, now: datetime) -> Verdict | None:
    """At the deliberation's deadline an open ballot is counted as it stands."""
    verdict = Verdict.objects.select_for_update().filter(case=case, state=VerdictState.BALLOT).first()
    if verdict is None:
        return None
    _close_ballot(
        case,
        verdict,
        verdict_rule.result(
            approvals=verdict.approvals,
            rejections=verdict.rejections,
            seated=verdict.seated,
            deadline_passed=True,
        ),
        now,
    )
    return verdict


def verdict_appeal(*, actor, case: Case, reason: str, now: datetime | None = None) -> Case:
    """A party appeals the verdict, once, before it is final: a larger jury — twice the
    senior fans plus one (21 for 10, as Kleros doubles a jury and adds one), and as many
    legal staff as before (a legal team is small: with the clerk and the first jury's
    lawyers left out, doubling them would leave most companies no pool) — is drawn the
    same way from people who did not sit on the case, and hears it anew. The new draw's
    seed is committed now."""
    if not selectors.can_see(actor, case):
        raise NotFound()
    side = _side_of(actor, case)
    reason = text_checked(reason, field="reason", max_length=5_000, min_length=20)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status != CaseStatus.DECIDED:
            raise Conflict(_("There is no verdict to appeal."))
        if locked.appealed_at:
            raise Conflict(_("A case is appealed once; this verdict is the appeal's."))
        if locked.claimant_accepted_at if side == Side.CLAIMANT else locked.company_accepted_at:
            raise Conflict(_("You accepted this verdict: it can no longer be appealed by you."))
        if locked.accept_by and now >= locked.accept_by:
            raise Conflict(_("The time to appeal has passed."))
        previous = JuryDraw.objects.filter(case=locked).order_by("-round").first()
        first_jury = selectors.seated_member_ids(locked)
        locked.status, locked.outcome, locked.decided_at = CaseStatus.APPEALED, "", None
        locked.appealed_at, locked.appealed_by, locked.appeal_reason = now, side, reason
        # The second jury's deadline is watched afresh.
        locked.deliberate_by = locked.deliberation_escalated_at = None
        locked.accept_by = locked.claimant_accepted_at = locked.company_accepted_at = None
        locked.save()
        seed = draw.new_seed()
        JuryDraw.objects.create(
            case=locked,
            round=previous.round + 1,
            seed=seed,
            pseudonym_key=secrets.token_hex(32),
            commitment=draw.commitment(seed),
            committed_at=now,
            fans_wanted=2 * previous.fans_wanted + 1,
            legal_wanted=previous.legal_wanted,
        )
        if side == Side.COMPANY:
            audit_record(actor=actor, action="court.verdict.appealed", target=locked, reason=reason[:200])
        record_event(
            verb="court.verdict.appealed",
            actor=actor,
            obj=locked,
            owner=locked.claimant,
            properties={"side": side},
        )
        _tell(
            locked,
            [
                locked.claimant_id,
                locked.clerk_id,
                *selectors.company_ids(),
                *first_jury,
            ],
            what="appealed",
            key="appealed",
            actor=actor,
        )
    return locked


def verdict_accept(*, actor, case: Case, now: datetime | None = None) -> Case:
    """A party accepts the verdict. When both have, it is final at once (otherwise when
    COURT_CONTEST_DAYS pass)."""
    now = now or timezone.now()
    if not selectors.can_see(actor, case):
        raise NotFound()
    side = _side_of(actor, case)
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status != CaseStatus.DECIDED:
            raise Conflict(_("There is no verdict waiting for your acceptance."))
        field = "claimant_accepted_at" if side == Side.CLAIMANT else "company_accepted_at"
        if getattr(locked, field):
            raise Conflict(_("You have accepted this verdict already."))
        setattr(locked, field, now)
        locked.save(update_fields=[field])
        if side == Side.COMPANY:
            audit_record(actor=actor, action="court.verdict.accepted", target=locked)
        record_event(
            verb="court.verdict.accepted",
            actor=actor,
            obj=locked,
            owner=locked.claimant,
            properties={"side": side},
        )
        if locked.claimant_accepted_at and locked.company_accepted_at:
            make_final(locked, now)
    return locked
