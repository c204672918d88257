"""Royalties end to end: sales and refunds of the adopted product arrive through the shops'
order import; each month's statement counts every line once, deducts refunds, pays the
author's CNY wallet through the ledger, once; checked against a reference written from
the published rule (docs/ideas.md) on random and adversarial sequences."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanrepublic.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from fanrepublic.ideas import royalties, services
from fanrepublic.ideas.models import Adoption, RoyaltyStatement
from fanrepublic.ideas.selectors import statement_lines
from fanrepublic.insights.tests.factories import shop
from fanrepublic.members.tests.factories import MemberFactory, operator
from fanrepublic.points.enums import Currency
from fanrepublic.points.selectors import ledger_problems
from fanrepublic.points.services import wallet_for
from fanrepublic.stores.purchases import orders_import

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db
ZONE = timezone.get_current_timezone()
AGREEMENT = "The author grants the brand the right to make the product; the brand pays royalties monthly."


def at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=ZONE)


def sold(order_id, when, sku, quantity, price):
    return {
        "order_id": order_id,
        "occurred_at": when.isoformat(),
        "channel": "online",
        "currency": "CNY",
        "lines": [{"sku": sku, "quantity": quantity, "unit_price": price}],
    }


def refunded(order_id, of, when, quantity):
    line = of["lines"][0]
    return {
        "order_id": order_id,
        "kind": "refund",
        "refund_of": of["order_id"],
        "occurred_at": when.isoformat(),
        "currency": "CNY",
        "lines": [
            {"sku": line["sku"], "quantity": quantity, "unit_price": line["unit_price"], "refunds_line": 1}
        ],
    }


def imported(*items):
    results = orders_import(integration=shop(), items=list(items))
    assert all(r.status in ("created", "duplicate") for r in results), [r.errors for r in results]


def adopted(sku="COOKER-1", *, accepted=at(2026, 3, 10), rate="0.01"):
    boss = operator()
    if not services.AgreementText.objects.exists():
        services.agreement_publish(
            actor=boss, body=AGREEMENT, body_zh="作者授权品牌生产该产品；品牌按月支付分成。", rate="0.01"
        )
    proposal = ProposalFactory(status="adopted")
    adoption = services.adoption_offer(
        actor=boss, proposal=proposal, product_name="Dorm cooker", skus=[sku], rate=rate
    )
    adoption = services.adoption_accept(
        actor=proposal.author, adoption=adoption, version=adoption.agreement.version
    )
    Adoption.objects.filter(pk=adoption.pk).update(accepted_at=accepted)
    adoption.refresh_from_db()
    return adoption


def cny(member) -> int:
    return wallet_for(member, Currency.CNY).balance_minor


def test_a_month_counts_its_sales_after_acceptance_deducts_refunds_and_pays_once():
    adoption = adopted()
    author = adoption.proposal.author
    before = sold("A0", at(2026, 3, 9), "COOKER-1", 5, "199.00")  # before acceptance: not counted
    first = sold("A1", at(2026, 3, 11), "COOKER-1", 2, "199.00")
    other = sold("A2", at(2026, 3, 12), "BAND-9", 10, "249.00")  # another product
    second = sold("A3", at(2026, 3, 30), "COOKER-1", 1, "219.00")
    april = sold("A4", at(2026, 4, 2), "COOKER-1", 1, "219.00")
    imported(before, first, other, second, april, refunded("R1", first, at(2026, 3, 20), 1))
    statement = services.statement_issue(adoption=adoption, period=date(2026, 3, 1), now=at(2026, 4, 5))
    # Sales 2×199 + 219 = 617 yuan, refund 199: net 418 yuan; 1 % = 4.18 yuan.
    assert (statement.sales_fen, statement.refunds_fen) == (61700, 19900)
    assert statement.payable_fen == 418 and statement.credited_fen == 418 and cny(author) == 418
    assert sorted(statement_lines(statement).values_list("order_number", flat=True)) == ["A1", "A3", "R1"]
    assert statement.line_count == 3
    again = services.statement_issue(adoption=adoption, period=date(2026, 3, 1), now=at(2026, 4, 6))
    assert again.pk == statement.pk and cny(author) == 418
    assert ledger_problems() == []


def test_months_are_issued_in_order_and_a_late_line_counts_the_next_month():
    adoption = adopted()
    march = sold("B1", at(2026, 3, 15), "COOKER-1", 1, "100.00")
    imported(march)
    assert services.statements_issue_due(now=at(2026, 4, 1, 8)) == 1
    # A March sale the shop sends only in April: counted in April's statement.
    imported(sold("B2", at(2026, 3, 31, 20), "COOKER-1", 1, "100.00"))
    assert services.statements_issue_due(now=at(2026, 6, 2)) == 2  # April and May
    april = RoyaltyStatement.objects.get(adoption=adoption, period=date(2026, 4, 1))
    assert april.sales_fen == 10000 and april.payable_fen == 100
    assert services.statements_issue_due(now=at(2026, 6, 3)) == 0
    with pytest.raises(Conflict):
        services.statement_issue(adoption=adoption, period=date(2026, 6, 1), now=at(2026, 6, 3))  # not over
    with pytest.raises(ValidationFailed):
        services.statement_issue(adoption=adoption, period=date(2026, 5, 2), now=at(2026, 6, 3))


def test_refunds_beyond_a_months_sales_are_recouped_not_taken_back():
    adoption = adopted()
    author = adoption.proposal.author
    big = sold("C1", at(2026, 3, 15), "COOKER-1", 10, "100.00")
    imported(big)
    services.statements_issue_due(now=at(2026, 4, 1, 1))
    assert cny(author) == 1000
    imported(refunded("C2", big, at(2026, 4, 3), 6), sold("C3", at(2026, 4, 4), "COOKER-1", 1, "100.00"))
    services.statements_issue_due(now=at(2026, 5, 1, 1))
    april = RoyaltyStatement.objects.get(period=date(2026, 4, 1))
    assert april.refunds_fen == 60000 and april.payable_fen == 0 and cny(author) == 1000
    # May's sales first make up the deficit: net to date 500 yuan, due 5 yuan, paid 10.
    imported(sold("C4", at(2026, 5, 4), "COOKER-1", 7, "100.00"))
    services.statements_issue_due(now=at(2026, 6, 1, 1))
    may = RoyaltyStatement.objects.get(period=date(2026, 5, 1))
    assert may.cumulative_net_fen == 120000 and may.due_to_date_fen == 1200 and may.payable_fen == 200
    assert cny(author) == 1200 and ledger_problems() == []


@override_settings(PAYOUT_ROYALTY_TAX_RATE=Decimal("0.20"))
def test_tax_is_withheld_from_each_payment():
    adoption = adopted()
    imported(sold("D1", at(2026, 3, 15), "COOKER-1", 3, "333.33"))
    statement = services.statement_issue(adoption=adoption, period=date(2026, 3, 1), now=at(2026, 4, 2))
    # 999.99 yuan × 1 % = 9.9999 → 10.00; tax 20 % = 2.00; the author gets 8.00.
    assert (statement.payable_fen, statement.withheld_fen, statement.credited_fen) == (1000, 200, 800)
    assert statement.tax_rate == Decimal("0.20")  # the rate in force, kept with the statement
    assert cny(adoption.proposal.author) == 800 and ledger_problems() == []


def test_the_agreement_and_the_offer_are_for_product_staff_and_accepted_by_the_author_only():
    member, boss = MemberFactory(), operator()
    with pytest.raises(Forbidden):
        services.agreement_publish(actor=member, body=AGREEMENT, body_zh=AGREEMENT, rate="0.01")
    for rate in ("0", "1", "-0.01", "0.00001", "abc", "NaN"):
        with pytest.raises(ValidationFailed):
            services.agreement_publish(actor=boss, body=AGREEMENT, body_zh=AGREEMENT, rate=rate)
    v1 = services.agreement_publish(actor=boss, body=AGREEMENT, body_zh=AGREEMENT, rate="0.01")
    proposal = ProposalFactory(status="adopted")
    with pytest.raises(Conflict):
        services.adoption_offer(
            actor=boss, proposal=ProposalFactory(status="in_review"), product_name="Pot", skus=["P1"]
        )
    with pytest.raises(ValidationFailed):
        services.adoption_offer(actor=boss, proposal=proposal, product_name="Pot", skus=[])
    with pytest.raises(ValidationFailed):
        services.adoption_offer(actor=boss, proposal=proposal, product_name="Pot", skus=["A\u0000B"])
    with pytest.raises(ValidationFailed):
        services.adoption_offer(actor=boss, proposal=proposal, product_name="Pot", skus=["X" * 65])
    offer = services.adoption_offer(actor=boss, proposal=proposal, product_name="Pot", skus="P1\n P2 \nP1")
    assert offer.skus == ["P1", "P2"] and offer.rate == Decimal("0.0100") and offer.agreement == v1
    with pytest.raises(NotFound):
        services.adoption_accept(actor=member, adoption=offer, version=1)
    services.agreement_publish(actor=boss, body=AGREEMENT + " v2", body_zh=AGREEMENT, rate="0.02")
    offer = services.adoption_offer(actor=boss, proposal=proposal, product_name="Pot", skus=["P1"])
    with pytest.raises(Conflict):  # they read version 1; the offer is now version 2
        services.adoption_accept(actor=proposal.author, adoption=offer, version=1)
    accepted = services.adoption_accept(actor=proposal.author, adoption=offer, version=2)
    assert accepted.accepted_at and accepted.rate == Decimal("0.0200")
    with pytest.raises(Conflict):
        services.adoption_offer(actor=boss, proposal=proposal, product_name="Pot", skus=["P9"])


# ---- Against a reference written from the published rule --------------------------------


def half_up(value: Fraction) -> int:
    """Round to the nearest whole fen, a half away from zero (the published rule, 3)."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole = int(magnitude)
    return sign * (whole + (1 if magnitude - whole >= Fraction(1, 2) else 0))


def reference(monthly_nets: list[int], rate: Fraction) -> list[int]:
    """What each month pays: the most ever due to date, less what was paid before."""
    paid, best, out, cumulative = 0, 0, [], 0
    for net in monthly_nets:
        cumulative += net
        best = max(best, half_up(rate * cumulative))
        out.append(best - paid)
        paid = best
    return out


@settings(suppress_health_check=[HealthCheck.too_slow])  # a busy CI machine is not a failure
@given(
    st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 10**9)), min_size=1, max_size=24),
    st.integers(1, 9999),
)
def test_the_rule_pays_what_the_reference_says(monthly, basis_points):
    rate = Decimal(basis_points) / 10000
    found = royalties.months(monthly, rate=rate)
    assert [m.payable_fen for m in found] == reference(
        [s - r for s, r in monthly], Fraction(basis_points, 10000)
    )
    assert all(m.payable_fen >= 0 for m in found)


MONTHS = [date(2026, m, 1) for m in range(3, 9)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(MONTHS) - 1),  # month of the sale
            st.integers(1, 5),  # units
            st.integers(1, 500_000),  # unit price in fen
            st.integers(0, 5),  # units refunded (0: none), capped at the units sold
            st.integers(0, 2),  # months after the sale the refund comes
        ),
        min_size=1,
        max_size=12,
    )
)
def test_statements_on_random_sales_and_refunds_equal_the_reference(sales):
    sku = f"SKU-{RoyaltyStatement.objects.count()}-{len(sales)}-{id(sales)}"
    adoption = adopted(sku, accepted=at(2026, 3, 1, 0))
    nets = [0] * (len(MONTHS) + 2)
    items = []
    for n, (month, units, price, back, later) in enumerate(sales):
        when = datetime.combine(MONTHS[month], datetime.min.time(), tzinfo=ZONE) + timedelta(days=3, hours=n)
        sale = sold(f"{sku}-S{n}", when, sku, units, f"{price / 100:.2f}")
        items.append(sale)
        nets[month] += units * price
        back = min(back, units)
        if back:
            refund_month = month + later
            refund_at = when + timedelta(days=31 * later)
            items.append(refunded(f"{sku}-R{n}", sale, refund_at, back))
            nets[refund_month] -= back * price
    imported(*items)
    services.statements_issue_due(now=at(2026, 11, 2))
    statements = list(RoyaltyStatement.objects.filter(adoption=adoption).order_by("period"))
    expected = reference(nets[: len(statements)], Fraction(1, 100))
    assert [s.payable_fen for s in statements] == expected
    assert sum(s.payable_fen for s in statements) == cny(adoption.proposal.author)
    # Every imported line counted exactly once, and the lines read back from the orders
    # (the page's and the file's) are the ones the statements summed.
    listed = [line for s in statements for line in statement_lines(s)]
    assert len(listed) == len({line.pk for line in listed}) == len(items)
    for s in statements:
        lines = list(statement_lines(s))
        assert s.line_count == len(lines)
        assert s.sales_fen == sum(line.amount_fen for line in lines if not line.is_refund)
        assert s.refunds_fen == -sum(line.amount_fen for line in lines if line.is_refund)


def test_the_author_reads_downloads_and_recounts_their_statements(client, tmp_path):
    from django.core.management import call_command

    from fanrepublic.core.tests.csvcheck import assert_csv_safe

    adoption = adopted()
    author, proposal = adoption.proposal.author, adoption.proposal
    big = sold("E1", at(2026, 3, 15), "COOKER-1", 3, "199.00")
    imported(big, refunded("E2", big, at(2026, 4, 2), 1), sold("E3", at(2026, 4, 9), "COOKER-1", 1, "219.00"))
    services.statements_issue_due(now=at(2026, 5, 2))
    for who, status in ((MemberFactory(), 404), (operator(), 200), (author, 200)):
        client.force_login(who)
        assert client.get(f"/ideas/{proposal.pk}/royalties/").status_code == status
        assert client.get(f"/ideas/{proposal.pk}/royalties.csv").status_code == status
    page = client.get(f"/ideas/{proposal.pk}/royalties/").content.decode()
    assert "¥5.97" in page and 'data-testid="statement"' in page
    rows = assert_csv_safe(client.get(f"/ideas/{proposal.pk}/royalties.csv"))
    path = tmp_path / "royalties.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        import csv

        csv.writer(handle).writerows(rows)
    call_command("recount_royalties", str(path), "--tax-rate", "0")
    # A figure changed in the file is caught.
    tampered = [row[:] for row in rows]
    paid_column = rows[0].index("paid_fen")
    for row in tampered:
        if row[0] == "statement":
            row[paid_column] = str(int(row[paid_column]) + 1)
            break
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(tampered)
    with pytest.raises(SystemExit):
        call_command("recount_royalties", str(path))
    # A line listed twice too.
    doubled = rows[:2] + rows[1:]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(doubled)
    with pytest.raises(SystemExit):
        call_command("recount_royalties", str(path))


def test_a_refund_counts_by_the_sale_it_gives_back_and_must_name_its_sku():
    adoption = adopted()
    cooker = sold("F1", at(2026, 3, 15), "COOKER-1", 10, "100.00")
    other = sold("F2", at(2026, 3, 15), "OTHER-9", 1, "1000.00")
    imported(cooker, other)
    # A refund line under another SKU than the sale line it gives back is refused at the door.
    [result] = orders_import(
        integration=shop(),
        items=[
            {
                **refunded("F3", other, at(2026, 3, 20), 1),
                "lines": [{"sku": "COOKER-1", "quantity": 1, "unit_price": "1000.00", "refunds_line": 1}],
            }
        ],
    )
    assert result.status == "rejected"
    imported(refunded("F4", other, at(2026, 3, 20), 1), refunded("F5", cooker, at(2026, 3, 21), 2))
    statement = services.statement_issue(adoption=adoption, period=date(2026, 3, 1), now=at(2026, 4, 2))
    assert (statement.sales_fen, statement.refunds_fen) == (100000, 20000)


def test_a_sku_pays_one_author_and_nobody_offers_or_accepts_for_themselves():
    boss = operator()
    services.agreement_publish(actor=boss, body=AGREEMENT, body_zh=AGREEMENT, rate="0.01")
    first, second = ProposalFactory(status="adopted"), ProposalFactory(status="adopted")
    services.adoption_offer(actor=boss, proposal=first, product_name="Pot", skus=["POT-1"])
    with pytest.raises(ValidationFailed):
        services.adoption_offer(actor=boss, proposal=second, product_name="Pot 2", skus=["POT-2", "POT-1"])
    own = ProposalFactory(status="adopted", author=boss)
    with pytest.raises(Forbidden):
        services.adoption_offer(actor=boss, proposal=own, product_name="Mine", skus=["MINE-1"])


def test_the_author_accepts_only_the_terms_they_were_shown():
    boss = operator()
    services.agreement_publish(actor=boss, body=AGREEMENT, body_zh=AGREEMENT, rate="0.01")
    proposal = ProposalFactory(status="adopted")
    shown = services.adoption_offer(actor=boss, proposal=proposal, product_name="Pot", skus=["POT-1"])
    digest = shown.terms_digest
    services.adoption_offer(actor=boss, proposal=proposal, product_name="Pot", skus=["POT-1"], rate="0.0001")
    with pytest.raises(Conflict):
        services.adoption_accept(actor=proposal.author, adoption=shown, version=1, terms=digest)
    assert Adoption.objects.get().accepted_at is None


def test_two_sources_may_use_the_same_order_number_and_the_recount_agrees(tmp_path, client):
    import csv

    from django.core.management import call_command

    from fanrepublic.activity.models import Integration
    from fanrepublic.core.tests.csvcheck import assert_csv_safe
    from fanrepublic.stores.models import SalesSource

    adoption = adopted()
    second = Integration.objects.create(
        slug="second-shop", name="Second shop", channel="web", verbs=shop().verbs
    )
    SalesSource.objects.create(integration=second, sells_online=True, names_members=True)
    imported(sold("1001", at(2026, 3, 15), "COOKER-1", 1, "100.00"))
    orders_import(integration=second, items=[sold("1001", at(2026, 3, 16), "COOKER-1", 1, "100.00")])
    services.statements_issue_due(now=at(2026, 4, 2))
    client.force_login(adoption.proposal.author)
    rows = assert_csv_safe(client.get(f"/ideas/{adoption.proposal_id}/royalties.csv"))
    path = tmp_path / "royalties.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    call_command("recount_royalties", str(path))


def test_the_offer_and_acceptance_through_the_pages(client):
    boss = operator()
    services.agreement_publish(
        actor=boss, body=AGREEMENT, body_zh="作者授权品牌生产该产品；品牌按月支付分成。", rate="0.01"
    )
    proposal = ProposalFactory(status="adopted")
    client.force_login(proposal.author)
    assert (
        client.post(f"/ideas/{proposal.pk}/offer/", {"product_name": "Pot", "skus": "P1"}).status_code == 404
    )
    client.force_login(boss)
    bad = client.post(f"/ideas/{proposal.pk}/offer/", {"product_name": "Pot", "skus": "", "rate": "2"})
    assert bad.status_code == 422 and not Adoption.objects.exists()
    assert (
        client.post(f"/ideas/{proposal.pk}/offer/", {"product_name": "Pot", "skus": "P1\nP2"}).status_code
        == 302
    )
    client.force_login(proposal.author)
    page = client.get(f"/ideas/{proposal.pk}/").content.decode()
    assert 'data-testid="accept"' in page and "pays royalties monthly" in page
    terms = Adoption.objects.get().terms_digest
    assert f'value="{terms}"' in page
    refused = client.post(f"/ideas/{proposal.pk}/accept/", {"version": "1", "terms": terms})  # not ticked
    assert refused.status_code == 422 and Adoption.objects.get().accepted_at is None
    accept = {"version": "1", "terms": terms, "agree": "on"}
    assert client.post(f"/ideas/{proposal.pk}/accept/", accept).status_code == 302
    assert Adoption.objects.get().accepted_at is not None
    client.force_login(MemberFactory())
    assert client.post(f"/ideas/{proposal.pk}/accept/", accept).status_code == 404
