"""NPS surveys — writes: make, send, answer, tag, route to a service case, close. One
function per use case, one transaction each; the rules are in permissions.py."""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import text_problem
from fanrepublic.notifications.services import notify
from fanrepublic.stores.enums import OrderKind
from fanrepublic.stores.models import Order
from fanrepublic.stores.services import contact_for_member
from fanrepublic.trust.services import case_open

from . import nps, permissions
from .enums import Audience, SurveyStatus
from .interactions import cocreator_ids, is_cocreator
from .models import Survey, SurveyInvite, SurveyResponse

NOTICE = "survey"
# An anonymous survey goes to at least this many members: one sent to a handful would
# name its answers by elimination.
ANONYMOUS_MIN_AUDIENCE = 20
MAX_TEXT = 2000
MAX_TAGS = 5
MAX_TAG = 30
TEXT_FIELDS = {
    "title": (120, True),
    "title_zh": (120, False),
    "question": (200, True),
    "question_zh": (200, False),
    "follow_up": (200, False),
    "follow_up_zh": (200, False),
}


def _line(data: dict, name: str) -> str:
    limit, required = TEXT_FIELDS[name]
    value = " ".join(str(data.get(name) or "").split())
    problem = text_problem(value, single_line=True)
    if problem:
        raise ValidationFailed(problem, field=name)
    if required and not value:
        raise ValidationFailed(_("This field is required."), field=name)
    if len(value) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=name)
    return value


def survey_save(*, actor, data: dict, survey: Survey | None = None) -> Survey:
    """Make a survey, or change one not yet sent."""
    if not permissions.can_run_surveys(actor):
        raise Forbidden()
    fields = {name: _line(data, name) for name in TEXT_FIELDS}
    audience = data.get("audience") or Audience.EVERYONE
    if audience not in Audience.values:
        raise ValidationFailed(_("Choose an audience."), field="audience")
    sample = data.get("sample_size")
    if sample in ("", None):
        sample = None
    elif not isinstance(sample, int) or isinstance(sample, bool) or not 1 <= sample <= 1_000_000:
        raise ValidationFailed(
            _("Choose a whole number from %(low)s to %(high)s.") % {"low": 1, "high": 1_000_000},
            field="sample_size",
        )
    fields.update(audience=audience, sample_size=sample, anonymous=bool(data.get("anonymous")))
    with transaction.atomic():
        if survey is None:
            survey = Survey.objects.create(created_by=actor, **fields)
            audit_record(actor=actor, action="insights.survey.created", target=survey)
        else:
            locked = Survey.objects.select_for_update().get(pk=survey.pk)
            if locked.status != SurveyStatus.DRAFT:
                raise Conflict(_("A survey that has been sent cannot be changed."))
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save()
            survey = locked
            audit_record(actor=actor, action="insights.survey.edited", target=survey)
    return survey


def audience_ids(audience: str, *, now=None) -> set[int]:
    """Active members without a staff role in the audience."""
    now = now or timezone.now()
    members = set(
        get_user_model()
        .objects.filter(is_active=True, is_staff=False, groups__isnull=True)
        .values_list("pk", flat=True)
    )
    if audience == Audience.CO_CREATORS:
        return members & cocreator_ids()
    if audience == Audience.OTHERS:
        return members - cocreator_ids()
    if audience == Audience.CUSTOMERS:
        bought = Order.objects.filter(
            kind=OrderKind.SALE, member__isnull=False, occurred_at__gte=now - timedelta(days=365)
        ).values_list("member_id", flat=True)
        return members & set(bought)
    return members


SENDING_LOCK = 0x5E5D  # any constant: the key of the advisory lock below


def _one_sender_at_a_time() -> None:
    """Two surveys sent at once would each read the recent invitations before the other
    wrote its own, and ask the same members twice inside the throttle. PostgreSQL: a
    transaction-scoped advisory lock; SQLite's write transactions already run one at a
    time (IMMEDIATE)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SENDING_LOCK])


def survey_send(*, actor, survey: Survey, seed: int | None = None) -> int:
    """Invite the audience (a random sample of it if a size is set), leaving out anyone
    invited to any survey in the last INSIGHTS_SURVEY_THROTTLE_DAYS, and notify them (in
    the app, and by email where they want it). Returns how many were invited."""
    if not permissions.can_run_surveys(actor):
        raise Forbidden()
    now = timezone.now()
    throttle = timedelta(days=settings.INSIGHTS_SURVEY_THROTTLE_DAYS)
    with transaction.atomic():
        _one_sender_at_a_time()
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status != SurveyStatus.DRAFT:
            raise Conflict(_("This survey has already been sent."))
        recently = set(
            SurveyInvite.objects.filter(sent_at__gte=now - throttle).values_list("member_id", flat=True)
        )
        chosen = sorted(audience_ids(locked.audience, now=now) - recently)
        if locked.sample_size is not None and locked.sample_size < len(chosen):
            chosen = sorted(
                random.Random(seed if seed is not None else locked.pk).sample(chosen, locked.sample_size)
            )
        if locked.anonymous and len(chosen) < ANONYMOUS_MIN_AUDIENCE:
            raise ValidationFailed(
                _("An anonymous survey goes to at least %(n)d members, or its answers could be told apart.")
                % {"n": ANONYMOUS_MIN_AUDIENCE},
                field="sample_size",
            )
        if not chosen:
            raise ValidationFailed(
                _(
                    "Nobody in this audience can be asked now: "
                    "everyone was surveyed in the last %(days)d days."
                )
                % {"days": throttle.days},
                field="audience",
            )
        SurveyInvite.objects.bulk_create(
            SurveyInvite(survey=locked, member_id=m, sent_at=now) for m in chosen
        )
        locked.status = SurveyStatus.OPEN
        locked.sent_at = now
        locked.closes_at = now + timedelta(days=settings.INSIGHTS_SURVEY_OPEN_DAYS)
        locked.save(update_fields=["status", "sent_at", "closes_at"])
        audit_record(actor=actor, action="insights.survey.sent", target=locked, data={"invited": len(chosen)})
        notify(
            recipient_ids=chosen,
            kind=NOTICE,
            actor=actor,
            url=reverse("insights:answer", args=[locked.pk]),
            params={"survey": locked.title, "survey_zh": locked.title_zh},
            dedupe_key=f"survey:{locked.pk}",
        )
    return len(chosen)


def answering_problem(*, member, survey: Survey, now=None) -> str | None:
    """Why this member cannot answer now (None: they can)."""
    now = now or timezone.now()
    invite = (
        SurveyInvite.objects.filter(survey=survey, member=member).first() if member.is_authenticated else None
    )
    if invite is None:
        return "not_invited"
    if invite.answered_at is not None:
        return _("You have answered this survey. Thank you!")
    if survey.status != SurveyStatus.OPEN or (survey.closes_at and survey.closes_at <= now):
        return _("This survey is closed.")
    return None


def _text(value, field: str) -> str:
    text = str(value or "").strip()
    problem = text_problem(text)
    if problem:
        raise ValidationFailed(problem, field=field)
    if len(text) > MAX_TEXT:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": MAX_TEXT}, field=field)
    return text


def _day_start(moment):
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def survey_answer(
    *, member, survey: Survey, score, reason: str = "", follow_up_answer: str = ""
) -> SurveyResponse:
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValidationFailed(_("Choose a score from 0 to 10."), field="score")
    reason = _text(reason, "reason")
    follow_up_answer = _text(follow_up_answer, "follow_up_answer")
    now = timezone.now()
    survey = Survey.objects.get(pk=survey.pk)  # its status as it is now, not as the caller read it
    problem = answering_problem(member=member, survey=survey, now=now)
    if problem == "not_invited":
        raise NotFound()
    if problem:
        raise Conflict(problem)
    # An anonymous answer and its invitation keep only the day: equal timestamps would
    # join the answer to the member who gave it.
    stamp = _day_start(now) if survey.anonymous else now
    with transaction.atomic():
        # The one-answer rule: of two answers at once, only one moves answered_at. The
        # conditions stay on the invitation's own row, so PostgreSQL re-checks them on the
        # row a concurrent answer just changed (a condition through a join would not be).
        taken = SurveyInvite.objects.filter(survey=survey, member=member, answered_at__isnull=True).update(
            answered_at=stamp
        )
        # The survey may have closed since the check above: then this answer does not count.
        current = Survey.objects.filter(pk=survey.pk).values_list("status", "closes_at").get()
        if taken and (current[0] != SurveyStatus.OPEN or (current[1] and current[1] <= now)):
            raise Conflict(_("This survey is closed."))
        if not taken:
            raise Conflict(_("You have answered this survey. Thank you!"))
        response = SurveyResponse.objects.create(
            survey=survey,
            member=None if survey.anonymous else member,
            score=score,
            reason=reason,
            follow_up_answer=follow_up_answer,
            language="" if survey.anonymous else (translation.get_language() or ""),
            was_co_creator=is_cocreator(member.pk, until=now),
            trust_level=member.trust_level,
            created_at=stamp,
        )
        # An anonymous answer's event names no one and nothing that would lead back.
        record_event(
            verb="insights.survey.answered",
            actor=None if survey.anonymous else member,
            obj=survey,
            properties={} if survey.anonymous else {"category": nps.category(score)},
            occurred_at=stamp,
        )
    return response


def _response_for_staff(actor, response: SurveyResponse) -> SurveyResponse:
    if not permissions.can_run_surveys(actor):
        raise Forbidden()
    return response


def tag_keys_of(tags) -> str:
    return "".join(f"\n{tag.casefold()}" for tag in tags) + "\n" if tags else ""


def response_tag(*, actor, response: SurveyResponse, tags) -> SurveyResponse:
    _response_for_staff(actor, response)
    cleaned = []
    for raw in tags or []:
        tag = " ".join(str(raw).split())
        if not tag:
            continue
        problem = text_problem(tag, single_line=True)
        if problem or len(tag) > MAX_TAG:
            raise ValidationFailed(
                problem or _("A tag has at most %(n)d characters.") % {"n": MAX_TAG}, field="tags"
            )
        if tag.casefold() not in {t.casefold() for t in cleaned}:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationFailed(_("At most %(n)d tags.") % {"n": MAX_TAGS}, field="tags")
    with transaction.atomic():
        SurveyResponse.objects.filter(pk=response.pk).update(tags=cleaned, tag_keys=tag_keys_of(cleaned))
        audit_record(actor=actor, action="insights.answer.tagged", target=response, data={"tags": cleaned})
    response.tags = cleaned
    return response


def response_route(*, actor, response: SurveyResponse):
    """Hand a detractor's answer to their store's service channel (trust capability):
    the case opens with the score and the reason."""
    _response_for_staff(actor, response)
    if response.member_id is None:
        raise Conflict(_("This answer is anonymous: there is nobody to follow up with."))
    if nps.category(response.score) != -1:
        raise Conflict(_("Only detractors' answers (0–6) are routed to a service case."))
    if response.service_case_id:
        return response.service_case
    with transaction.atomic():
        contact = contact_for_member(member=response.member, added_by=actor)
        reason = _("NPS %(score)d: %(reason)s") % {"score": response.score, "reason": response.reason or "—"}
        case = case_open(contact=contact, reason=reason)
        SurveyResponse.objects.filter(pk=response.pk).update(service_case=case)
        audit_record(actor=actor, action="insights.answer.routed", target=response, data={"case": case.pk})
    response.service_case = case
    return case


def survey_close(*, actor, survey: Survey) -> Survey:
    if not permissions.can_run_surveys(actor):
        raise Forbidden()
    with transaction.atomic():
        locked = Survey.objects.select_for_update().get(pk=survey.pk)
        if locked.status != SurveyStatus.OPEN:
            raise Conflict(_("Only a survey taking answers can be closed."))
        locked.status = SurveyStatus.CLOSED
        locked.closes_at = min(locked.closes_at or timezone.now(), timezone.now())
        locked.save(update_fields=["status", "closes_at"])
        audit_record(actor=actor, action="insights.survey.closed", target=locked)
    return locked


def surveys_close_due(*, now=None) -> int:
    now = now or timezone.now()
    return Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__lte=now).update(
        status=SurveyStatus.CLOSED
    )
