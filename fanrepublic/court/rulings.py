"""Published rulings: legal staff turn a decided case into a public ruling — anonymised,
searchable in Chinese and English, citable as precedent from new cases. The draft is
pre-filled with the case's words, redacted (`redacted`); publishing is refused while any
of the personal data the site knows about the case is still in the text
(`personal_data_left`), so a missed name is caught rather than published."""

import re
import unicodedata
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.core.search import query_terms, search_document, words_match
from fanrepublic.core.services import audit_record
from fanrepublic.core.text import single_line_checked, text_checked

from . import permissions, selectors
from .enums import PAID, CaseStatus, JurorState, Outcome, RulingState
from .models import Case, Citation, Juror, Ruling
from .services import _locked_case

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Runs of digits with spaces, dots, dashes or brackets between them; a phone number when
# it holds 8 digits or more (QQ numbers too) — but not a case number (2026-00001) or a
# date (2026-03-01), which rulings cite.
NUMBER_RUN = re.compile(r"(?<!\d)\+?\d[\d .()\-]{6,}\d(?!\d)")
NOT_A_PHONE = re.compile(r"\d{4}-\d{5}|\d{4}-\d{2}-\d{2}")
PLACEHOLDER = re.compile(r"\[[^\[\]]{1,40}\]")
MIN_NAME = 3  # shorter names and ids would match inside ordinary words
PUBLISHABLE = (CaseStatus.FINAL, CaseStatus.CLOSED)


def _phones(text: str) -> list[tuple[int, int]]:
    spans = []
    for found in NUMBER_RUN.finditer(text):
        run = found.group(0).strip()
        if sum(ch.isdigit() for ch in run) >= 8 and not NOT_A_PHONE.fullmatch(run):
            spans.append(found.span())
    return spans


def _normalised(text: str) -> str:
    """Full-width letters folded (NFKC), runs of white space made one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _pattern(value: str) -> re.Pattern:
    """A name as it may be written: any case, any white space between its words, and —
    for Latin names — only as a whole word."""
    words = [re.escape(w) for w in _normalised(value).split()]
    body = r"\s+".join(words)
    if re.search(r"[A-Za-z0-9]", value):
        body = rf"(?<![\w]){body}(?![\w])"
    return re.compile(body, re.IGNORECASE)


def _people(case: Case):
    """Everyone who took part: every round's jurors who sat, the clerk, legal staff and
    company representatives who acted in the case."""
    from django.contrib.auth import get_user_model

    ids = set(
        Juror.objects.filter(draw__case=case, state=JurorState.ACCEPTED).values_list("member_id", flat=True)
    )
    ids |= {pk for pk in (case.clerk_id, case.respondent_id) if pk}
    ids |= set(case.questions.exclude(answered_by=None).values_list("answered_by_id", flat=True))
    ids |= set(case.settlements.values_list("proposed_by_id", flat=True))
    ids |= set(case.settlements.exclude(answered_by=None).values_list("answered_by_id", flat=True))
    ids |= set(case.obligations.values_list("owner_id", flat=True))
    ids.discard(case.claimant_id)
    return get_user_model().objects.filter(pk__in=ids)


def _names(case: Case) -> list[tuple[str, str]]:
    """What identifies someone in this case, longest first, with its placeholder."""
    found: list[tuple[str, str]] = []
    claimant = case.claimant
    for value in {claimant.username, getattr(claimant, "display_name", ""), claimant.email}:
        if value and len(value) >= MIN_NAME:
            found.append((value, _("[the claimant]")))
    if case.order_id and len(case.order.external_id) >= MIN_NAME:
        found.append((case.order.external_id, _("[the order]")))
    for person in _people(case):
        for value in {person.username, getattr(person, "display_name", "")}:
            if value and len(value) >= MIN_NAME:
                found.append((value, _("[a participant]")))
    return sorted(found, key=lambda pair: -len(pair[0]))


def redacted(text: str, case: Case) -> str:
    """The text with what the site knows identifies someone replaced (the text is kept
    as written — Chinese punctuation and all; the check before publishing also reads
    full-width letters)."""
    for value, placeholder in _names(case):
        text = _pattern(value).sub(placeholder, text)
    text = EMAIL.sub(_("[an email address]"), text)
    for start, end in reversed(_phones(text)):
        text = text[:start] + _("[a phone number]") + text[end:]
    return text


def personal_data_left(text: str, case: Case) -> list[str]:
    """What a ruling's text still gives away: the kinds of data found (placeholders
    themselves are not read, so a short name never matches inside one)."""
    text = PLACEHOLDER.sub(" ", _normalised(text))
    left = []
    if any(_pattern(value).search(text) for value, _placeholder in _names(case)):
        left.append(_("a name or an order number from the case"))
    if EMAIL.search(text):
        left.append(_("an email address"))
    if _phones(text):
        left.append(_("a phone number"))
    return left


def _remedies_text(case: Case) -> str:
    verdict = selectors.adopted_verdict(case)
    lines = []
    for remedy in verdict.remedies.all() if verdict else []:
        amount = ""
        if remedy.kind in PAID:
            amount = f" ¥{remedy.amount / 100:,.2f}" if PAID[remedy.kind] == "CNY" else f" {remedy.amount:,}"
        lines.append(f"{remedy.get_kind_display()}{amount}")
    return "\n".join(lines)


def ruling_draft(*, actor, case: Case, now: datetime | None = None) -> Ruling:
    """Legal staff start the ruling of a decided case (upheld or dismissed by a jury;
    settlements stay private), pre-filled and redacted; calling it again returns the
    draft."""
    if not permissions.is_legal(actor):
        raise NotFound()
    with transaction.atomic():
        locked = _locked_case(case)
        existing = Ruling.objects.filter(case=locked).first()
        if existing is not None:
            return existing
        if locked.status not in PUBLISHABLE or locked.outcome not in (Outcome.UPHELD, Outcome.DISMISSED):
            raise Conflict(_("A ruling is published from a jury's final verdict."))
        verdict = selectors.adopted_verdict(locked)
        ruling = Ruling.objects.create(
            case=locked,
            title=redacted(locked.title, locked)[:200],
            facts=redacted(locked.account, locked),
            reasons=redacted(verdict.reasons, locked),
            remedies=redacted(_remedies_text(locked), locked),
            outcome=locked.outcome,
            product_line=locked.product_line,
            drafted_by=actor,
            drafted_at=now or timezone.now(),
        )
        audit_record(actor=actor, action="court.ruling.drafted", target=locked)
    return ruling


def ruling_publish(
    *, actor, ruling_id: int, title: str, facts: str, reasons: str, remedies: str = "", now=None
) -> Ruling:
    """Legal staff publish the anonymised ruling (or correct a published one). Refused
    while the case's personal data remains in the text."""
    if not permissions.is_legal(actor):
        raise NotFound()
    title = single_line_checked(title, field="title", max_length=200)
    facts = text_checked(facts, field="facts", max_length=10_000, min_length=20)
    reasons = text_checked(reasons, field="reasons", max_length=20_000, min_length=20)
    remedies = text_checked(remedies, field="remedies", max_length=2_000)
    with transaction.atomic():
        ruling = Ruling.objects.select_for_update().select_related("case").filter(pk=ruling_id).first()
        if ruling is None:
            raise NotFound()
        case = ruling.case
        for field, text in (("title", title), ("facts", facts), ("reasons", reasons), ("remedies", remedies)):
            left = personal_data_left(text, case)
            if left:
                raise ValidationFailed(
                    _("Still in the text: %(what)s. Replace it before publishing.")
                    % {"what": ", ".join(left)},
                    field=field,
                )
        first = ruling.state != RulingState.PUBLISHED
        ruling.title, ruling.facts, ruling.reasons, ruling.remedies = title, facts, reasons, remedies
        ruling.search_document = search_document(title, facts, reasons, remedies)
        ruling.state = RulingState.PUBLISHED
        ruling.published_by, ruling.published_at = actor, ruling.published_at or now or timezone.now()
        ruling.save()
        audit_record(
            actor=actor, action="court.ruling.published" if first else "court.ruling.corrected", target=case
        )
        if first:
            record_event(verb="court.ruling.published", actor=actor, obj=case, owner=case.claimant)
    return ruling


def published() -> QuerySet[Ruling]:
    return Ruling.objects.filter(state=RulingState.PUBLISHED).select_related("case", "product_line")


def rulings_search(
    *, query: str = "", outcome: str = "", product_line_id: int | None = None
) -> QuerySet[Ruling]:
    """Published rulings matching every word of the query (Chinese segmented), an
    outcome and a product."""
    found = published()
    if query.strip():
        terms = query_terms(query)
        found = found.filter(words_match(terms)) if terms else found.none()
    if outcome in Outcome.values:
        found = found.filter(outcome=outcome)
    if product_line_id:
        found = found.filter(product_line_id=product_line_id)
    return found.order_by("-published_at", "-pk")


def ruling_public(*, number: str) -> Ruling:
    found = published().filter(case__number=number).first()
    if found is None:
        raise NotFound()
    return found


def case_cite(*, actor, case: Case, number: str, now: datetime | None = None) -> Citation:
    """A party or a seated juror cites a published ruling as precedent, before the
    verdict."""
    if not selectors.can_see(actor, case):
        raise NotFound()
    if not (selectors.side_of(actor, case) or selectors.in_jury_room(actor, case, seated_only=True)):
        raise NotFound()
    number = single_line_checked(number, field="number", max_length=20)
    ruling = published().filter(case__number=number).first()
    if ruling is None or ruling.case_id == case.pk:
        raise ValidationFailed(_("No published ruling has that number."), field="number")
    with transaction.atomic():
        locked = _locked_case(case)
        if locked.decided_at or not locked.admitted_at or locked.status == CaseStatus.CLOSED:
            raise Conflict(_("Precedents are cited in an admitted case, before the verdict."))
        citation, made = Citation.objects.get_or_create(
            case=locked, ruling=ruling, defaults={"cited_by": actor, "cited_at": now or timezone.now()}
        )
        if not made:
            raise Conflict(_("This case cites that ruling already."))
        if permissions.speaks_for_company(actor) and actor.pk != locked.claimant_id:
            audit_record(actor=actor, action="court.precedent.cited", target=locked, data={"ruling": number})
    return citation


def citation_count(ruling: Ruling) -> int:
    """Cases that cite the ruling (admitted ones: a refused filing does not count)."""
    return ruling.citations.filter(case__admitted_at__isnull=False).count()
