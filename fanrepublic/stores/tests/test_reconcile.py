"""Given/when/then: the reconciliation command compares a source's export with what was
stored, and its groups add up the way an independent sum over the file does."""

import csv
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fanrepublic.stores.models import Order
from fanrepublic.stores.purchases import CSV_COLUMNS, orders_import
from fanrepublic.stores.reconcile import reconcile

from .factories import StoreFactory, pos

pytestmark = pytest.mark.django_db


def random_export(rng: random.Random, stores, n=40) -> tuple[list[dict], bytes]:
    """Orders and the same orders as a POS's CSV file (one row per line)."""
    items, out = [], io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for i in range(n):
        store = rng.choice(stores)
        day = rng.randint(1, 5)
        lines = [
            {
                "line": k + 1,
                "sku": f"SKU{rng.randint(1, 9)}",
                "quantity": rng.randint(1, 3),
                "unit_price": f"{rng.randint(1, 99999) / 100:.2f}",
            }
            for k in range(rng.randint(1, 3))
        ]
        item = {
            "order_id": f"O{i}",
            "occurred_at": f"2026-11-{day:02d}T{rng.randint(0, 23):02d}:30:00+08:00",
            "channel": "store",
            "store": store.slug,
            "currency": rng.choice(["CNY", "HKD"]),
            "lines": lines,
        }
        items.append(item)
        for line in lines:
            writer.writerow(
                {**{k: item[k] for k in ("order_id", "occurred_at", "channel", "store", "currency")}, **line}
            )
    return items, out.getvalue().encode()


def expected_groups(items) -> dict:
    """Written from the rule, apart from the code under test: per local day (the site's
    Asia/Shanghai time zone; the export says +08:00), store and currency."""
    groups: dict = {}
    for item in items:
        key = (item["occurred_at"][:10], item["store"], item["currency"])
        total = sum(Decimal(line["unit_price"]) * line["quantity"] for line in item["lines"])
        count, amount = groups.get(key, (0, Decimal("0")))
        groups[key] = (count + 1, amount + total)
    return groups


@pytest.mark.parametrize("seed", range(5))
def test_groups_match_an_independent_sum_and_a_full_import_reconciles(seed, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    rng = random.Random(seed)
    stores = [StoreFactory(), StoreFactory()]
    source = pos()
    items, _content = random_export(rng, stores)
    report = reconcile(integration=source, items=items)
    got = {(g.day, g.store, g.currency): (g.source_orders, g.source_total) for g in report.groups}
    assert got == expected_groups(items)
    assert not report.matches and sorted(report.missing) == sorted(i["order_id"] for i in items)
    results = orders_import(integration=source, items=items)
    assert all(r.status == "created" for r in results)
    assert reconcile(integration=source, items=items).matches


def test_a_lost_order_and_a_changed_one_are_named(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    stores = [StoreFactory()]
    source = pos()
    items, _ = random_export(random.Random(7), stores, n=10)
    orders_import(integration=source, items=items[1:])
    changed = [dict(i) for i in items]
    changed[2] = {**changed[2], "lines": [{"sku": "X", "quantity": 1, "unit_price": "1.00"}]}
    report = reconcile(integration=source, items=changed)
    assert report.missing == [items[0]["order_id"]] and report.changed == [items[2]["order_id"]]
    assert not report.matches


def test_the_command_reports_and_exits_1_on_a_difference(tmp_path, capsys, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    stores = [StoreFactory()]
    source = pos()
    items, content = random_export(random.Random(3), stores, n=8)
    export = tmp_path / "export.csv"
    export.write_bytes(content)
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile_purchases", source.slug, str(export))
    assert exit_.value.code == 1
    assert "missing (8)" in capsys.readouterr().out
    orders_import(integration=source, items=items)
    call_command("reconcile_purchases", source.slug, str(export))
    assert "match the source" in capsys.readouterr().out
    assert Order.objects.count() == 8
    with pytest.raises(CommandError):
        call_command("reconcile_purchases", "no-such-source", str(export))
    with pytest.raises(CommandError):
        call_command("reconcile_purchases", source.slug, str(tmp_path / "missing.csv"))
