"""The court's part of the demo (a DemoStep in capability.py), written through its
services at the moments things happened: the operator's jury rules for a young community
(Members, trust level 2, of two months' standing), a burned-in screen case admitted by
legal_he, with the member's photograph and op_zhou's response for the company, its jury
drawn by the real lot (one juror declines and the next of the order sits), a question put
through the clerk, a verdict of "replace and compensate" adopted by secret ballot, accepted
by both parties, paid through the ledger and confirmed by the claimant — closed; a case
refused as out of scope with reasons; one waiting for admission. Who sits on the jury is
whatever the lot says."""

from datetime import timedelta

from fanrepublic.badges.models import Badge
from fanrepublic.badges.services import badges_evaluate
from fanrepublic.core.errors import Conflict
from fanrepublic.members.demo import demo_accounts
from fanrepublic.points.models import EarningRule
from fanrepublic.points.rules import rule_save
from fanrepublic.stores.models import Order

from . import execution, hearing, mediation, rulings, selectors
from .enums import CaseStatus, JurorState
from .models import Case, Juror
from .services import case_admit, case_file, case_refuse, juror_answer, jury_draw, policy_set

SCREEN = (
    "Burned-in screen after three months",
    "I bought an Orange 15 Pro in the store and used it normally. After three months the navigation bar "
    "stays burned into the screen. The store said burn-in is wear and refused a free repair, but the "
    "phone is within its warranty and the display should not age this fast.",
    "Replace the phone, and compensate me for the weeks without it.",
)
RESELLER = (
    "Charger bought from a reseller does not work",
    "A charger I bought from an online reseller stopped working after a week.",
    "Refund the charger.",
)
WAITING = (
    "手环表带断裂",
    "手环使用两个月后表带在卡扣处断裂，客服说表带不在保修范围内。我认为这是材料缺陷，应当免费更换。",
    "免费更换表带。",
)


RESPONSE = (
    "Burn-in within three months of normal use is not wear we accept: the panel is covered by the "
    "warranty. The store should have sent the phone for a repair. We regret the refusal."
)
QUESTION = "Did the store look at the phone before refusing, or refuse at the counter?"
ANSWER = "They refused at the counter, without opening or testing it."
REASONS = (
    "The photograph shows the navigation bar burned into the panel three months after purchase. "
    "The company accepts that this is not normal wear and that the panel is under warranty; the store "
    "refused without examining the phone. The claimant was without a working phone for three weeks."
)
REMEDIES = [
    {"kind": "replace", "amount": 0, "description": "Replace the phone with a new Orange 15 Pro."},
    {
        "kind": "compensate_yuan",
        "amount": 30_000,
        "description": "¥300 for three weeks without a working phone.",
    },
    {"kind": "compensate_points", "amount": 2_000, "description": "2,000 points for the trouble."},
]


def _burn_in_photo():
    """A picture of the claim: a dark phone screen with the navigation bar's ghost."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 720), (18, 18, 22))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 352, 712), radius=36, outline=(90, 90, 96), width=6)
    for x in (90, 180, 270):  # the three buttons, burned in
        draw.ellipse((x - 16, 640, x + 16, 672), outline=(58, 58, 64), width=4)
    draw.rectangle((24, 24, 336, 44), fill=(34, 34, 40))  # the status bar's ghost
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("burn-in.png", buffer.getvalue(), content_type="image/png")


def _seat(run, rng, record, *, days: float = 5) -> None:
    """Every invited juror answers (one declines; the next of the draw is invited and
    accepts), as the lot ordered them."""
    for round_ in range(3):
        invited = list(record.jurors.filter(state=JurorState.INVITED).order_by("kind", "position"))
        if not invited:
            return
        for n, juror in enumerate(invited):
            with run.at(run.now - timedelta(days=days, hours=-round_ * 2 - rng.randint(0, 2) - n * 0.1)):
                juror_answer(member=juror.member, juror_id=juror.pk, accept=not (round_ == 0 and n == 1))


def _hear_and_execute(run, case, *, claimant, clerk, company) -> None:
    """The seated jury asks a question, deliberates and adopts "replace and compensate";
    both parties accept; the company pays through the ledger and replaces the phone; the
    claimant confirms each remedy and the case closes."""
    jurors = [j.member for j in selectors.seated_jurors(case)]
    foreperson = jurors[0]
    with run.at(run.now - timedelta(days=4, hours=12)):
        question = hearing.question_ask(member=jurors[2], case=case, to="company", text=QUESTION)
        hearing.message_post(
            member=foreperson, case=case, body="Let us look at the photograph and the warranty terms first."
        )
    with run.at(run.now - timedelta(days=4, hours=8)):
        hearing.question_forward(actor=clerk, question_id=question.pk, forward=True)
    with run.at(run.now - timedelta(days=4)):
        hearing.question_answer(actor=company, question_id=question.pk, answer=ANSWER)
        hearing.message_post(
            member=jurors[3], case=case, body="The company admits the panel is under warranty."
        )
    with run.at(run.now - timedelta(days=3, hours=12)):
        verdict = hearing.verdict_propose(
            member=foreperson, case=case, outcome="upheld", reasons=REASONS, remedies=REMEDIES
        )
    for n, juror in enumerate(jurors):
        if Case.objects.get(pk=case.pk).status != CaseStatus.SEATED:
            break
        with run.at(run.now - timedelta(days=3, hours=10 - n * 0.5)):
            hearing.ballot_cast(member=juror, verdict_id=verdict.pk, choice="reject" if n == 4 else "approve")
    case.refresh_from_db()
    if case.status != CaseStatus.DECIDED:
        return
    with run.at(run.now - timedelta(days=2, hours=12)):
        hearing.verdict_accept(actor=claimant, case=case)
        hearing.verdict_accept(actor=company, case=case)
    proofs = {"replace": "Replacement order SH-2026-8812, collected at the store"}
    for n, obligation in enumerate(case.obligations.order_by("pk")):
        with run.at(run.now - timedelta(days=2, hours=6 - n)):
            execution.obligation_execute(
                actor=company, obligation_id=obligation.pk, proof=proofs.get(obligation.kind, "")
            )
        with run.at(run.now - timedelta(days=1, hours=6 - n)):
            execution.obligation_answer(member=claimant, obligation_id=obligation.pk, confirm=True)
    with run.at(run.now - timedelta(hours=20)):
        draft = rulings.ruling_draft(actor=clerk, case=case)
        rulings.ruling_publish(
            actor=clerk,
            ruling_id=draft.pk,
            title="Burn-in within three months is covered by the warranty · 三个月内烧屏属于保修范围",
            facts=draft.facts,
            reasons=draft.reasons,
            remedies=draft.remedies,
        )


EARBUDS = (
    "Left earbud stopped charging",
    "The left earbud of my Orange Buds stopped charging after six weeks; the case charges the right one.",
    "Replace the left earbud.",
)
DELIVERY = (
    "Pre-order delivered five weeks late",
    "I paid the deposit for the SU7 phone pre-order; the promised date passed by five weeks without a word.",
    "Compensate the delay in points.",
)
CAMERA = (
    "相机更新后夜景模式失焦",
    "系统更新到 1.5.8 后，夜景模式拍摄时对焦失败，照片全部模糊。回滚不可用，客服让我等下个版本。",
    "尽快修复，并公开说明问题原因。",
)


def _juror_rewards(operator) -> None:
    """Jury service earns points (an earning rule on `court.juror.served`) and, the first
    time, the Juror badge."""
    if not EarningRule.objects.filter(verb="court.juror.served").exists():
        rule_save(
            actor=operator,
            rule=None,
            data={
                "name": "Jury service",
                "name_zh": "陪审服务",
                "verb": "court.juror.served",
                "points": 200,
                "daily_cap": 1,
                "monthly_cap": 4,
            },
        )
    Badge.objects.get_or_create(
        slug="juror",
        defaults={
            "name": "Juror",
            "name_zh": "陪审员",
            "description": "Sat on a jury of the users' court and voted on its verdict.",
            "description_zh": "担任用户法庭陪审员并对裁决投票。",
            "icon": "⚖",
            "criteria": {"events": {"court.juror.served": 1}},
        },
    )


def _admitted(run, days: float, claimant, *, clerk, company, text):
    title, account, remedy = text
    with run.at(run.now - timedelta(days=days)):
        case = case_file(claimant=claimant, title=title, account=account, remedy_sought=remedy)
    with run.at(run.now - timedelta(days=days - 0.5)):
        case = case_admit(actor=clerk, case=case)
    with run.at(run.now - timedelta(days=days - 0.8)):
        case = hearing.case_respond(
            actor=company,
            case=case,
            response="We have looked into it and answer the claim as follows: " + text[1],
        )
    return case


def _settled(run, claimant, *, clerk, company) -> None:
    """Settled in mediation: the company offers terms, the member accepts, the company
    carries them out and the member confirms."""
    case = _admitted(run, 12, claimant, clerk=clerk, company=company, text=EARBUDS)
    with run.at(run.now - timedelta(days=11)):
        proposal = mediation.settlement_propose(
            actor=company,
            case=case,
            terms="We replace the left earbud and add 500 points for the weeks without it; "
            "the case ends here.",
            remedies=[
                {"kind": "replace", "amount": 0, "description": "A new left earbud, sent by courier."},
                {"kind": "compensate_points", "amount": 500, "description": "500 points for the trouble."},
            ],
        )
    with run.at(run.now - timedelta(days=10)):
        mediation.settlement_answer(actor=claimant, settlement_id=proposal.pk, accept=True)
    for n, obligation in enumerate(Case.objects.get(pk=case.pk).obligations.order_by("pk")):
        with run.at(run.now - timedelta(days=9, hours=n)):
            execution.obligation_execute(
                actor=company, obligation_id=obligation.pk, proof="Courier SF1234567890"
            )
        with run.at(run.now - timedelta(days=8, hours=n)):
            execution.obligation_answer(member=claimant, obligation_id=obligation.pk, confirm=True)


def _appealed(run, rng, claimant, *, clerk, company) -> None:
    """On appeal: the jury dismissed the claim, the member appealed, and the larger jury
    — drawn by the real lot from people who did not sit on the case — is answering."""
    case = _admitted(run, 9, claimant, clerk=clerk, company=company, text=DELIVERY)
    with run.at(run.now - timedelta(days=8)):
        try:
            record = jury_draw(actor=clerk, case=case)
        except Conflict:
            return
    _seat(run, rng, record, days=7.5)
    case.refresh_from_db()
    if case.status != CaseStatus.SEATED:
        return
    jurors = [j.member for j in selectors.seated_jurors(case)]
    with run.at(run.now - timedelta(days=6)):
        verdict = hearing.verdict_propose(
            member=jurors[0],
            case=case,
            outcome="dismissed",
            reasons="The pre-order terms allow a delay of up to six weeks with notice; the notice was "
            "late but the delay stayed within the terms, so no compensation is due under them.",
            remedies=[],
        )
    for n, juror in enumerate(jurors):
        if Case.objects.get(pk=case.pk).status != CaseStatus.SEATED:
            break
        with run.at(run.now - timedelta(days=5, hours=20 - n)):
            hearing.ballot_cast(
                member=juror, verdict_id=verdict.pk, choice="reject" if n in (2, 7) else "approve"
            )
    with run.at(run.now - timedelta(days=4)):
        case = hearing.verdict_appeal(
            actor=claimant,
            case=Case.objects.get(pk=case.pk),
            reason="Nobody told me of the delay until it happened; the terms ask for notice in advance.",
        )
    with run.at(run.now - timedelta(days=2)):
        try:
            appeal = jury_draw(actor=clerk, case=case)
        except Conflict:  # too few people left who did not sit on the case
            return
    for n, juror in enumerate(
        appeal.jurors.filter(state=JurorState.INVITED).order_by("kind", "position")[:12]
    ):
        with run.at(run.now - timedelta(days=1, hours=20 - n)):
            juror_answer(member=juror.member, juror_id=juror.pk, accept=True)


def _deliberating(run, rng, claimant, *, clerk, company) -> None:
    """In deliberation: the jury drawn by the real lot is seated and talking; mifan sits
    on it when the lot drew them."""
    case = _admitted(run, 4, claimant, clerk=clerk, company=company, text=CAMERA)
    with run.at(run.now - timedelta(days=3)):
        try:
            record = jury_draw(actor=clerk, case=case)
        except Conflict:
            return
    _seat(run, rng, record, days=2.5)
    case.refresh_from_db()
    if case.status != CaseStatus.SEATED:
        return
    jurors = [j.member for j in selectors.seated_jurors(case)]
    with run.at(run.now - timedelta(days=1, hours=12)):
        hearing.message_post(member=jurors[0], case=case, body="更新日志里有没有提到相机对焦的改动？")
    with run.at(run.now - timedelta(days=1, hours=8)):
        hearing.message_post(member=jurors[1], case=case, body="1.5.8 的更新说明里写了“优化夜景算法”。")
    precedent = rulings.published().first()
    if precedent is not None:
        with run.at(run.now - timedelta(hours=10)):
            rulings.case_cite(actor=claimant, case=case, number=precedent.case.number)
    run.report("court: mifan on the jury in deliberation", "mifan" in {m.username for m in jurors})


def seed(run) -> None:
    if Case.objects.exists():
        return
    accounts = demo_accounts()
    clerk = accounts.filter(username="legal_he").first()
    fans = list(accounts.filter(username__startswith="fan").order_by("username"))
    if clerk is None or len(fans) < 3:
        return
    rng = run.rng("court")
    operator = accounts.filter(username="op_zhou").first()
    if operator is not None:
        with run.at(run.now - timedelta(days=30)):
            # The community is months old: a year's standing would leave too few jurors.
            policy_set(
                actor=operator,
                reason="Our community is young: Members (level 2) of two months' standing sit on juries",
                min_trust_level=2,
                min_tenure_days=60,
                juror_cases_per_year=3,
                answer_hours=48,
                jury_fans=10,
                jury_legal=2,
            )
    if operator is not None:
        with run.at(run.now - timedelta(days=30)):
            _juror_rewards(operator)
    buyer = (
        accounts.filter(store_orders__store__isnull=False).exclude(username="mifan").order_by("pk").first()
    )
    claimant = buyer or fans[0]
    order = Order.objects.filter(member=claimant, kind="sale").order_by("occurred_at").first()
    with run.at(run.now - timedelta(days=9)):
        title, account, remedy = SCREEN
        screen = case_file(claimant=claimant, title=title, account=account, remedy_sought=remedy, order=order)
    with run.at(run.now - timedelta(days=8)):
        screen = case_admit(actor=clerk, case=screen)
    with run.at(run.now - timedelta(days=6)):
        try:
            record = jury_draw(actor=clerk, case=screen)
        except Conflict:  # too few senior fans in a small demo: the case waits for its draw
            record = None
    if operator is not None:
        with run.at(run.now - timedelta(days=7, hours=12)):
            hearing.evidence_add(
                actor=claimant,
                case=screen,
                upload=_burn_in_photo(),
                caption="The navigation bar burned into the screen",
            )
            hearing.case_respond(actor=operator, case=screen, response=RESPONSE)
    if record is not None:
        _seat(run, rng, record)
        screen.refresh_from_db()
        if screen.status == CaseStatus.SEATED and operator is not None:
            _hear_and_execute(run, screen, claimant=claimant, clerk=clerk, company=operator)
    with run.at(run.now - timedelta(days=4)):
        title, account, remedy = RESELLER
        other = case_file(claimant=fans[1], title=title, account=account * 2, remedy_sought=remedy)
    with run.at(run.now - timedelta(days=3)):
        case_refuse(
            actor=clerk,
            case=other,
            ground="out_of_scope",
            reason=(
                "The charger was sold by a reseller, not by the company: "
                "ask the reseller or the platform it sold on."
            ),
        )
    with run.at(run.now - timedelta(days=1)):
        title, account, remedy = WAITING
        case_file(claimant=fans[2], title=title, account=account, remedy_sought=remedy)
    # The other claimants are members who sit on no jury themselves (below the jury rules'
    # trust level): a claimant's co-jurors are left out of their case's pool, which a small
    # demo community could not spare. The deliberating case is drawn before the appeal's
    # larger jury takes its 21 places.
    claimants = [m for m in fans if m.trust_level < 2][:3]
    claimants += [m for m in fans[4:7] if m not in claimants][: 3 - len(claimants)]
    if operator is not None and len(claimants) == 3:
        _settled(run, claimants[0], clerk=clerk, company=operator)
        _deliberating(run, rng, claimants[1], clerk=clerk, company=operator)
        _appealed(run, rng, claimants[2], clerk=clerk, company=operator)
    served = Juror.objects.filter(state=JurorState.ACCEPTED).values_list("member_id", flat=True)
    badges_evaluate(member_ids=list(set(served)))
    run.report("court cases", Case.objects.count())
