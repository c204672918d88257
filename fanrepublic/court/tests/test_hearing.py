"""The hearing, given/when/then: the parties bring evidence (checked, private), the
company responds, jurors ask the parties questions through the clerk, the jury talks in
its room, the foreperson's draft verdict is put to a secret ballot decided by two thirds
of the seated jury, and the parties' acceptance makes it final."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.core.errors import Conflict, NotFound, ValidationFailed
from fanrepublic.court import hearing, selectors, services
from fanrepublic.court.enums import CaseStatus, QuestionState
from fanrepublic.court.models import Ballot, Evidence, Message, Obligation, Verdict
from fanrepublic.members.tests.factories import MemberFactory, engineer, legal, operator
from fanrepublic.notifications.models import Notification

from .builders import (
    REASONS,
    REMEDIES,
    RESPONSE,
    admitted_case,
    decided_case,
    pdf_upload,
    png_upload,
    seated_case,
)

pytestmark = pytest.mark.django_db


def told(member, what) -> bool:
    return Notification.objects.filter(recipient=member, params__what=what).exists()


# ---- Evidence ------------------------------------------------------------------------------


def test_each_party_brings_images_and_pdfs_kept_with_their_digest_and_side():
    case, _clerk, company, _boss = admitted_case()
    mine = hearing.evidence_add(actor=case.claimant, case=case, upload=png_upload(), caption="The burn-in")
    theirs = hearing.evidence_add(actor=company, case=case, upload=pdf_upload(), caption="Warranty terms")
    assert (mine.side, mine.content_type, mine.name) == ("claimant", "image/png", "screen.png")
    assert (theirs.side, theirs.content_type) == ("company", "application/pdf")
    assert len(mine.sha256) == 64 and mine.file.name.startswith("court/") and "screen" not in mine.file.name


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("notes.txt", b"just some text", content_type="text/plain"),
        SimpleUploadedFile("photo.png", b"MZ\x90\x00 an executable", content_type="image/png"),
        SimpleUploadedFile("broken.pdf", b"%PDF-1.7 not really", content_type="application/pdf"),
        "encrypted",
        SimpleUploadedFile("empty.png", b"", content_type="image/png"),
    ],
)
def test_files_that_are_not_a_readable_image_or_pdf_are_refused_and_nothing_is_stored(upload):
    case, *_ = admitted_case()
    if upload == "encrypted":
        upload = pdf_upload(password="secret")
    with pytest.raises(ValidationFailed):
        hearing.evidence_add(actor=case.claimant, case=case, upload=upload, caption="Look")
    assert not Evidence.objects.exists()


def test_only_the_parties_bring_evidence_and_the_company_only_once_the_case_is_admitted():
    claimant = MemberFactory()
    case = services.case_file(
        claimant=claimant, title="Screen", account="A" * 40, remedy_sought="Replace the phone."
    )
    with pytest.raises(NotFound):
        hearing.evidence_add(actor=operator(), case=case, upload=png_upload(), caption="Ours")
    for outsider in (MemberFactory(), engineer(), legal()):
        with pytest.raises(NotFound):
            hearing.evidence_add(actor=outsider, case=case, upload=png_upload(), caption="Mine")
    assert hearing.evidence_add(actor=claimant, case=case, upload=png_upload(), caption="Before admission")


def test_evidence_closes_with_the_verdict():
    h = decided_case()
    with pytest.raises(Conflict):
        hearing.evidence_add(actor=h.claimant, case=h.case, upload=png_upload(), caption="Late")


# ---- The company's response ---------------------------------------------------------------


def test_the_company_responds_once_and_the_claimant_and_clerk_are_told():
    case, clerk, company, _boss = admitted_case(respond=False)
    assert case.respond_by and case.respond_by > timezone.now() + timedelta(days=6)
    assert told(company, "respond")
    for outsider in (case.claimant, MemberFactory(), legal(), engineer()):
        with pytest.raises(NotFound):
            hearing.case_respond(actor=outsider, case=case, response=RESPONSE)
    with pytest.raises(ValidationFailed):
        hearing.case_respond(actor=company, case=case, response="Too short")
    case = hearing.case_respond(actor=company, case=case, response=RESPONSE)
    assert case.respondent == company and told(case.claimant, "responded") and told(clerk, "responded")
    with pytest.raises(Conflict):
        hearing.case_respond(actor=company, case=case, response=RESPONSE)


# ---- Questions through the clerk -------------------------------------------------------------


def test_a_jurors_question_goes_through_the_clerk_to_the_party_and_back_to_the_jury():
    h = seated_case()
    juror = h.jurors[3]
    question = hearing.question_ask(
        member=juror, case=h.case, to="company", text="Did the store look at the phone?"
    )
    assert question.state == QuestionState.ASKED and told(h.clerk, "question")
    with pytest.raises(NotFound):  # not forwarded yet: the company does not see it
        hearing.question_answer(actor=h.company, question_id=question.pk, answer="Yes")
    with pytest.raises(NotFound):
        hearing.question_forward(actor=juror, question_id=question.pk, forward=True)
    question = hearing.question_forward(actor=h.clerk, question_id=question.pk, forward=True)
    assert question.answer_by and told(h.company, "asked")
    with pytest.raises(NotFound):  # put to the company, not to the claimant
        hearing.question_answer(actor=h.claimant, question_id=question.pk, answer="They did not")
    question = hearing.question_answer(
        actor=h.company, question_id=question.pk, answer="No; the store refused at the counter."
    )
    assert question.state == QuestionState.ANSWERED and told(juror, "answered")
    with pytest.raises(Conflict):
        hearing.question_answer(actor=h.company, question_id=question.pk, answer="Again")


def test_the_clerk_may_decline_a_question_saying_why_and_only_the_jury_asks():
    h = seated_case()
    question = hearing.question_ask(
        member=h.jurors[1], case=h.case, to="claimant", text="What is your income?"
    )
    with pytest.raises(ValidationFailed):  # declining needs a reason
        hearing.question_forward(actor=h.clerk, question_id=question.pk, forward=False)
    question = hearing.question_forward(
        actor=h.clerk, question_id=question.pk, forward=False, note="Not relevant to the claim."
    )
    assert question.state == QuestionState.DECLINED
    for outsider in (h.claimant, h.company, MemberFactory()):
        with pytest.raises(NotFound):
            hearing.question_ask(member=outsider, case=h.case, to="company", text="Why did you refuse?")


# ---- The jury room -----------------------------------------------------------------------------


def test_the_jury_talks_in_threads_in_a_room_nobody_else_enters():
    h = seated_case()
    first = hearing.message_post(member=h.jurors[0], case=h.case, body="Let us **read** the photos first.")
    reply = hearing.message_post(member=h.jurors[2], case=h.case, body="Agreed.", parent_id=first.pk)
    nested = hearing.message_post(member=h.jurors[4], case=h.case, body="Noted.", parent_id=reply.pk)
    assert reply.parent == first and nested.parent == first  # one level of threads
    assert "<strong>read</strong>" in first.body_html
    evil = hearing.message_post(
        member=h.jurors[1], case=h.case, body="<script>alert(1)</script>[x](javascript:1)"
    )
    assert "<script" not in evil.body_html and "href" not in evil.body_html
    # Legal staff off the jury — the clerk too — read the room; they do not speak in it.
    for outsider in (h.claimant, h.company, MemberFactory(), engineer(), h.clerk, legal()):
        with pytest.raises(NotFound):
            hearing.message_post(member=outsider, case=h.case, body="Let me in")
    other = seated_case()
    with pytest.raises(ValidationFailed):  # a reply to another room's message
        hearing.message_post(member=other.jurors[0], case=other.case, body="Hi", parent_id=first.pk)
    stranger = next(m for m in other.jurors if m not in h.jurors)
    with pytest.raises(NotFound):  # a juror of one case is a stranger to another's room
        hearing.message_post(member=stranger, case=h.case, body="Hi")
    assert Message.objects.filter(case=h.case).count() == 4


# ---- The verdict -------------------------------------------------------------------------------


def test_only_the_foreperson_proposes_and_only_after_the_companys_response_or_its_deadline():
    h = seated_case(respond=False)
    with pytest.raises(ValidationFailed):
        hearing.verdict_propose(
            member=h.jurors[1], case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES
        )
    with pytest.raises(Conflict):
        hearing.verdict_propose(
            member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES
        )
    later = h.case.respond_by + timedelta(minutes=1)
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES, now=later
    )
    assert (
        verdict.seated == 12
        and verdict.remedies.count() == 3
        and all(told(m, "ballot") for m in h.jurors[1:])
    )
    with pytest.raises(Conflict):  # one draft at a time
        hearing.verdict_propose(
            member=h.foreperson, case=h.case, outcome="dismissed", reasons=REASONS, remedies=[]
        )


@pytest.mark.parametrize(
    "outcome, remedies",
    [
        ("upheld", []),
        ("dismissed", REMEDIES[:1]),
        ("maybe", []),
        ("upheld", [{"kind": "bribe", "amount": 0, "description": "Something nice"}]),
        ("upheld", [{"kind": "refund", "amount": 0, "description": "Refund the phone"}]),
        ("upheld", [{"kind": "refund", "amount": -5, "description": "Refund the phone"}]),
        ("upheld", [{"kind": "compensate_yuan", "amount": 10**12, "description": "A fortune"}]),
        ("upheld", [{"kind": "apology", "amount": 300, "description": "Apologise publicly"}]),
        ("upheld", [{"kind": "repair", "amount": 0, "description": "Fix"}]),
        ("upheld", [{"kind": "replace", "amount": 0, "description": "New phone\x00"}]),
        ("upheld", [{"kind": "replace", "amount": 0, "description": "New phone"}] * 9),
    ],
)
def test_bad_drafts_are_refused_and_store_nothing(outcome, remedies):
    h = seated_case()
    with pytest.raises(ValidationFailed):
        hearing.verdict_propose(
            member=h.foreperson, case=h.case, outcome=outcome, reasons=REASONS, remedies=remedies
        )
    assert not Verdict.objects.exists()


def test_two_thirds_of_the_twelve_adopt_the_verdict_by_secret_ballot():
    h = seated_case()
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES
    )
    receipts = []
    for i, member in enumerate(h.jurors[:10]):
        receipts.append(
            hearing.ballot_cast(member=member, verdict_id=verdict.pk, choice="reject" if i < 3 else "approve")
        )
    verdict.refresh_from_db()
    # 7 approvals and 3 rejections of 12: two ballots to come could still make 8.
    assert (verdict.approvals, verdict.rejections, verdict.state) == (7, 3, "ballot")
    receipts.append(hearing.ballot_cast(member=h.jurors[10], verdict_id=verdict.pk, choice="approve"))
    verdict.refresh_from_db()
    assert (verdict.approvals, verdict.state) == (8, "adopted")
    # The ballots name nobody: a receipt and a choice, keyed by an HMAC, no member.
    assert {f.name for f in Ballot._meta.get_fields()} == {"id", "verdict", "voter_key", "receipt", "choice"}
    assert sorted(Ballot.objects.values_list("receipt", flat=True)) == sorted(receipts)
    assert sorted(Ballot.objects.values_list("choice", flat=True)) == ["approve"] * 8 + ["reject"] * 3


def test_the_ballot_closes_at_eight_approvals_and_the_case_is_decided():
    h = seated_case()
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES
    )
    for member in h.jurors[:7]:
        hearing.ballot_cast(member=member, verdict_id=verdict.pk, choice="approve")
    verdict.refresh_from_db()
    assert verdict.state == "ballot" and h.refresh().case.status == CaseStatus.SEATED
    with pytest.raises(Conflict):
        hearing.ballot_cast(member=h.jurors[0], verdict_id=verdict.pk, choice="reject")
    hearing.ballot_cast(member=h.jurors[7], verdict_id=verdict.pk, choice="approve")
    verdict.refresh_from_db()
    case = h.refresh().case
    assert verdict.state == "adopted" and (verdict.approvals, verdict.seated) == (8, 12)
    assert case.status == CaseStatus.DECIDED and case.outcome == "upheld" and case.accept_by
    assert told(case.claimant, "decided") and told(h.company, "decided")
    with pytest.raises(Conflict):  # the others no longer vote on a closed ballot
        hearing.ballot_cast(member=h.jurors[8], verdict_id=verdict.pk, choice="reject")


def test_five_rejections_of_twelve_reject_the_draft_and_the_foreperson_writes_another():
    h = seated_case()
    draft = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES
    )
    for member in h.jurors[:5]:
        hearing.ballot_cast(member=member, verdict_id=draft.pk, choice="reject")
    draft.refresh_from_db()
    assert draft.state == "rejected" and h.refresh().case.status == CaseStatus.SEATED
    assert told(h.jurors[6], "not_adopted")
    second = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=REMEDIES[:1]
    )
    assert second.version == 2


def test_only_seated_jurors_vote_not_legal_staff_off_the_jury_nor_the_parties():
    h = seated_case()
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="dismissed", reasons=REASONS, remedies=[]
    )
    for outsider in (h.clerk, h.claimant, h.company, MemberFactory(), legal()):
        with pytest.raises(NotFound):
            hearing.ballot_cast(member=outsider, verdict_id=verdict.pk, choice="approve")
    with pytest.raises(ValidationFailed):
        hearing.ballot_cast(member=h.jurors[2], verdict_id=verdict.pk, choice="abstain")
    assert not Ballot.objects.exists()
    assert Event.objects.filter(verb="court.ballot.cast").count() == 0


def test_the_parties_acceptance_makes_the_verdict_final_and_its_remedies_obligations():
    h = decided_case()
    for outsider in (MemberFactory(), h.jurors[1], engineer()):
        with pytest.raises(NotFound):
            hearing.verdict_accept(actor=outsider, case=h.case)
    hearing.verdict_accept(actor=h.claimant, case=h.case)
    with pytest.raises(Conflict):
        hearing.verdict_accept(actor=h.claimant, case=h.case)
    assert h.refresh().case.status == CaseStatus.DECIDED
    hearing.verdict_accept(actor=h.company, case=h.case)
    case = h.refresh().case
    assert case.status == CaseStatus.FINAL and case.final_at
    obligations = list(Obligation.objects.filter(case=case).order_by("pk"))
    assert [(o.kind, o.amount) for o in obligations] == [(r["kind"], r["amount"]) for r in REMEDIES]
    assert {o.owner_id for o in obligations} == {h.company.pk}  # the company's respondent owns them
    assert all(o.due_at > timezone.now() + timedelta(days=13) for o in obligations)
    assert told(h.company, "owe") and told(case.claimant, "final")


def test_a_dismissed_claim_closes_the_case_when_final():
    h = decided_case(outcome="dismissed", remedies=[])
    hearing.verdict_accept(actor=h.claimant, case=h.case)
    hearing.verdict_accept(actor=h.company, case=h.case)
    case = h.refresh().case
    assert case.status == CaseStatus.CLOSED and case.outcome == "dismissed" and not case.obligations.exists()


def test_a_photo_is_stored_without_its_exif_and_a_pdf_with_a_script_is_refused():
    import io

    from PIL import Image

    case, *_ = admitted_case()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # the camera's make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # a GPS position
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 10, 10)).save(buffer, format="JPEG", exif=exif)
    assert b"PhoneMaker" in buffer.getvalue()
    upload = SimpleUploadedFile("where.jpg", buffer.getvalue(), content_type="image/jpeg")
    item = hearing.evidence_add(actor=case.claimant, case=case, upload=upload, caption="Where I was")
    stored = item.file.open("rb").read()
    assert b"PhoneMaker" not in stored and not Image.open(io.BytesIO(stored)).getexif()
    assert Image.open(io.BytesIO(stored)).size == (20, 10)

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    script = io.BytesIO()
    writer.write(script)
    with pytest.raises(ValidationFailed):
        hearing.evidence_add(
            actor=case.claimant,
            case=case,
            upload=SimpleUploadedFile("x.pdf", script.getvalue(), content_type="application/pdf"),
            caption="A script",
        )
    assert Evidence.objects.count() == 1


def test_evidence_is_for_the_seated_jury_not_for_jurors_only_invited():
    from fanrepublic.court.enums import JurorState
    from fanrepublic.court.models import Juror

    from .builders import senior

    senior(12)
    for _ in range(3):
        legal()
    case, clerk, company, _boss = admitted_case()
    hearing.evidence_add(actor=case.claimant, case=case, upload=png_upload(), caption="The burn-in")
    services.jury_draw(actor=clerk, case=case)
    invited = Juror.objects.filter(draw__case=case, state=JurorState.INVITED).first()
    assert selectors.can_see(invited.member, case) and not selectors.can_see_evidence(invited.member, case)
    services.juror_answer(member=invited.member, juror_id=invited.pk, accept=True)
    assert selectors.can_see_evidence(invited.member, case)


def test_a_refund_cannot_exceed_what_the_purchase_cost_less_refunds():
    from fanrepublic.stores.tests.factories import OrderFactory

    claimant = MemberFactory()
    order = OrderFactory(member=claimant, total=Decimal("499.00"), currency="CNY")
    OrderFactory(
        member=claimant,
        kind="refund",
        refund_of=order,
        total=Decimal("99.00"),
        currency="CNY",
        store=order.store,
    )
    h = seated_case(claimant=claimant)
    h.case.order = order
    h.case.save(update_fields=["order"])
    too_much = [{"kind": "refund", "amount": 40_001, "description": "Refund the phone."}]
    with pytest.raises(ValidationFailed):
        hearing.verdict_propose(
            member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=too_much
        )
    enough = [{"kind": "refund", "amount": 40_000, "description": "Refund the phone."}]
    assert hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="upheld", reasons=REASONS, remedies=enough
    )


def test_a_legal_juror_does_not_act_as_clerk_of_their_own_case():
    h = seated_case()
    legal_juror = next(j.member for j in selectors.seated_jurors(h.case) if j.kind == "legal")
    question = hearing.question_ask(
        member=h.jurors[1], case=h.case, to="company", text="Did the store test it?"
    )
    with pytest.raises(NotFound):
        hearing.question_forward(actor=legal_juror, question_id=question.pk, forward=True)
    assert hearing.question_forward(actor=legal(), question_id=question.pk, forward=True).state == "forwarded"


def test_jurors_who_voted_on_the_adopted_verdict_served_and_the_earning_rules_reward_it(
    django_capture_on_commit_callbacks,
):
    from fanrepublic.members.tests.factories import operator as make_operator
    from fanrepublic.points.rules import rule_save
    from fanrepublic.points.selectors import wallet_account

    rule_save(
        actor=make_operator(),
        rule=None,
        data={"name": "Jury service", "verb": "court.juror.served", "points": 200, "daily_cap": 1},
    )
    h = seated_case()
    verdict = hearing.verdict_propose(
        member=h.foreperson, case=h.case, outcome="dismissed", reasons=REASONS, remedies=[]
    )
    voters, silent = h.jurors[:8], h.jurors[8:]
    with django_capture_on_commit_callbacks(execute=True):
        for member in voters:
            hearing.ballot_cast(member=member, verdict_id=verdict.pk, choice="approve")
    served = set(Event.objects.filter(verb="court.juror.served").values_list("owner_id", flat=True))
    assert served == {m.pk for m in voters}  # who voted, never how; the silent earn nothing
    assert all(wallet_account(member=m).balance_minor == 200 for m in voters)
    assert all(
        wallet_account(member=m) is None or wallet_account(member=m).balance_minor == 0 for m in silent
    )
