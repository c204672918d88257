"""The insights part of the demo community.

1. Two years of online-shop purchases of every demo member, drawn by the documented
   simulation (simulation.py: co-creators buy 2× as often and spend 1.6× per purchase),
   sent through the stores' order import as the shop would send them, a week at a time.
2. A lifetime-value fit of everything purchased, made the way the schedule makes one, so
   the pages show computed figures after `make run` — never typed-in ones.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from fanrepublic.activity.models import Integration
from fanrepublic.members.demo import demo_accounts
from fanrepublic.stores.models import Order
from fanrepublic.stores.purchases import orders_import

from . import simulation
from .cocreators import cocreator_ids
from .models import ClvFit
from .services import clv_fit_start

SHOP = "orange-online-shop"
PREFIX = "SIM-"
YEARS = 2


def _send(run, shop, purchases, tz) -> int:
    by_week: dict[int, list] = {}
    start = purchases[0].day if purchases else None
    for number, bought in enumerate(purchases, start=1):
        at = datetime.combine(bought.day, time(12 + number % 9, number % 60), tzinfo=tz)
        item = {
            "order_id": f"{PREFIX}{bought.day:%Y%m%d}-{number:06d}",
            "occurred_at": at.isoformat(),
            "channel": "online",
            "currency": "CNY",
            "customer": {"member": bought.member_id},
            "lines": [
                {
                    "sku": "SIM-MIX",
                    "description": "Online shop order",
                    "quantity": 1,
                    "unit_price": f"{bought.amount:.2f}",
                }
            ],
        }
        by_week.setdefault((bought.day - start).days // 7, []).append((at, item))
    for week in sorted(by_week):
        items = by_week[week]
        with run.at(max(at for at, _item in items) + timedelta(hours=1)):
            orders_import(integration=shop, items=[item for _at, item in items])
    return len(purchases)


def seed(run) -> None:
    shop = Integration.objects.filter(slug=SHOP).first()
    if shop is not None and not Order.objects.filter(external_id__startswith=PREFIX).exists():
        members = list(
            demo_accounts().filter(username__startswith="fan").order_by("pk").values_list("pk", flat=True)
        )
        tz = timezone.get_current_timezone()
        end = (run.now - timedelta(days=1)).astimezone(tz).date()
        start = end - timedelta(days=365 * YEARS)
        cocreators = cocreator_ids()
        drawn = sorted(
            simulation.purchases(members, cocreators, start=start, end=end),
            key=lambda p: (p.day, p.member_id),
        )
        sent = _send(run, shop, drawn, tz)
        run.report(
            "simulated shop purchases (co-creators / members)",
            f"{sent} ({len(cocreators & set(members))} / {len(members)})",
        )
    if not ClvFit.objects.exists():
        fit = clv_fit_start(window_end=run.now.astimezone(timezone.get_current_timezone()).date())
        fit.refresh_from_db()
        run.report(
            "lifetime value fit", f"{fit.get_status_display()} · {fit.customers} members · {fit.engine}"
        )
