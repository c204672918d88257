from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone

from fanrepublic.activity.models import Event
from fanrepublic.core.i18n import is_chinese

from . import history
from .enums import AccountKind, Currency
from .models import Account, EarningRule, PointLot, Posting, Transaction

EXPIRING_SOON_DAYS = 60


@dataclass
class WalletSummary:
    balance: int
    expiring_soon: int
    expiring_soon_date: object
    earned_total: int
    spent_total: int
    pending: int = 0  # spent on orders still open: back in the wallet if they are cancelled


def account_balance(account: Account) -> int:
    """A wallet's cached balance, or the sum of a programme account's postings."""
    if account.tracks_balance:
        return Account.objects.filter(pk=account.pk).values_list("balance_minor", flat=True).get()
    return Posting.objects.filter(account=account).aggregate(n=Sum("amount_minor"))["n"] or 0


def wallet_account(*, member, currency: str = Currency.POINTS) -> Account | None:
    return Account.objects.filter(owner=member, kind=AccountKind.WALLET, currency=currency).first()


def wallet_summary(*, member) -> WalletSummary:
    account = wallet_account(member=member)
    if account is None:
        return WalletSummary(0, 0, None, 0, 0)
    soon = timezone.now() + timedelta(days=EXPIRING_SOON_DAYS)
    expiring = PointLot.objects.filter(account=account, remaining__gt=0, expires_at__lte=soon).aggregate(
        n=Sum("remaining"), first=Min("expires_at")
    )
    flows = account.postings.aggregate(
        earned=Sum("amount_minor", filter=Q(amount_minor__gt=0)),
        spent=Sum("amount_minor", filter=Q(amount_minor__lt=0)),
    )
    return WalletSummary(
        balance=account.balance_minor,
        expiring_soon=expiring["n"] or 0,
        expiring_soon_date=expiring["first"],
        earned_total=flows["earned"] or 0,
        spent_total=-(flows["spent"] or 0),
        pending=history.pending_points(member),
    )


def wallet_history(*, member) -> QuerySet[Posting]:
    """The member's own postings, newest first, with their transactions."""
    return (
        Posting.objects.filter(account__owner=member, account__kind=AccountKind.WALLET)
        .select_related("transaction", "account")
        .order_by("-id")
    )


def ledger_problems() -> list[str]:
    """Every broken invariant, as a sentence; empty when the ledger is sound."""
    problems = []
    unbalanced = (
        Posting.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .order_by()
    )
    problems += [
        f"transaction {r['transaction_id']} does not balance in {r['currency']}: {r['total']:+d}"
        for r in unbalanced
    ]
    thin = Transaction.objects.annotate(n=Count("postings")).filter(n__lt=2)
    problems += [f"transaction {t.pk} has {t.n} posting(s)" for t in thin]
    sums = dict(
        Posting.objects.values("account_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("account_id", "total")
        .order_by()
    )
    for account in Account.objects.all().iterator():
        total = sums.get(account.pk, 0)
        if account.tracks_balance and account.balance_minor != total:
            problems.append(
                f"account {account.code}: cached balance {account.balance_minor} != postings {total}"
            )
        if not account.tracks_balance and account.balance_minor != 0:
            problems.append(f"programme account {account.code} has a cached balance; it must stay 0")
        if not account.allow_negative and total < 0:
            problems.append(f"account {account.code} is negative: {total}")
    lots = dict(
        PointLot.objects.values("account_id")
        .annotate(total=Sum("remaining"))
        .values_list("account_id", "total")
        .order_by()
    )
    for account in Account.objects.filter(kind=AccountKind.WALLET, currency=Currency.POINTS).iterator():
        if lots.get(account.pk, 0) != account.balance_minor:
            held = lots.get(account.pk, 0)
            problems.append(f"wallet {account.code}: lots hold {held}, balance is {account.balance_minor}")
    mismatched = Posting.objects.exclude(currency=F("account__currency")).values_list("pk", flat=True)[:20]
    problems += [f"posting {pk} is in another currency than its account" for pk in mismatched]
    return problems


def history_details(postings) -> dict[int, tuple[str, str]]:
    """For the wallet page, per transaction: (link to what it was for, label in the
    reader's language). Earning rules carry both languages; the apps that own the other
    objects (orders, bug reports, topics) describe them (points/history.py)."""
    txs = [p.transaction for p in postings]
    events = {
        e.pk: e
        for e in Event.objects.filter(pk__in={t.source_event_id for t in txs if t.source_event_id}).only(
            "pk", "object_type", "object_id"
        )
    }
    rule_ids = {
        int(t.object_id) for t in txs if t.object_type == "points.earningrule" and t.object_id.isdigit()
    }
    rules = {r.pk: r for r in EarningRule.objects.filter(pk__in=rule_ids)}
    targets = {(t.object_type, t.object_id) for t in txs}
    targets |= {(e.object_type, e.object_id) for e in events.values() if e.object_type}
    described = history.describe(targets)
    details = {}
    for tx in txs:
        label, url = tx.memo, ""
        if tx.object_type == "points.earningrule" and tx.object_id.isdigit() and int(tx.object_id) in rules:
            rule = rules[int(tx.object_id)]
            label = rule.name_zh if is_chinese() and rule.name_zh else rule.name
        own_url, own_label = described.get((tx.object_type, tx.object_id), ("", ""))
        label, url = own_label or label, own_url or url
        event = events.get(tx.source_event_id)
        if event is not None and event.object_type:
            url = described.get((event.object_type, event.object_id), (url, ""))[0] or url
        details[tx.pk] = (url, label)
    return details


def transaction_ids(*, keys: list[str]) -> dict[str, int]:
    """The stored transactions' ids by idempotency key."""
    found = {}
    for start in range(0, len(keys), 5000):
        found.update(
            Transaction.objects.filter(idempotency_key__in=keys[start : start + 5000]).values_list(
                "idempotency_key", "pk"
            )
        )
    return found
