"""The chains part of the demo (declared in capability.py as a DemoStep): the supply-chain
crisis's "never leave" chain with thousands of lines (closed), and an open pre-order
head count on the lounge board, which lets members start chains.

Written through the app's services at the moments things happened. The crisis wave
brings 1,700 fans who joined that week (accounts without a password, outside the demo's
sign-in domain, so no other step counts them)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from fanrepublic.forum.models import Board
from fanrepublic.members.demo import demo_accounts
from fanrepublic.members.demo_content import EMAIL_DOMAIN

from .models import BoardRule, Chain
from .services import chain_close, chain_start, entry_sign

WAVE = 1700  # at most; six per demo fan below that
WAVE_DOMAIN = f"wave.{EMAIL_DOMAIN}"
LINES = [
    "永不离开！",
    "一起扛过去",
    "Never leave. Orange forever.",
    "等新机，不换别家",
    "老用户了，支持",
    "We're with you.",
    "加油！",
    "预订一台，等你们回来",
    "从第一代用到现在",
    "",
]


def _wave_members(run) -> list:
    User = get_user_model()
    existing = set(User.objects.filter(email__iendswith=f"@{WAVE_DOMAIN}").values_list("username", flat=True))
    unusable = make_password(None)  # they never sign in: one hash for all of them
    start = run.now - timedelta(days=75)
    User.objects.bulk_create(
        [
            User(
                username=f"wave{i:04d}",
                email=f"wave{i:04d}@{WAVE_DOMAIN}",
                password=unusable,
                date_joined=start,
                trust_level=1,
            )
            for i in range(1, min(WAVE, run.members * 6) + 1)
            if f"wave{i:04d}" not in existing
        ],
        batch_size=500,
    )
    return list(User.objects.filter(email__iendswith=f"@{WAVE_DOMAIN}").order_by("username"))


def seed(run) -> None:
    if Chain.objects.exists():
        return
    accounts = {u.username: u for u in demo_accounts().filter(username__in=["op_zhou", "mifan"])}
    operator = accounts.get("op_zhou")
    if operator is None:
        return
    rng = run.rng("chains")
    fans = list(demo_accounts().filter(username__startswith="fan").order_by("username"))
    wave = _wave_members(run)
    signers = fans + wave
    rng.shuffle(signers)
    if "mifan" in accounts:
        signers.insert(7, accounts["mifan"])

    crisis_start = run.now - timedelta(days=70)
    with run.at(crisis_start):
        crisis = chain_start(
            actor=operator,
            theme="永不离开 · Never leave",
            description=(
                "供应链危机期间，我们需要知道谁和我们站在一起。接一句，留下你的话；愿意预订新机的，请写下台数。\n"
                "In the supply-chain crisis we want to know who stands with us. Add a line; if you will "
                "pre-order the new phone, say how many."
            ),
            pledge_label="我会预订 · I will pre-order",
            pledge_max=3,
        )
    run.progress(f"chain sign-up: {len(signers)} lines")
    # One commit for the wave (each line is still its own savepoint through the service):
    # thousands of commits would cost the embedded database a disk flush each.
    with transaction.atomic():
        for index, member in enumerate(signers):
            # The wave came in one evening: lines a few seconds apart.
            with run.at(crisis_start + timedelta(minutes=5, seconds=index * 6)):
                pledge = rng.choices([0, 1, 2, 3], weights=[35, 55, 8, 2])[0]
                entry_sign(actor=member, chain=crisis, message=rng.choice(LINES), pledge=pledge)
    with run.at(crisis_start + timedelta(days=2)):
        chain_close(actor=operator, chain=crisis)

    lounge = Board.objects.filter(slug="lounge").first()
    if lounge is not None:
        BoardRule.objects.get_or_create(
            board=lounge, defaults={"members_may_start": True, "min_trust_level": 1}
        )
    starter = fans[0] if fans else operator
    with run.at(run.now - timedelta(hours=20)):
        head_count = chain_start(
            actor=starter if lounge is not None else operator,
            theme="Band 9 pre-order head count · 手环 9 预订接龙",
            description="Who's in for the first batch? 第一批谁要？",
            board=lounge,
            pledge_label="Units · 台数",
            pledge_max=2,
        )
    for index, member in enumerate(fans[1:41]):
        with run.at(run.now - timedelta(hours=19, minutes=-index * 20)):
            entry_sign(
                actor=member, chain=head_count, message=rng.choice(["+1", "算我一个", "Me too", ""]), pledge=1
            )
    run.report("chain sign-ups", Chain.objects.count())
    crisis.refresh_from_db()
    run.report("lines in the crisis chain", crisis.entry_count)
