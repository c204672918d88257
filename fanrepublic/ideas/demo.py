"""The idea marketplace's part of the demo (a DemoStep in capability.py): ideas at every
stage, each written, supported, reviewed and decided through the services at the moments
it happened — the student's multi-purpose dorm cooker adopted in last spring's round,
a pet-hair brush in this round's review, a declined one with its reasons, ideas still
gathering support (one with a translation, one edited), an expired one and a withdrawn
one. The supporter counts are what the supporting produced, up to the configured
threshold (IDEAS_SUPPORT_THRESHOLD: 25 on a laptop)."""

from datetime import timedelta

from django.db import transaction

from fanrepublic.activity.models import Integration
from fanrepublic.committees.models import Seat
from fanrepublic.members.demo import demo_accounts
from fanrepublic.payments.payouts import payee_demo_link, payout_request
from fanrepublic.payments.selectors import payout_policy, wallet_balance_fen
from fanrepublic.products.models import ProductLine
from fanrepublic.stores.purchases import orders_import

from .enums import Decision, ProposalStatus
from .models import Proposal
from .services import (
    ProposalText,
    adoption_accept,
    adoption_offer,
    agreement_publish,
    comment_add,
    proposal_create,
    proposal_decide,
    proposal_edit,
    proposal_support,
    proposal_withdraw,
    proposals_expire_due,
    review_record,
    rounds_open_due,
    statements_issue_due,
    threshold,
)

IDEAS = [
    # key, line, language, days ago, price, title, pitch, specs, translation (title, pitch)
    (
        "cooker",
        "orange-home",
        "zh-hans",
        330,
        "199.00",
        "多功能宿舍锅",
        "宿舍里只能用低功率电器。一口 600W 的小锅，能煮面、蒸蛋、涮火锅，还能当电热杯用，"
        "自动限功率，不会跳闸。给所有住校的同学。",
        "- 功率：600W，自动限功率\n- 容量：1.2 升\n- 不粘内胆可拆洗\n- 蒸笼配件",
        (
            "Multi-purpose dorm cooker",
            "Dorms only allow low-power appliances. A 600 W pot that boils noodles, steams eggs, "
            "does hot pot and heats water — with automatic power limiting, so it never trips the breaker.",
        ),
    ),
    (
        "pet-brush",
        "orange-home",
        "en",
        150,
        "129.00",
        "Pet-hair brush head for the cordless vacuum",
        "A rubber-fin brush head that lifts cat and dog hair from sofas and car seats without "
        "tangling around the roller. Our committee's pet-hair need, as an accessory.",
        "- Fits the Orange cordless vacuum V2 and V3\n- Rubber fins, no bristles to tangle\n- Washable",
        None,
    ),
    (
        "cup-warmer",
        "orange-su7",
        "zh-hans",
        300,
        "399.00",
        "SU7 杯架加热保温",
        "冬天早上开车，咖啡很快就凉了。希望杯架能加热保温，夏天还能制冷。",
        "",
        None,
    ),
    (
        "nfc-strap",
        "orange-band-9",
        "en",
        40,
        "89.00",
        "Band 9 strap with a transit card inside",
        "A strap with an NFC transit card built in, so the band pays for the metro even when "
        "its battery is flat.",
        "- Works with city transit cards\n- Silicone, three colours",
        ("手环 9 公交卡表带", "表带内置 NFC 公交卡，手环没电时也能刷地铁。"),
    ),
    (
        "kickstand",
        "orange-15-pro",
        "zh-hans",
        20,
        "69.00",
        "带支架的手机壳",
        "看视频时手机总要找东西靠着。希望官方壳背面有一个折叠支架，横竖都能立。",
        "",
        None,
    ),
    (
        "camera-grip",
        "orange-15-pro",
        "en",
        400,
        "149.00",
        "Camera grip with a shutter button",
        "A clip-on grip with a two-stage shutter button and a strap lug, for people who shoot "
        "a lot with the phone.",
        "",
        None,
    ),
    (
        "smart-lamp",
        "orange-home",
        "en",
        25,
        "99.00",
        "Desk lamp that follows the sunrise",
        "A desk lamp that brightens slowly before the alarm, synced with the phone's alarm clock.",
        "",
        None,
    ),
]


def _supporters(fans, author, count, rng):
    pool = [f for f in fans if f.pk != author.pk]
    return rng.sample(pool, min(count, len(pool)))


def seed(run) -> None:
    if Proposal.objects.exists():
        return
    accounts = demo_accounts()
    fans = list(accounts.filter(username__startswith="fan").order_by("username"))
    operator = accounts.filter(username="op_zhou").first()
    engineer = accounts.filter(username="eng_lin").first()
    if len(fans) < 10 or operator is None or engineer is None:
        return
    rng = run.rng("ideas")
    lines = {line.slug: line for line in ProductLine.objects.all()}
    authors = rng.sample(fans, len(IDEAS))
    made = {}
    with transaction.atomic():  # one commit: the embedded database flushes once
        for (key, line, language, days, price, title, pitch, specs, translation), author in zip(
            IDEAS, authors, strict=True
        ):
            if line not in lines:
                continue
            with run.at(run.now - timedelta(days=days)):
                made[key] = proposal_create(
                    author=author,
                    product_line=lines[line],
                    language=language,
                    text=ProposalText(
                        title=title,
                        pitch=pitch,
                        specs=specs,
                        title_translated=translation[0] if translation else "",
                        pitch_translated=translation[1] if translation else "",
                    ),
                    target_price=price,
                )
        need = threshold()
        # Supporters over the days after each idea appeared; some reach the threshold.
        wanted = {
            "cooker": need,
            "pet-brush": need,
            "cup-warmer": need,
            "nfc-strap": max(1, need * 3 // 4),
            "kickstand": max(1, need // 3),
            "camera-grip": 3,
            "smart-lamp": 1,
        }
        for key, proposal in made.items():
            days = next(d for k, _l, _g, d, *_rest in IDEAS if k == key)
            for n, member in enumerate(_supporters(fans, proposal.author, wanted[key], rng)):
                with run.at(run.now - timedelta(days=days) + timedelta(hours=6 + n * 7)):
                    proposal_support(member=member, proposal=proposal)
        _conversation(run, made, fans, rng)
        # The schedule's rounds over the past year, in time order, and the decisions.
        _rounds_and_decisions(run, made, operator, engineer)
        _adoption_and_royalties(run, made, operator, rng)
        if "kickstand" in made:
            with run.at(run.now - timedelta(days=3)):
                proposal_withdraw(actor=made["kickstand"].author, proposal=made["kickstand"])
        proposals_expire_due(now=run.now)
    run.report("ideas", Proposal.objects.count())


def _conversation(run, made, fans, rng) -> None:
    cooker = made.get("cooker")
    if cooker:
        with run.at(cooker.created_at + timedelta(days=2)):
            comment_add(
                author=rng.choice([f for f in fans if f.pk != cooker.author_id]),
                proposal=cooker,
                body="宿舍限 800W，600W 刚好！能加一个定时预约吗？",
            )
        with run.at(cooker.created_at + timedelta(days=4)):
            comment_add(
                author=cooker.author,
                proposal=cooker,
                body="谢谢大家！已经把定时预约加进规格了，另外内胆改成了可拆洗。",
            )
            proposal_edit(
                actor=cooker.author,
                proposal=cooker,
                text=ProposalText(
                    title=cooker.title,
                    pitch=cooker.pitch,
                    specs=cooker.specs + "\n- 24 小时定时预约",
                    title_translated=cooker.title_translated,
                    pitch_translated=cooker.pitch_translated,
                ),
                target_price="219.00",
            )
    strap = made.get("nfc-strap")
    if strap:
        with run.at(strap.created_at + timedelta(days=1)):
            comment_add(
                author=rng.choice([f for f in fans if f.pk != strap.author_id]),
                proposal=strap,
                body="Would it work with the Shanghai and Shenzhen cards both?",
            )


def _rounds_and_decisions(run, made, operator, engineer) -> None:
    """Every cutoff of the past year in order: each opens its round with the ideas that
    qualified before it; the ideas of past rounds are reviewed and decided."""
    committee_member = (
        Seat.objects.filter(committee__product_line__slug="orange-home", left_on__isnull=True)
        .select_related("member")
        .first()
    )
    moments = sorted({run.now - timedelta(days=days) for days in range(360, -1, -1)})
    for moment in moments[::5]:
        rounds_open_due(now=moment)
    decisions = {
        "cooker": (Decision.ADOPT, "宿舍场景需求明确，限功率方案已在小家电线上验证。采纳，进入量产评估。"),
        "cup-warmer": (
            Decision.DECLINE,
            "Heating and cooling in the cup holder needs a 12 V line the SU7 console does not have; "
            "we will revisit it with the next interior.",
        ),
    }
    for key, (decision, reasons) in decisions.items():
        proposal = Proposal.objects.filter(pk=made[key].pk).first() if key in made else None
        if proposal is None or proposal.review_round is None:
            continue
        review_day = proposal.review_round.cutoff + timedelta(days=10)
        with run.at(review_day):
            review_record(
                reviewer=engineer,
                proposal=proposal,
                recommendation=decision,
                reasons="Feasible with parts we already make." if decision == Decision.ADOPT else reasons,
            )
            if committee_member and proposal.product_line.slug == "orange-home":
                review_record(
                    reviewer=committee_member.member,
                    proposal=proposal,
                    recommendation=decision,
                    reasons="委员会调研：宿舍用户里 7 成想要这口锅。",
                )
        with run.at(review_day + timedelta(days=14)):
            proposal_decide(actor=operator, proposal=proposal, decision=decision, reasons=reasons)
    brush = Proposal.objects.filter(pk=made["pet-brush"].pk).first() if "pet-brush" in made else None
    if brush and brush.status == ProposalStatus.IN_REVIEW and brush.review_round is not None:
        with run.at(max(brush.review_round.cutoff, run.now - timedelta(days=2))):
            review_record(
                reviewer=engineer,
                proposal=brush,
                recommendation=Decision.ADOPT,
                reasons="The V3 head mount can take it; tooling cost is low.",
            )


AGREEMENT = (
    "## Adoption agreement\n\n"
    "1. The author grants Orange the right to develop, make and sell the product based on the idea.\n"
    "2. Orange pays the author the royalty rate of the product's net sales (sales less refunds) in "
    "yuan, every month, into the author's wallet, by the rule published with the statements.\n"
    "3. Refunds beyond a month's sales are recouped from later royalties, never taken back.\n"
    "4. The author is credited by name on the product page and in the release notes."
)
AGREEMENT_ZH = (
    "## 创意采纳协议\n\n"
    "1. 作者授权橙子基于该创意开发、生产和销售产品。\n"
    "2. 橙子每月按产品净销售额（销售额减退款）的分成比例，以人民币支付至作者钱包，计算规则随对账单公布。\n"
    "3. 某月退款超过当月销售的部分，从之后的分成中抵扣，不会从作者处追回。\n"
    "4. 作者将在产品页面和发布说明中署名。"
)
COOKER_SKUS = ["DORM-COOKER-600-WHT", "DORM-COOKER-600-ORG"]


def _adoption_and_royalties(run, made, operator, rng) -> None:
    """The adopted cooker: the agreement offered and accepted, then months of the shop's
    sales and refunds through the order import, and each month's statement paid."""
    cooker = Proposal.objects.filter(pk=made["cooker"].pk).first() if "cooker" in made else None
    shop = Integration.objects.filter(slug="orange-online-shop").first()
    if cooker is None or cooker.status != ProposalStatus.ADOPTED or shop is None:
        return
    with run.at(cooker.decided_at + timedelta(days=1)):
        agreement = agreement_publish(actor=operator, body=AGREEMENT, body_zh=AGREEMENT_ZH, rate="0.01")
        adoption = adoption_offer(
            actor=operator, proposal=cooker, product_name="Orange dorm cooker 600 W", skus=COOKER_SKUS
        )
    with run.at(cooker.decided_at + timedelta(days=2)):
        adoption_accept(actor=cooker.author, adoption=adoption, version=agreement.version)
    # Mass production from a month later: a few hundred a month, some refunded.
    start = cooker.decided_at + timedelta(days=35)
    items, day, n = [], start, 0
    while day < run.now - timedelta(hours=1):
        for _ in range(rng.randint(3, 8)):
            n += 1
            when = day + timedelta(minutes=rng.randint(0, 1400))
            if when >= run.now:
                continue
            sale = {
                "order_id": f"DC{n:05d}",
                "occurred_at": when.isoformat(),
                "channel": "online",
                "currency": "CNY",
                "lines": [
                    {
                        "sku": rng.choice(COOKER_SKUS),
                        "quantity": rng.choice([1, 1, 1, 2]),
                        "unit_price": "219.00",
                    }
                ],
            }
            items.append(sale)
            if rng.random() < 0.04 and when + timedelta(days=5) < run.now:
                items.append(
                    {
                        "order_id": f"DC{n:05d}-R",
                        "kind": "refund",
                        "refund_of": sale["order_id"],
                        "occurred_at": (when + timedelta(days=5)).isoformat(),
                        "currency": "CNY",
                        "lines": [{**sale["lines"][0], "quantity": 1, "refunds_line": 1}],
                    }
                )
        day += timedelta(days=1)
    items.sort(key=lambda item: item["occurred_at"])
    for begin in range(0, len(items), 500):
        orders_import(integration=shop, items=items[begin : begin + 500])
    statements_issue_due(now=run.now)
    _royalties_paid_out(run, cooker.author)


def _royalties_paid_out(run, author) -> None:
    """The author links an account and has the royalties paid out, through the same path
    as a WeChat Pay or Alipay payout; the demo's provider settles at once."""
    with run.at(run.now - timedelta(days=3)):  # a new account waits a day before payouts
        payee_demo_link(member=author)
    balance = wallet_balance_fen(author)
    amount = balance - balance % 100  # whole yuan, the rest stays in the wallet
    if amount >= payout_policy().minimum_fen:
        payout_request(member=author, provider="offline", amount=amount, key="demo-royalties")
