"""The campaigns part of the demo (a DemoStep in capability.py): the crisis pre-order
that met its goal (deposits captured), a live Band 9 pre-order with a stretch update, and
a seat-heater campaign that missed its goal and refunded every backer. Deposits are paid
through the demo's offline provider and the payment services, at the moments they
happened, so payments, refunds, the ledger and the notifications are what the product
itself produces."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from fanrepublic.chains.demo import WAVE_DOMAIN
from fanrepublic.members.demo import demo_accounts
from fanrepublic.payments.services import offline_pay

from .models import Campaign
from .services import (
    backing_start,
    campaign_create,
    campaign_open,
    campaign_settle,
    settle_due_at,
    update_post,
)


def _back(run, campaign, members, *, start, spacing_minutes, rng):
    with transaction.atomic():  # one commit: the embedded database flushes once
        for index, member in enumerate(members):
            with run.at(start + timedelta(minutes=index * spacing_minutes)):
                units = rng.choices([1, 2], weights=[80, 20])[0]
                backing = backing_start(actor=member, campaign=campaign, units=units, provider_code="offline")
                offline_pay(actor=member, reference=backing.payment.reference)


def seed(run) -> None:
    if Campaign.objects.exists():
        return
    operator = demo_accounts().filter(username="op_zhou").first()
    if operator is None:
        return
    rng = run.rng("campaigns")
    fans = list(demo_accounts().filter(username__startswith="fan").order_by("username"))
    from django.contrib.auth import get_user_model

    wave = list(
        get_user_model().objects.filter(email__iendswith=f"@{WAVE_DOMAIN}").order_by("username")[:400]
    )

    # The crisis campaign: six weeks ago, met its goal, deposits captured.
    crisis_open = run.now - timedelta(days=66)
    with run.at(crisis_open):
        crisis = campaign_create(
            actor=operator,
            title="Never leave: the crisis edition phone",
            title_zh="永不离开：危机纪念版手机",
            product="Orange 14 crisis edition",
            product_zh="橙子 14 危机纪念版",
            description=(
                "We cannot build the next phone without you. Put down a deposit of ¥200 and we order "
                "the parts; if 250 of you join by the deadline, the phone is made. If not, every "
                "deposit comes back in full."
            ),
            description_zh=(
                "没有你们，我们造不出下一台手机。付 200 元定金，我们就去订零件；"
                "截止前凑够 250 台就开工，凑不够，定金全额退回。"
            ),
            unit_price_fen=399_900,
            deposit_fen=20_000,
            goal_units=250,
            per_member_limit=2,
            opens_at=crisis_open,
            closes_at=crisis_open + timedelta(days=10),
        )
        crisis = campaign_open(actor=operator, campaign=crisis)
    backers = (wave + fans)[:320]
    run.progress(f"pre-order campaign: {len(backers)} backers paying deposits")
    _back(run, crisis, backers, start=crisis_open + timedelta(minutes=10), spacing_minutes=30, rng=rng)
    with run.at(crisis_open + timedelta(days=4)):
        update_post(
            actor=operator,
            campaign=crisis,
            title="Stretch goal: every phone engraved with your chain number",
            title_zh="延伸目标：每台手机刻上你的接龙编号",
            body="Past 300 units: we engrave each phone with its backer's number in the never-leave chain.",
            body_zh="超过 300 台：每台手机刻上机主在“永不离开”接龙里的编号。",
        )
    with run.at(settle_due_at(crisis) + timedelta(minutes=1)):
        campaign_settle(campaign=crisis)

    # The seat heater: missed its goal three weeks ago, every deposit refunded.
    heater_open = run.now - timedelta(days=35)
    with run.at(heater_open):
        heater = campaign_create(
            actor=operator,
            title="Heated seat cover for the SU7",
            title_zh="SU7 座椅加热垫",
            product="SU7 heated seat cover",
            product_zh="SU7 座椅加热垫",
            description="A heated cover for winter drives, if 200 drivers want one.",
            description_zh="冬天开车用的加热座垫，够 200 位车主想要就生产。",
            unit_price_fen=89_900,
            deposit_fen=10_000,
            goal_units=200,
            per_member_limit=2,
            opens_at=heater_open,
            closes_at=heater_open + timedelta(days=14),
        )
        heater = campaign_open(actor=operator, campaign=heater)
    _back(run, heater, fans[40:64], start=heater_open + timedelta(hours=1), spacing_minutes=90, rng=rng)
    with run.at(settle_due_at(heater) + timedelta(minutes=1)):
        campaign_settle(campaign=heater)

    # The live one: Band 9, open for ten more days, mifan has not backed it yet.
    band_open = run.now - timedelta(days=3)
    with run.at(band_open):
        band = campaign_create(
            actor=operator,
            title="Orange Band 9: the first batch",
            title_zh="橙子手环 9：首批预订",
            product="Orange Band 9",
            product_zh="橙子手环 9",
            description=(
                "The band the committee asked for: a week of battery and an always-on screen. "
                "¥50 deposit a band; we build the first batch when 600 bands and ¥200,000 of "
                "pre-orders are in."
            ),
            description_zh=(
                "用户委员会提出的手环：一周续航、常亮屏。每只定金 50 元；"
                "预订满 600 只且满 20 万元就开产首批。"
            ),
            unit_price_fen=29_900,
            deposit_fen=5_000,
            goal_units=600,
            goal_fen=20_000_000,
            per_member_limit=3,
            opens_at=band_open,
            closes_at=timezone.now() + timedelta(days=10),
        )
        band = campaign_open(actor=operator, campaign=band)
    _back(run, band, fans[64:124], start=band_open + timedelta(minutes=5), spacing_minutes=60, rng=rng)
    with run.at(run.now - timedelta(hours=6)):
        update_post(
            actor=operator,
            campaign=band,
            title="Stretch goal: a titanium clasp at 1,000 bands",
            title_zh="延伸目标：满 1000 只送钛合金表扣",
            body="If the first batch passes 1,000 bands, every band ships with a titanium clasp.",
            body_zh="首批超过 1000 只，每只手环都配钛合金表扣。",
        )
    for campaign in (crisis, heater, band):
        campaign.refresh_from_db()
    run.report("pre-order campaigns", Campaign.objects.count())
    run.report("crisis campaign backers (goal met)", crisis.backer_count)
