"""The user federation: each product line's committee is elected by its members. An
election takes candidacies (with a statement) from members who may stand, then runs a
secret multi-seat vote through the fan parliament (single transferable vote; instant
runoff for one seat), seats the winners for a term, and keeps the count's order so a
vacancy goes to the next-ranked candidate."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.badges.eligibility import eligibility_problems
from fanrepublic.core import ratelimit
from fanrepublic.core.errors import Conflict, Forbidden, ValidationFailed
from fanrepublic.core.markdown import render_markdown
from fanrepublic.core.services import audit_record
from fanrepublic.governance import services as votes
from fanrepublic.governance.enums import Method, VoteStatus

from .enums import ElectionStatus, FollowUp, NeedStatus
from .models import Candidacy, Committee, Decision, Election, Meeting, Need, NeedSupport, Seat
from .permissions import can_organise, can_plan_for

STATEMENT_MAX = 3000
# A decision's link is shown on the meeting and need pages: only a web address, never a
# javascript:, data: or vbscript: URL (the page's form and the API send any text).
# Its message is Django's own ("Enter a valid URL."), translated by Django.
_WEB_URL = URLValidator(schemes=["http", "https"])


def _require_organiser(actor):
    if not can_organise(actor):
        raise Forbidden(_("Only operators and the founder run committee elections."))


def consecutive_terms(member, committee: Committee) -> int:
    """How many of the committee's latest elections in a row seated this member."""
    count = 0
    for election in committee.elections.filter(status=ElectionStatus.SEATED).order_by("-created_at"):
        if not election.seats.filter(member=member, filled_vacancy=False).exists():
            break
        count += 1
    return count


def _owners_rule(committee: Committee) -> dict:
    """Which owners may stand, as `eligibility_problems` keywords (the election's vote
    carries the same rule for voters)."""
    if not committee.owners_only:
        return {}
    if committee.owners_verified_only:
        return {"verified_product_lines": [committee.product_line]}
    return {"product_lines": [committee.product_line]}


def stand_problems(member, committee: Committee) -> list[str]:
    problems = eligibility_problems(
        member, min_trust_level=committee.min_trust_to_stand, **_owners_rule(committee)
    )
    if consecutive_terms(member, committee) >= committee.term_limit:
        problems.append(
            _("You have served %(n)d terms in a row, the most this committee allows.")
            % {"n": committee.term_limit}
        )
    return problems


def election_open(
    *, actor, committee: Committee, seats_to_fill: int, candidacy_closes_at, voting_closes_at
) -> Election:
    _require_organiser(actor)
    if not 1 <= seats_to_fill <= committee.seats:
        raise ValidationFailed(
            _("Fill between 1 and %(n)d seats.") % {"n": committee.seats}, field="seats_to_fill"
        )
    if candidacy_closes_at <= timezone.now():
        raise ValidationFailed(_("Candidacies must close in the future."), field="candidacy_closes_at")
    if voting_closes_at <= candidacy_closes_at + timedelta(hours=1):
        raise ValidationFailed(_("Voting must close after candidacies close."), field="voting_closes_at")
    if committee.elections.exclude(status=ElectionStatus.SEATED).exists():
        raise Conflict(_("This committee already has an election under way."))
    with transaction.atomic():
        election = Election.objects.create(
            committee=committee,
            seats_to_fill=seats_to_fill,
            candidacy_closes_at=candidacy_closes_at,
            voting_closes_at=voting_closes_at,
        )
        audit_record(actor=actor, action="committees.election.opened", target=election)
        record_event(verb="committees.election.opened", actor=actor, obj=election)
    return election


def candidacy_submit(*, member, election: Election, statement: str) -> Candidacy:
    election = Election.objects.select_related("committee__product_line").get(pk=election.pk)
    if election.status != ElectionStatus.CANDIDACY or timezone.now() >= election.candidacy_closes_at:
        raise Conflict(_("Candidacies are closed."))
    problems = stand_problems(member, election.committee)
    if problems:
        raise Forbidden(" ".join(problems), code="not_eligible")
    statement = (statement or "").strip()
    if len(statement) < 10 or len(statement) > STATEMENT_MAX:
        raise ValidationFailed(
            _("Write a statement of 10 to %(n)d characters.") % {"n": STATEMENT_MAX}, field="statement"
        )
    try:
        with transaction.atomic():
            candidacy = Candidacy.objects.create(election=election, member=member, statement=statement)
            record_event(verb="committees.candidacy.submitted", actor=member, obj=candidacy, owner=member)
    except IntegrityError:
        raise Conflict(_("You are already standing in this election.")) from None
    return candidacy


def election_start_voting(*, actor, election: Election) -> Election:
    """After candidacies close: an uncontested election seats everyone who stood;
    otherwise the members vote (secret, changeable, results hidden until closing)."""
    _require_organiser(actor)
    with transaction.atomic():
        locked = (
            Election.objects.select_for_update().select_related("committee__product_line").get(pk=election.pk)
        )
        if locked.status != ElectionStatus.CANDIDACY:
            raise Conflict(_("Voting has already started."))
        if timezone.now() < locked.candidacy_closes_at:
            raise Conflict(_("Candidacies are still open."))
        candidates = list(locked.candidacies.filter(withdrawn=False).select_related("member"))
        if not candidates:
            raise Conflict(_("Nobody stood; extend the election or open a new one."))
        committee = locked.committee
        if len(candidates) <= locked.seats_to_fill:
            for rank, candidacy in enumerate(candidates, start=1):
                candidacy.rank = rank
                candidacy.save(update_fields=["rank"])
            _seat(locked, candidates, actor=actor)
            return locked
        vote = votes.vote_create(
            actor=actor,
            slug=f"{committee.slug}-election-{locked.pk}",
            question=f"Elect the {committee.name} ({locked.seats_to_fill} seats)",
            question_zh=f"选举{committee.name_zh or committee.name}（{locked.seats_to_fill} 席）",
            method=Method.STV if locked.seats_to_fill > 1 else Method.IRV,
            seats=locked.seats_to_fill,
            product_line=committee.product_line,
            owners_only=committee.owners_only,
            owners_verified_only=committee.owners_only and committee.owners_verified_only,
            min_trust_level=committee.min_trust_to_vote,
            opens_at=timezone.now(),
            closes_at=locked.voting_closes_at,
            secret=True,
            allow_change=True,
            hide_results=True,
            allow_abstain=True,
            options=[{"label": c.member.public_name, "details": c.statement[:200]} for c in candidates],
        )
        for candidacy, option in zip(candidates, vote.options.order_by("position"), strict=True):
            candidacy.option = option
            candidacy.save(update_fields=["option"])
        locked.vote = votes.vote_open(actor=actor, vote=vote)
        locked.status = ElectionStatus.VOTING
        locked.save(update_fields=["vote", "status"])
        audit_record(actor=actor, action="committees.election.voting", target=locked)
    return locked


def _seat(election: Election, winners: list[Candidacy], *, actor) -> None:
    today = timezone.localdate()
    ends = today + relativedelta(months=election.committee.term_months)
    for candidacy in winners:
        Seat.objects.create(
            committee=election.committee,
            member=candidacy.member,
            election=election,
            starts_on=today,
            ends_on=ends,
        )
        record_event(verb="committees.seated", actor=actor, obj=candidacy, owner=candidacy.member)
    election.status = ElectionStatus.SEATED
    election.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="committees.election.seated",
        target=election,
        data={"seated": [c.member_id for c in winners]},
    )


def election_seat(*, actor, election: Election) -> list[Seat]:
    """Once the vote is published: seat the winners and keep everyone's place in the
    count (winners first, then the others by their votes in the last round they were in)."""
    _require_organiser(actor)
    with transaction.atomic():
        locked = (
            Election.objects.select_for_update(of=("self",))
            .select_related("vote", "committee")
            .get(pk=election.pk)
        )
        if locked.status != ElectionStatus.VOTING:
            raise Conflict(_("This election is not waiting for its count."))
        if locked.vote.status != VoteStatus.PUBLISHED:
            raise Conflict(_("Close and publish the vote first."))
        by_option = {c.option_id: c for c in locked.candidacies.select_related("member")}
        result = locked.vote.result
        winners = [by_option[o] for o in result.get("winners", []) if o in by_option]
        # The count's own order (governance.tally.stv): winners in order of election, then
        # those still standing when the seats were filled by their votes, then the
        # excluded, last excluded first; every tie in it decided by the published rule.
        order = {o: n for n, o in enumerate(result.get("order", []))}
        last_counts: dict[int, float] = {}
        if not order:  # a vote counted before the count published its order
            for round_ in result.get("rounds", []):
                for option, votes_ in round_["counts"].items():
                    last_counts[int(option)] = float(votes_)
        rest = sorted(
            (c for c in by_option.values() if c not in winners),
            key=lambda c: (
                order.get(c.option_id, len(order)),
                -last_counts.get(c.option_id, 0),
                c.created_at,
            ),
        )
        for rank, candidacy in enumerate([*winners, *rest], start=1):
            candidacy.rank = rank
            candidacy.save(update_fields=["rank"])
        _seat(locked, winners, actor=actor)
    return list(locked.seats.all())


def seat_vacate(*, actor, seat: Seat, reason: str) -> Seat | None:
    """A member leaves; the next-ranked candidate of the same election who is not seated
    (and may still stand) serves out the term. Returns the new seat, if anyone moved up."""
    _require_organiser(actor)
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise ValidationFailed(_("Give a reason of at most %(n)d characters.") % {"n": 300}, field="reason")
    with transaction.atomic():
        locked = Seat.objects.select_for_update().select_related("election", "committee").get(pk=seat.pk)
        if locked.left_on is not None:
            raise Conflict(_("This member has already left the committee."))
        locked.left_on, locked.left_reason = timezone.localdate(), reason
        locked.save(update_fields=["left_on", "left_reason"])
        seated = set(locked.election.seats.values_list("member_id", flat=True))
        following = None
        for candidacy in locked.election.candidacies.filter(withdrawn=False, rank__isnull=False).order_by(
            "rank"
        ):
            if candidacy.member_id in seated:
                continue
            # Who moves up must still be able to stand: trusted enough and, where the
            # committee asks for it, an owner (verified, if so).
            if eligibility_problems(
                candidacy.member,
                min_trust_level=locked.committee.min_trust_to_stand,
                **_owners_rule(locked.committee),
            ):
                continue
            following = Seat.objects.create(
                committee=locked.committee,
                member=candidacy.member,
                election=locked.election,
                starts_on=timezone.localdate(),
                ends_on=locked.ends_on,
                filled_vacancy=True,
            )
            record_event(verb="committees.seated", actor=actor, obj=candidacy, owner=candidacy.member)
            break
        audit_record(
            actor=actor,
            action="committees.seat.vacated",
            target=locked,
            reason=reason,
            data={"moved_up": following.member_id if following else None},
        )
    return following


# The needs backlog and the quarterly planning meeting ---------------------------------------


def need_raise(*, member, product_line, title: str, body: str) -> Need:
    if not member.is_authenticated or not member.is_active or member.is_suspended:
        raise Forbidden(_("Your account cannot post right now."))
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not 5 <= len(title) <= 200:
        errors["title"] = [_("Give a title of 5 to %(n)d characters.") % {"n": 200}]
    if not 10 <= len(body) <= 5000:
        errors["body"] = [_("Describe the need in 10 to %(n)d characters.") % {"n": 5000}]
    if errors:
        raise ValidationFailed(errors=errors)
    ratelimit.hit("need", str(member.pk), settings.FORUM_POST_RATE)
    with transaction.atomic():
        need = Need.objects.create(product_line=product_line, author=member, title=title, body=body)
        record_event(verb="committees.need.raised", actor=member, obj=need, owner=member)
    return need


def need_support(*, member, need: Need, support: bool) -> int:
    """Add or take back a member's support; idempotent. Returns the count."""
    if not member.is_authenticated:
        raise Forbidden(_("Sign in to support a need."))
    with transaction.atomic():
        if support:
            _row, created = NeedSupport.objects.get_or_create(need=need, member=member)
            if created:
                Need.objects.filter(pk=need.pk).update(support_count=F("support_count") + 1)
                if need.author_id != member.pk:
                    record_event(verb="committees.need.supported", actor=member, obj=need, owner=need.author)
        elif NeedSupport.objects.filter(need=need, member=member).delete()[0]:
            Need.objects.filter(pk=need.pk).update(support_count=F("support_count") - 1)
    return Need.objects.values_list("support_count", flat=True).get(pk=need.pk)


def _committee_of(need: Need) -> Committee:
    committee = Committee.objects.filter(product_line_id=need.product_line_id).first()
    if committee is None:
        raise Conflict(_("This product line has no committee yet."))
    return committee


def need_shortlist(*, actor, need: Need) -> Need:
    committee = _committee_of(need)
    if not can_plan_for(actor, committee):
        raise Forbidden(_("Only the committee shortlists needs."))
    updated = Need.objects.filter(pk=need.pk, status=NeedStatus.OPEN).update(status=NeedStatus.SHORTLISTED)
    if not updated:
        raise Conflict(_("Only an open need can be shortlisted."))
    audit_record(actor=actor, action="committees.need.shortlisted", target=need)
    need.refresh_from_db()
    return need


def meeting_schedule(*, actor, committee: Committee, quarter: str, scheduled_at) -> Meeting:
    if not can_plan_for(actor, committee):
        raise Forbidden(_("Only the committee schedules its meetings."))
    quarter = (quarter or "").strip()
    if not quarter or len(quarter) > 20:
        raise ValidationFailed(_("Name the quarter, e.g. 2026 Q4."), field="quarter")
    meeting = Meeting.objects.create(committee=committee, quarter=quarter, scheduled_at=scheduled_at)
    audit_record(actor=actor, action="committees.meeting.scheduled", target=meeting)
    return meeting


def agenda_add(*, actor, meeting: Meeting, need: Need) -> None:
    if not can_plan_for(actor, meeting.committee):
        raise Forbidden(_("Only the committee sets its agenda."))
    if meeting.held:
        raise Conflict(_("This meeting has been held."))
    if need.product_line_id != meeting.committee.product_line_id:
        raise ValidationFailed(_("That need is about another product."), field="need")
    if not Need.objects.filter(pk=need.pk, status=NeedStatus.SHORTLISTED).update(status=NeedStatus.ON_AGENDA):
        raise Conflict(_("Put a shortlisted need on the agenda."))
    meeting.agenda.add(need)
    audit_record(actor=actor, action="committees.agenda.added", target=meeting, data={"need": need.pk})


def meeting_record(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    if not can_plan_for(actor, meeting.committee):
        raise Forbidden(_("Only the committee records its minutes."))
    minutes = (minutes or "").strip()
    if not minutes or len(minutes) > 20000:
        raise ValidationFailed(
            _("Write the minutes (at most %(n)d characters).") % {"n": 20000}, field="minutes"
        )
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        locked.minutes, locked.minutes_html, locked.held = minutes, render_markdown(minutes), True
        locked.save(update_fields=["minutes", "minutes_html", "held"])
        audit_record(actor=actor, action="committees.meeting.held", target=locked)
    return locked


def decision_record(
    *,
    actor,
    meeting: Meeting,
    text: str,
    need: Need | None = None,
    follow_up: str = FollowUp.PENDING,
    release_item=None,
    link: str = "",
    note: str = "",
) -> Decision:
    """A decision of a held meeting, about a need on its agenda (or in general), with
    what happened next — a release item, a requirement or product link — which can be
    filled in later with `decision_trace`."""
    if not can_plan_for(actor, meeting.committee):
        raise Forbidden(_("Only the committee records its decisions."))
    meeting = Meeting.objects.get(pk=meeting.pk)
    if not meeting.held:
        raise Conflict(_("Record the meeting's minutes first."))
    text = (text or "").strip()
    if not text or len(text) > 3000:
        raise ValidationFailed(
            _("Write the decision (at most %(n)d characters).") % {"n": 3000}, field="text"
        )
    if need is not None and not meeting.agenda.filter(pk=need.pk).exists():
        raise ValidationFailed(_("That need was not on this meeting's agenda."), field="need")
    _check_follow_up(follow_up, release_item, link)
    with transaction.atomic():
        decision = Decision.objects.create(
            meeting=meeting,
            need=need,
            text=text,
            follow_up=follow_up,
            release_item=release_item,
            link=link,
            note=(note or "").strip()[:500],
        )
        if need is not None:
            Need.objects.filter(pk=need.pk).update(status=NeedStatus.DECIDED)
            record_event(
                verb="committees.need.decided",
                actor=actor,
                obj=need,
                owner=need.author,
                properties={"follow_up": follow_up},
            )
        audit_record(
            actor=actor, action="committees.decision.recorded", target=meeting, data={"decision": decision.pk}
        )
    return decision


def decision_trace(
    *, actor, decision: Decision, follow_up: str, release_item=None, link: str = "", note: str = ""
) -> Decision:
    """Say what became of a decision once it is known."""
    if not can_plan_for(actor, decision.meeting.committee):
        raise Forbidden(_("Only the committee traces its decisions."))
    _check_follow_up(follow_up, release_item, link)
    decision.follow_up, decision.release_item, decision.link = follow_up, release_item, link
    decision.note = (note or "").strip()[:500]
    decision.save(update_fields=["follow_up", "release_item", "link", "note"])
    audit_record(
        actor=actor,
        action="committees.decision.traced",
        target=decision.meeting,
        data={"decision": decision.pk, "follow_up": follow_up},
    )
    return decision


def _check_follow_up(follow_up: str, release_item, link: str) -> None:
    if follow_up not in FollowUp.values:
        raise ValidationFailed(_("Choose what happened next."), field="follow_up")
    if follow_up == FollowUp.RELEASE and release_item is None:
        raise ValidationFailed(_("Name the release item that shipped it."), field="release_item")
    if follow_up in (FollowUp.REQUIREMENT, FollowUp.PRODUCT) and not link:
        raise ValidationFailed(_("Link the requirement or the product."), field="link")
    if link:
        try:
            _WEB_URL(link)
        except ValidationError:
            raise ValidationFailed(str(_WEB_URL.message), field="link") from None
