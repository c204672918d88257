"""The court's part of the demo (a DemoStep in capability.py), written through its
services at the moments things happened: the operator's jury rules for a young community
(Members, trust level 2, of two months' standing), a burned-in screen case admitted by
legal_he and its jury drawn by the real lot (most jurors accept, one declines and the next
of the order is invited); a case refused as out of scope with reasons; one waiting for
admission. Who sits on the jury is whatever the lot says — mifan, if drawn, answers."""

from datetime import timedelta

from fanrepublic.core.errors import Conflict
from fanrepublic.members.demo import demo_accounts
from fanrepublic.stores.models import Order

from .enums import JurorState
from .models import Case
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
    buyer = (
        accounts.filter(store_orders__store__isnull=False).exclude(username="mifan").order_by("pk").first()
    )
    claimant = buyer or fans[0]
    order = Order.objects.filter(member=claimant, kind="sale").order_by("occurred_at").first()
    with run.at(run.now - timedelta(days=9)):
        title, account, remedy = SCREEN
        screen = case_file(claimant=claimant, title=title, account=account, remedy_sought=remedy, order=order)
    with run.at(run.now - timedelta(days=8)):
        case_admit(actor=clerk, case=screen)
    with run.at(run.now - timedelta(days=6)):
        try:
            record = jury_draw(actor=clerk, case=screen)
        except Conflict:  # too few senior fans in a small demo: the case waits for its draw
            record = None
    if record is not None:
        invited = list(record.jurors.filter(state=JurorState.INVITED).order_by("kind", "position"))
        for n, juror in enumerate(invited):
            if juror.member.username == "mifan":
                continue  # the demo member answers for themselves
            with run.at(run.now - timedelta(days=5, hours=rng.randint(1, 20))):
                juror_answer(member=juror.member, juror_id=juror.pk, accept=n != 1)
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
    run.report("court cases", Case.objects.count())
