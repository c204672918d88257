"""Writes for the court: one function per use case, keyword-only, one transaction, its
event recorded. The draw's rule lives in draw.py; this module feeds it the frozen pool
and records what it says."""

import gzip
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import single_line_checked, text_checked
from fanrepublic.notifications.services import notify

from . import draw, permissions, selectors
from .enums import CaseStatus, Ground, JurorKind, JurorState
from .models import Case, CourtPolicy, Juror, JuryDraw

NOTICE = "court"


def _tell(case: Case, recipients, *, what: str, key: str, actor=None, **params) -> None:
    notify(
        recipient_ids=list(recipients),
        kind=NOTICE,
        actor=actor,
        url=case.get_absolute_url(),
        params={"what": what, "case": case.number, **params},
        dedupe_key=f"court:{case.number}:{key}",
    )


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _invite_notice(case: Case, juror: Juror) -> None:
    when = _when(juror.answer_by)
    notify(
        recipient_ids=[juror.member_id],
        kind=NOTICE,
        actor=None,
        url=reverse("court:mine"),
        params={"what": "invited", "case": case.number, "when": when},
        dedupe_key=f"court:{case.number}:invited:{juror.draw_id}:{juror.member_id}",
    )


# ---- Filing and admission -----------------------------------------------------------------


def case_file(
    *, claimant, title, account, remedy_sought, product_line=None, order=None, now: datetime | None = None
) -> Case:
    """A member brings a case against the company. A purchase it is about must be the
    claimant's own (anyone else's answers as if it did not exist)."""
    if not permissions.can_file(claimant):
        raise Forbidden()
    title = single_line_checked(title, field="title", max_length=200)
    account = text_checked(account, field="account", max_length=10_000, min_length=30)
    remedy_sought = text_checked(remedy_sought, field="remedy_sought", max_length=2_000, min_length=5)
    if order is not None and order.member_id != claimant.pk:
        raise ValidationFailed(_("Choose one of your own purchases."), field="order")
    ratelimit.hit("court-file", str(claimant.pk), settings.COURT_FILE_RATE)
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            number=f"new-{secrets.token_hex(6)}",
            claimant=claimant,
            title=title,
            account=account,
            remedy_sought=remedy_sought,
            product_line=product_line,
            order=order,
            filed_at=now,
        )
        # Numbered by the year it was filed and its row: short, unique, never reused.
        case.number = f"{timezone.localtime(now).year}-{case.pk:05d}"
        case.save(update_fields=["number"])
        record_event(verb="court.case.filed", actor=claimant, obj=case, owner=claimant)
    return case


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def case_admit(*, actor, case: Case, now: datetime | None = None) -> Case:
    """Legal staff admit a case and become its clerk. The jury draw's commitment is made
    and published now, before anyone can know who the pool will hold."""
    if not permissions.is_legal(actor):
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status != CaseStatus.FILED:
            raise Conflict(_("Only a case waiting for admission can be admitted."))
        locked.status, locked.clerk, locked.admitted_at = CaseStatus.ADMITTED, actor, now
        locked.respond_by = now + timedelta(days=settings.COURT_RESPONSE_DAYS)
        locked.save(update_fields=["status", "clerk", "admitted_at", "respond_by"])
        seed = draw.new_seed()
        rules = selectors.rules_in_force()
        JuryDraw.objects.create(
            case=locked,
            round=1,
            seed=seed,
            pseudonym_key=secrets.token_hex(32),
            commitment=draw.commitment(seed),
            committed_at=now,
            fans_wanted=rules.jury_fans,
            legal_wanted=rules.jury_legal,
        )
        audit_record(actor=actor, action="court.case.admitted", target=locked)
        record_event(verb="court.case.admitted", actor=actor, obj=locked, owner=locked.claimant)
        _tell(locked, [locked.claimant_id], what="admitted", key="admitted", actor=actor)
        _tell(
            locked,
            selectors.company_ids(),
            what="respond",
            key="respond",
            actor=actor,
            when=_when(locked.respond_by),
        )
    return locked


def case_refuse(*, actor, case: Case, ground: str, reason: str) -> Case:
    """Legal staff do not admit a case, on a ground and with reasons the claimant reads."""
    if not permissions.is_legal(actor):
        raise NotFound()
    if ground not in Ground.values:
        raise ValidationFailed(_("Choose a ground."), field="ground")
    reason = text_checked(reason, field="reason", max_length=2_000, min_length=20)
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status != CaseStatus.FILED:
            raise Conflict(_("Only a case waiting for admission can be refused."))
        locked.status, locked.clerk = CaseStatus.INADMISSIBLE, actor
        locked.ground, locked.decision_reason = ground, reason
        locked.save(update_fields=["status", "clerk", "ground", "decision_reason"])
        audit_record(
            actor=actor, action="court.case.refused", target=locked, reason=reason, data={"ground": ground}
        )
        record_event(
            verb="court.case.refused",
            actor=actor,
            obj=locked,
            owner=locked.claimant,
            properties={"ground": ground},
        )
        _tell(
            locked,
            [locked.claimant_id],
            what="refused",
            key="refused",
            actor=actor,
            ground=ground,
            reason=reason,
        )
    return locked


# ---- The draw -------------------------------------------------------------------------------


def jury_draw(*, actor, case: Case, now: datetime | None = None) -> JuryDraw:
    """The clerk freezes the pool (conflicts excluded), reveals the committed seed and
    draws: the published file and the rule (draw.py) let anyone recompute the order.
    The first of each kind are invited; the next ones wait in reserve."""
    if not permissions.is_legal(actor):
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.status not in (CaseStatus.ADMITTED, CaseStatus.APPEALED):
            raise Conflict(_("The jury is drawn once the case is admitted, and once."))
        record = JuryDraw.objects.select_for_update().filter(case=locked).order_by("-round").first()
        if record is None or record.drawn_at:
            raise Conflict(_("The jury is drawn once the case is admitted, and once."))
        rules = selectors.rules_in_force()
        fan_ids, legal_ids = selectors.pool_member_ids(locked, now=now, rules=rules)
        key = bytes.fromhex(record.pseudonym_key)
        fans = {draw.pseudonym(key, locked.number, pk): pk for pk in fan_ids}
        legal = {draw.pseudonym(key, locked.number, pk): pk for pk in legal_ids}
        if len(fans) < record.fans_wanted or len(legal) < record.legal_wanted:
            raise Conflict(
                _("The pool holds %(fans)d senior fans and %(legal)d legal staff: too few for a jury.")
                % {"fans": len(fans), "legal": len(legal)}
            )
        keep = settings.COURT_RESERVE_FACTOR * max(record.fans_wanted, record.legal_wanted)
        drawn = draw.draw(
            seed=record.seed,
            case_number=locked.number,
            round_=record.round,
            fans=fans,
            legal=legal,
            keep=keep,
        )
        record.drawn_at, record.drawn_by, record.pool_digest = now, actor, drawn.digest
        record.fans_in_pool, record.legal_in_pool = len(fans), len(legal)
        record.rules = rules.as_published()
        record.pool = gzip.compress(draw.pool_text(fans, legal).encode("utf-8"), mtime=0)
        record.save()
        answer_by = now + timedelta(hours=rules.answer_hours)
        rows = []
        for kind, order, members, wanted in (
            (JurorKind.FAN, drawn.fans, fans, record.fans_wanted),
            (JurorKind.LEGAL, drawn.legal, legal, record.legal_wanted),
        ):
            for position, name in enumerate(order, start=1):
                invited = position <= wanted
                rows.append(
                    Juror(
                        draw=record,
                        member_id=members[name],
                        kind=kind,
                        position=position,
                        pseudonym=name,
                        state=JurorState.INVITED if invited else JurorState.RESERVE,
                        invited_at=now if invited else None,
                        answer_by=answer_by if invited else None,
                    )
                )
        Juror.objects.bulk_create(rows)
        locked.status = CaseStatus.DRAWN
        locked.save(update_fields=["status"])
        _tell(locked, [locked.claimant_id], what="drawn", key=f"drawn:{record.round}", actor=actor)
        for row in rows:
            if row.state == JurorState.INVITED:
                _invite_notice(locked, row)
        audit_record(
            actor=actor,
            action="court.jury.drawn",
            target=locked,
            data={"pool_digest": drawn.digest, "fans": len(fans), "legal": len(legal)},
        )
        record_event(
            verb="court.jury.drawn",
            actor=actor,
            obj=locked,
            owner=locked.claimant,
            properties={"round": record.round, "pool_digest": drawn.digest},
        )
    return record


def _invite_next(record: JuryDraw, kind: str, now: datetime) -> Juror | None:
    """The next of the same order, in place of one who declined or lapsed."""
    nxt = (
        Juror.objects.select_for_update()
        .filter(draw=record, kind=kind, state=JurorState.RESERVE)
        .order_by("position")
        .first()
    )
    if nxt is None:
        return None
    nxt.state, nxt.invited_at = JurorState.INVITED, now
    nxt.answer_by = now + timedelta(hours=selectors.rules_in_force().answer_hours)
    nxt.save(update_fields=["state", "invited_at", "answer_by"])
    _invite_notice(record.case, nxt)
    return nxt


def _seat_if_complete(record: JuryDraw, now: datetime) -> None:
    accepted = Juror.objects.filter(draw=record, state=JurorState.ACCEPTED)
    fans = accepted.filter(kind=JurorKind.FAN).count()
    legal = accepted.filter(kind=JurorKind.LEGAL).count()
    if fans >= record.fans_wanted and legal >= record.legal_wanted:
        case = record.case
        case.status = CaseStatus.SEATED
        case.deliberate_by = now + timedelta(days=settings.COURT_DELIBERATION_DAYS)
        case.save(update_fields=["status", "deliberate_by"])
        record_event(verb="court.jury.seated", actor=None, obj=case, owner=case.claimant)
        when = _when(case.deliberate_by)
        _tell(case, [case.claimant_id, *selectors.company_ids()], what="seated", key=f"seated:{record.round}")
        _tell(
            case,
            accepted.values_list("member_id", flat=True),
            what="deliberate",
            key=f"deliberate:{record.round}",
            when=when,
        )


def juror_answer(*, member, juror_id: int, accept: bool, now: datetime | None = None) -> Juror:
    """An invited juror accepts or declines, before their deadline; a decline invites the
    next of the same order."""
    now = now or timezone.now()
    with transaction.atomic():
        juror = (
            Juror.objects.select_for_update()
            .select_related("draw__case")
            .filter(pk=juror_id, member=member)
            .first()
        )
        if juror is None or juror.state == JurorState.RESERVE:
            raise NotFound()
        case = _locked_case(juror.draw.case)
        if juror.state == JurorState.DISCHARGED:
            raise Conflict(_("The case was settled: the jury is discharged."))
        if juror.state != JurorState.INVITED:
            raise Conflict(_("You answered this invitation already."))
        if juror.answer_by <= now:
            raise Conflict(_("The time to answer has passed; the next juror of the draw was invited."))
        juror.state = JurorState.ACCEPTED if accept else JurorState.DECLINED
        juror.answered_at = now
        juror.save(update_fields=["state", "answered_at"])
        record_event(
            verb="court.juror.answered",
            actor=member,
            obj=case,
            owner=member,
            properties={"accepted": bool(accept), "kind": juror.kind},
        )
        record = juror.draw
        record.case = case
        if accept:
            _seat_if_complete(record, now)
        else:
            _invite_next(record, juror.kind, now)
    return juror


def jurors_lapse(*, now: datetime | None = None) -> int:
    """Invitations not answered in time lapse, and the next of each draw is invited
    (a periodic task)."""
    now = now or timezone.now()
    lapsed = 0
    overdue = Juror.objects.filter(state=JurorState.INVITED, answer_by__lte=now).values_list("pk", flat=True)
    for pk in list(overdue[:500]):
        with transaction.atomic():
            juror = Juror.objects.select_for_update().select_related("draw__case").filter(pk=pk).first()
            if juror is None or juror.state != JurorState.INVITED or juror.answer_by > now:
                continue
            _locked_case(juror.draw.case)
            juror.state, juror.answered_at = JurorState.LAPSED, now
            juror.save(update_fields=["state", "answered_at"])
            _invite_next(juror.draw, juror.kind, now)
            lapsed += 1
    return lapsed


# ---- The operator's rules -----------------------------------------------------------------

POLICY_BOUNDS = {
    "min_trust_level": (0, 4),
    "min_tenure_days": (0, 3650),
    "juror_cases_per_year": (1, 52),
    "answer_hours": (12, 336),
    "jury_fans": (3, 50),
    "jury_legal": (0, 5),
}


def policy_set(*, actor, reason: str, now: datetime | None = None, **values) -> CourtPolicy:
    """A new version of the jury rules, in force from now for draws to come (a draw
    already committed keeps its jury size; each draw records the rules it used);
    audited with the reason."""
    if not permissions.can_set_policy(actor):
        raise NotFound()
    checked = {}
    for name, (low, high) in POLICY_BOUNDS.items():
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValidationFailed(
                _("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}, field=name
            )
        checked[name] = value
    reason = single_line_checked(reason, field="reason", max_length=200)
    with transaction.atomic():
        latest = CourtPolicy.objects.select_for_update().order_by("-version").first()
        policy = CourtPolicy.objects.create(
            version=(latest.version if latest else 0) + 1,
            reason=reason,
            created_by=actor,
            created_at=now or timezone.now(),
            **checked,
        )
        audit_record(
            actor=actor,
            action="court.policy.changed",
            target=policy,
            reason=reason,
            data={**checked, "version": policy.version},
        )
    return policy
