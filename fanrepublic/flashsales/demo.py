"""The flash-sales part of the demo: the SU7 Ultra "Founders' edition", 3,680 units,
opening ten minutes after the demo is loaded, with a waiting room already filling."""

from datetime import timedelta

from django.utils import timezone

from fanrepublic.members.demo import demo_accounts

from .models import FlashSale
from .services import sale_create, waiting_room_join


def seed(run) -> None:
    if FlashSale.objects.exists():
        return
    operator = demo_accounts().filter(username="op_zhou").first()
    if operator is None:
        return
    opens = timezone.now() + timedelta(minutes=10)
    sale = sale_create(
        actor=operator,
        title="SU7 Ultra Founders' edition",
        title_zh="SU7 Ultra 创始版",
        product="SU7 Ultra Founders' edition",
        product_zh="SU7 Ultra 创始版",
        description=(
            "3,680 cars, numbered. A ¥5,000 deposit reserves one; you have five minutes to pay it. "
            "One per member, for members of at least 30 days."
        ),
        description_zh=(
            "限量 3680 台，逐台编号。5000 元定金锁定一台，付款时限 5 分钟。每位会员限购一台，入会满 30 天。"
        ),
        price_fen=500_000,
        units=3680,
        per_member_limit=1,
        hold_seconds=300,
        admit_per_second=200,
        min_member_days=30,
        opens_at=opens,
        closes_at=opens + timedelta(days=2),
    )
    for member in demo_accounts().filter(username__startswith="fan").order_by("username")[:120]:
        if member.date_joined <= timezone.now() - timedelta(days=30):
            waiting_room_join(actor=member, sale=sale)
    run.report(
        "flash sale (opens 10 minutes after loading)", f"{sale.units} units, {sale.entrants.count()} waiting"
    )
