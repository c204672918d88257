"""The double-entry ledger. Every change of a balance goes through `ledger_post`:

- the postings of a transaction sum to zero in every currency;
- wallets are changed by conditional UPDATEs in primary-key order (the row lock and the
  balance check in one statement; SQLite takes the write lock at BEGIN IMMEDIATE), in
  the same database transaction as the postings, so no balance that may not go negative
  ever does — and a database check constraint refuses it even if this code were wrong;
- an idempotency key stores a transaction once; posting the same key again returns the
  first result, also when two posts of one key race;
- points in member wallets are kept in lots (oldest spent first) so expiry is exact.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fanrepublic.activity.services import record_event
from fanrepublic.core.bulk import bulk_insert
from fanrepublic.core.errors import Forbidden, ValidationFailed
from fanrepublic.core.services import audit_record

from .enums import NEGATIVE_ALLOWED, AccountKind, Currency
from .errors import InsufficientBalance, UnbalancedTransaction
from .models import Account, PointLot, Posting, Transaction
from .permissions import can_manage_points

MAX_AMOUNT = 10**15
MEMO_MAX = 500


@dataclass(frozen=True)
class AccountRef:
    """An account named by its code. The common postings name their accounts this way,
    so the statement that posts them finds the rows itself instead of the service
    reading each account first; `resolve` creates the row the first time it is needed."""

    code: str
    kind: str
    currency: str
    owner_id: int | None = None

    @property
    def allow_negative(self) -> bool:
        return self.kind in NEGATIVE_ALLOWED

    @property
    def tracks_balance(self) -> bool:
        return self.kind == AccountKind.WALLET

    def resolve(self) -> Account:
        account, _created = Account.objects.get_or_create(
            code=self.code,
            defaults={
                "kind": self.kind,
                "currency": self.currency,
                "owner_id": self.owner_id,
                "allow_negative": self.allow_negative,
            },
        )
        return account


def system_ref(kind: str, currency: str = Currency.POINTS) -> AccountRef:
    return AccountRef(code=f"system:{kind}:{currency}", kind=kind, currency=currency)


def wallet_ref(member, currency: str = Currency.POINTS) -> AccountRef:
    return AccountRef(
        code=f"member:{member.pk}:wallet:{currency}",
        kind=AccountKind.WALLET,
        currency=currency,
        owner_id=member.pk,
    )


def system_account(kind: str, currency: str = Currency.POINTS) -> Account:
    return system_ref(kind, currency).resolve()


def wallet_for(member, currency: str = Currency.POINTS) -> Account:
    return wallet_ref(member, currency).resolve()


def _as_account(account: Account | AccountRef) -> Account:
    return account.resolve() if isinstance(account, AccountRef) else account


def _is_point_wallet(account: Account) -> bool:
    return account.kind == AccountKind.WALLET and account.currency == Currency.POINTS


def _expiry_horizon():
    months = getattr(settings, "POINTS_EXPIRE_AFTER_MONTHS", 24)
    return timedelta(days=round(months * 365.25 / 12)) if months else None


LOT_BATCH = 20


def _consume_lots(account: Account, amount: int, from_lot: int | None) -> None:
    """Take `amount` points out of a wallet's lots, the given lot or the oldest first.
    Lots are read a few at a time: a wallet may hold thousands, a debit touches few."""
    lots = PointLot.objects.filter(account=account, remaining__gt=0).only("pk", "remaining")
    if from_lot is not None:
        lots = lots.filter(pk=from_lot)
    lots = lots.order_by("earned_at", "id")
    while amount > 0:
        batch = list(lots[:LOT_BATCH])
        if not batch:
            # The balance check passed, so the lots disagree with the balance: refuse
            # rather than post something reconcile_ledger would flag.
            raise InsufficientBalance()
        for lot in batch:
            take = min(lot.remaining, amount)
            PointLot.objects.filter(pk=lot.pk).update(remaining=F("remaining") - take)
            amount -= take
            if amount == 0:
                break


# The common transaction (award, spend, redemption, refund, adjustment) changes one
# wallet against programme accounts. On PostgreSQL it is one statement: the transaction
# row (ON CONFLICT on the idempotency key: a repeat or a lost race inserts nothing), the
# wallet's conditional UPDATE (row lock and balance check, only if the row was inserted),
# the postings and, for a credit, the new lot — each part runs only if the one before it
# did. A debit's lots are read by a second statement: its snapshot is taken after the
# wallet lock is held, so no concurrent spender can have moved them underneath.
_ONE_WALLET_SQL = """
WITH tx AS (
    INSERT INTO points_transaction
        (idempotency_key, kind, memo, actor_id, reverses_id, source_event_id,
         object_type, object_id, created_at)
    VALUES (%(idempotency_key)s, %(kind)s, %(memo)s, %(actor_id)s, %(reverses_id)s,
            %(source_event_id)s, %(object_type)s, %(object_id)s, %(created_at)s)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
), wallet AS (
    UPDATE points_account SET balance_minor = balance_minor + %(delta)s
    WHERE code = %(wallet)s AND EXISTS (SELECT 1 FROM tx)
      AND (%(may_go_negative)s OR balance_minor + %(delta)s >= 0)
    RETURNING id
), postings AS (
    INSERT INTO points_posting (transaction_id, account_id, currency, amount_minor, created_at)
    SELECT tx.id, a.id, a.currency, p.amount, %(created_at)s::timestamptz
    FROM tx, wallet,
         unnest(%(codes)s::varchar[], %(amounts)s::bigint[]) AS p(code, amount)
         JOIN points_account AS a ON a.code = p.code
    RETURNING 1
), lot AS (
    INSERT INTO points_pointlot (account_id, earned_by_id, amount, remaining, earned_at, expires_at)
    SELECT wallet.id, tx.id, %(delta)s, %(delta)s, %(created_at)s, %(expires)s::timestamptz
    FROM tx, wallet WHERE %(new_lot)s
)
SELECT (SELECT id FROM tx), (SELECT id FROM wallet), (SELECT count(*) FROM postings),
       (SELECT count(*) FROM points_account WHERE code = ANY(%(codes)s::varchar[]))
"""

# Oldest lots first, a few at a time (see LOT_BATCH); returns how much it took.
_SPEND_LOTS_SQL = """
WITH candidate AS (
    SELECT id, remaining,
           sum(remaining) OVER (ORDER BY earned_at, id ROWS UNBOUNDED PRECEDING) - remaining AS before
    FROM (SELECT id, remaining, earned_at FROM points_pointlot
          WHERE account_id = %(wallet)s AND remaining > 0
          ORDER BY earned_at, id LIMIT %(batch)s) AS oldest
), taken AS (
    UPDATE points_pointlot AS l SET remaining = l.remaining - LEAST(c.remaining, %(need)s - c.before)
    FROM candidate AS c
    WHERE l.id = c.id AND c.before < %(need)s
    RETURNING LEAST(c.remaining, %(need)s - c.before) AS amount
)
SELECT COALESCE(sum(amount), 0) FROM taken
"""


class _AccountsMissing(Exception):
    """An account named by code has no row yet (a member's first award)."""


def _replayed(tx: Transaction) -> Transaction:
    """Mark a transaction found under its key (a retry, or a concurrent twin): callers
    tell their client it was already done, so only one hears "created"."""
    tx.replayed = True
    return tx


def _post_one_wallet_pg(*, fields: dict, entries, lot_expires_at) -> Transaction:
    wallet = next(account for account, _amount in entries if account.tracks_balance)
    delta = sum(amount for account, amount in entries if account.code == wallet.code)
    now = timezone.now()
    fields = {**fields, "created_at": now}
    point_wallet = _is_point_wallet(wallet)
    expires = None
    if point_wallet and delta > 0:
        horizon = _expiry_horizon()
        expires = (now + horizon if horizon else None) if lot_expires_at == "default" else lot_expires_at
    params = {
        **fields,
        "delta": delta,
        "wallet": wallet.code,
        "may_go_negative": wallet.allow_negative,
        "codes": [account.code for account, _amount in entries],
        "amounts": [amount for _account, amount in entries],
        "expires": expires,
        "new_lot": point_wallet and delta > 0,
    }
    distinct_codes = len(set(params["codes"]))
    for attempt in (1, 2):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_ONE_WALLET_SQL, params)
                tx_id, wallet_id, posted, found = cursor.fetchone()
                if tx_id is None:  # stored before, or by a concurrent post of the same key
                    return _replayed(Transaction.objects.get(idempotency_key=fields["idempotency_key"]))
                if found < distinct_codes:
                    raise _AccountsMissing()  # rolls back the transaction row
                if wallet_id is None:
                    raise InsufficientBalance()
                if posted != len(entries):
                    raise UnbalancedTransaction()
                if point_wallet and delta < 0:
                    cursor.execute(_SPEND_LOTS_SQL, {"wallet": wallet_id, "need": -delta, "batch": LOT_BATCH})
                    taken = cursor.fetchone()[0]
                    if taken < -delta:
                        _consume_lots(Account(pk=wallet_id), -delta - taken, None)
            break
        except _AccountsMissing:
            if attempt == 2:
                raise
            for account, _amount in entries:
                _as_account(account)
    tx = Transaction(pk=tx_id, **fields)
    tx._state.adding = False
    tx._state.db = connection.alias
    return tx


def _checked(*, key, kind, memo, entries, actor=None, reverses=None, source_event_id=None, obj=None):
    """A transaction's stored fields once its key, memo and entries pass the ledger's
    rules, and the codes of the wallets it touches."""
    if not key or len(key) > 200:
        raise ValidationFailed(_("A transaction needs an idempotency key of at most 200 characters."))
    if not memo or len(memo) > MEMO_MAX:
        raise ValidationFailed(
            _("Give a reason of at most %(n)d characters.") % {"n": MEMO_MAX}, field="reason"
        )
    by_currency: dict[str, int] = defaultdict(int)
    tracked_codes = set()
    for account, amount in entries:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0 or abs(amount) > MAX_AMOUNT:
            raise ValidationFailed(
                _("Amounts must be whole, non-zero numbers of minor units."), field="amount"
            )
        by_currency[account.currency] += amount
        if account.tracks_balance:
            tracked_codes.add(account.code)
    if len(entries) < 2 or any(by_currency.values()):
        raise UnbalancedTransaction()
    fields = {
        "idempotency_key": key,
        "kind": kind,
        "memo": memo,
        "actor_id": actor.pk if actor is not None else None,
        "reverses_id": reverses.pk if reverses is not None else None,
        "source_event_id": source_event_id,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
    }
    return fields, tracked_codes


def ledger_post(
    *,
    key: str,
    kind: str,
    memo: str,
    entries: list[tuple[Account | AccountRef, int]],
    actor=None,
    reverses: Transaction | None = None,
    source_event_id: int | None = None,
    obj=None,
    lot_expires_at="default",
    from_lot: int | None = None,
) -> Transaction:
    """Post one balanced transaction (or return the one stored under `key`)."""
    fields, tracked_codes = _checked(
        key=key,
        kind=kind,
        memo=memo,
        entries=entries,
        actor=actor,
        reverses=reverses,
        source_event_id=source_event_id,
        obj=obj,
    )
    if connection.vendor == "postgresql" and len(tracked_codes) == 1 and from_lot is None:
        return _post_one_wallet_pg(fields=fields, entries=entries, lot_expires_at=lot_expires_at)
    entries = [(_as_account(account), amount) for account, amount in entries]
    totals: dict[int, int] = defaultdict(int)
    accounts_by_id = {}
    for account, amount in entries:
        totals[account.pk] += amount
        accounts_by_id[account.pk] = account
    tracked_ids = sorted(pk for pk, account in accounts_by_id.items() if account.tracks_balance)
    existing = Transaction.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replayed(existing)
    try:
        with transaction.atomic():
            # Only tracked accounts (wallets) are locked, checked and changed; see Account.
            # One conditional UPDATE per account, in primary-key order: it takes the row
            # lock, and its WHERE refuses a balance that would go negative, so the check
            # and the change cannot be separated by another writer.
            for account_id in tracked_ids:
                delta = totals[account_id]
                rows = Account.objects.filter(pk=account_id)
                if delta < 0 and not accounts_by_id[account_id].allow_negative:
                    rows = rows.filter(balance_minor__gte=-delta)
                if not rows.update(balance_minor=F("balance_minor") + delta):
                    raise InsufficientBalance()
            tx = Transaction.objects.create(**fields)
            Posting.objects.bulk_create(
                [
                    Posting(transaction=tx, account_id=a.pk, currency=a.currency, amount_minor=amount)
                    for a, amount in entries
                ]
            )
            now = timezone.now()
            for account_id in tracked_ids:
                delta = totals[account_id]
                account = accounts_by_id[account_id]
                if not _is_point_wallet(account) or delta == 0:
                    continue
                if delta > 0:
                    horizon = _expiry_horizon()
                    expires = (
                        (now + horizon if horizon else None)
                        if lot_expires_at == "default"
                        else lot_expires_at
                    )
                    PointLot.objects.create(
                        account=account,
                        earned_by=tx,
                        amount=delta,
                        remaining=delta,
                        earned_at=now,
                        expires_at=expires,
                    )
                else:
                    _consume_lots(account, -delta, from_lot)
    except IntegrityError:
        existing = Transaction.objects.filter(idempotency_key=key).first()
        if existing is not None:  # the same key won a race
            return _replayed(existing)
        raise
    return tx


@dataclass(frozen=True)
class LedgerPost:
    """One transaction of a batch for `ledger_post_many`."""

    key: str
    kind: str
    memo: str
    entries: list
    obj: object = None


CHUNK = 5000  # ids or keys per IN list: SQLite takes at most 32,766 parameters a statement


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert_transactions(fresh: list[tuple[dict, list]], accounts: dict[str, Account]) -> dict[str, int]:
    """Insert checked transactions and their postings in bulk; their ids by key."""
    now = timezone.now()
    ids = dict(
        bulk_insert(
            Transaction,
            [{**fields, "created_at": now} for fields, _entries in fresh],
            returning=("idempotency_key", "id"),
        )
    )
    bulk_insert(
        Posting,
        [
            {
                "transaction_id": ids[fields["idempotency_key"]],
                "account_id": accounts[account.code].pk,
                "currency": account.currency,
                "amount_minor": amount,
                "created_at": now,
            }
            for fields, entries in fresh
            for account, amount in entries
        ],
    )
    return ids


def ledger_post_many(posts: list[LedgerPost]) -> int:
    """Post many balanced transactions between accounts that keep no balance (provider,
    escrow, revenue: a campaign's refunds, a sale's captures) in a few statements: the
    accounts resolved once, the keys stored before looked up once, the new transactions
    and their postings inserted in bulk. Keys stored before are skipped, so a batch run
    again posts nothing twice. Wallets keep balances and lots and go through
    `ledger_post`. Returns how many transactions were new; call it inside a transaction
    when the batch must stand or fall with other writes."""
    checked = []
    for post in posts:
        fields, tracked_codes = _checked(
            key=post.key, kind=post.kind, memo=post.memo, entries=post.entries, obj=post.obj
        )
        if tracked_codes:
            raise ValueError(f"{post.key}: a wallet's postings go through ledger_post, not ledger_post_many")
        checked.append((fields, post.entries))
    keys = [fields["idempotency_key"] for fields, _entries in checked]
    if len(set(keys)) != len(keys):
        raise ValueError("a batch names the same idempotency key twice")
    if not checked:
        return 0
    accounts: dict[str, Account] = {}
    for _fields, entries in checked:
        for account, _amount in entries:
            if account.code not in accounts:
                accounts[account.code] = _as_account(account)
            stored = accounts[account.code]
            # Decided by the stored account, as ledger_post does, not by what the caller named.
            if stored.tracks_balance or stored.currency != account.currency:
                raise ValueError(f"{account.code}: a wallet, or not in {account.currency}")
    stored = set(
        Transaction.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", flat=True)
    )
    fresh = [(fields, entries) for fields, entries in checked if fields["idempotency_key"] not in stored]
    if not fresh:
        return 0
    try:
        with transaction.atomic():
            _insert_transactions(fresh, accounts)
    except IntegrityError:
        # A key of the batch was stored meanwhile by another writer: post one by one,
        # each key's own check deciding.
        objects = {post.key: post.obj for post in posts}
        new = 0
        for fields, entries in fresh:
            key = fields["idempotency_key"]
            tx = ledger_post(
                key=key, kind=fields["kind"], memo=fields["memo"], entries=entries, obj=objects[key]
            )
            new += not getattr(tx, "replayed", False)
        return new
    return len(fresh)


def _accounts_by_code(refs: dict[str, AccountRef | Account]) -> dict[str, Account]:
    """The rows of many accounts named by code, the missing ones created in bulk."""
    codes = list(refs)
    found = {}
    for chunk in _chunks(codes):
        found.update((a.code, a) for a in Account.objects.filter(code__in=chunk))
    missing = [refs[code] for code in codes if code not in found]
    if missing:
        Account.objects.bulk_create(
            [
                Account(
                    code=ref.code,
                    kind=ref.kind,
                    currency=ref.currency,
                    owner_id=ref.owner_id,
                    allow_negative=ref.allow_negative,
                )
                for ref in missing
            ],
            ignore_conflicts=True,  # a concurrent first post may create one meanwhile
        )
        for chunk in _chunks([ref.code for ref in missing]):
            found.update((a.code, a) for a in Account.objects.filter(code__in=chunk))
    return found


def ledger_credit_many(posts: list[LedgerPost]) -> dict[str, int]:
    """Post many balanced transactions that each credit one member wallet (a month's
    royalties to thousands of authors) in a few set-based statements instead of one
    round trip each: accounts resolved in bulk, the wallets locked in primary-key order
    (as `ledger_post` locks them, so the two never deadlock), their balances raised by
    one UPDATE, transactions, postings and point lots inserted in bulk. Only credits:
    nothing here can take a balance below zero. Keys stored before are not posted again.
    Returns every post's transaction id by key. Call it inside a transaction."""
    checked = []
    for post in posts:
        fields, tracked_codes = _checked(
            key=post.key, kind=post.kind, memo=post.memo, entries=post.entries, obj=post.obj
        )
        wallet_amount = sum(amount for account, amount in post.entries if account.tracks_balance)
        if len(tracked_codes) != 1 or wallet_amount <= 0:
            raise ValueError(f"{post.key}: ledger_credit_many posts credits to exactly one wallet")
        checked.append((fields, post.entries, next(iter(tracked_codes)), wallet_amount))
    keys = [fields["idempotency_key"] for fields, *_rest in checked]
    if len(set(keys)) != len(keys):
        raise ValueError("a batch names the same idempotency key twice")
    result: dict[str, int] = {}
    for chunk in _chunks(keys):
        result.update(
            Transaction.objects.filter(idempotency_key__in=chunk).values_list("idempotency_key", "pk")
        )
    fresh = [item for item in checked if item[0]["idempotency_key"] not in result]
    if not fresh:
        return result
    accounts = _accounts_by_code(
        {account.code: account for _f, entries, *_r in fresh for account, _a in entries}
    )
    for _fields, entries, _wallet, _amount in fresh:
        for account, _amount in entries:
            stored = accounts[account.code]
            if stored.tracks_balance != account.tracks_balance or stored.currency != account.currency:
                raise ValueError(f"{account.code}: not the kind or currency the post names")
    deltas: dict[int, int] = defaultdict(int)
    for _fields, _entries, wallet, amount in fresh:
        deltas[accounts[wallet].pk] += amount
    now = timezone.now()
    horizon = _expiry_horizon()
    try:
        with transaction.atomic():
            wallet_ids = sorted(deltas)
            for chunk in _chunks(wallet_ids):
                list(
                    Account.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk")
                )
            table = Account._meta.db_table
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"UPDATE {table} AS a SET balance_minor = a.balance_minor + d.delta "  # noqa: S608 (a model's table name)
                        "FROM unnest(%s::bigint[], %s::bigint[]) AS d(id, delta) WHERE a.id = d.id",
                        [wallet_ids, [deltas[pk] for pk in wallet_ids]],
                    )
                else:
                    cursor.executemany(
                        f"UPDATE {table} SET balance_minor = balance_minor + %s WHERE id = %s",  # noqa: S608 (a model's table name)
                        [(deltas[pk], pk) for pk in wallet_ids],
                    )
            ids = _insert_transactions([(fields, entries) for fields, entries, *_rest in fresh], accounts)
            bulk_insert(
                PointLot,
                [
                    {
                        "account_id": accounts[wallet].pk,
                        "earned_by_id": ids[fields["idempotency_key"]],
                        "amount": amount,
                        "remaining": amount,
                        "earned_at": now,
                        "expires_at": now + horizon if horizon else None,
                    }
                    for fields, _entries, wallet, amount in fresh
                    if _is_point_wallet(accounts[wallet])
                ],
            )
    except IntegrityError:
        # A key of the batch was stored meanwhile by another writer: post one by one,
        # each key's own check deciding.
        objects = {post.key: post.obj for post in posts}
        for fields, entries, _wallet, _amount in fresh:
            key = fields["idempotency_key"]
            result[key] = ledger_post(
                key=key, kind=fields["kind"], memo=fields["memo"], entries=entries, obj=objects[key]
            ).pk
        return result
    result.update(ids)
    return result


def points_award(
    *,
    member,
    points: int,
    key: str,
    memo: str,
    kind: str = "award",
    source_event_id=None,
    actor=None,
    obj=None,
) -> Transaction:
    """Points from the programme into a member's wallet."""
    if points <= 0:
        raise ValidationFailed(_("Award a positive number of points."), field="points")
    tx = ledger_post(
        key=key,
        kind=kind,
        memo=memo,
        actor=actor,
        source_event_id=source_event_id,
        obj=obj,
        entries=[(system_ref(AccountKind.ISSUANCE), -points), (wallet_ref(member), points)],
    )
    return tx


def points_spend(
    *, member, points: int, key: str, memo: str, kind: str = "redemption", obj=None
) -> Transaction:
    """Points out of a member's wallet into the rewards store."""
    if points <= 0:
        raise ValidationFailed(_("Spend a positive number of points."), field="points")
    return ledger_post(
        key=key,
        kind=kind,
        memo=memo,
        obj=obj,
        entries=[(wallet_ref(member), -points), (system_ref(AccountKind.STORE), points)],
    )


def transaction_reverse(*, tx: Transaction, key: str, memo: str, actor=None) -> Transaction:
    """Undo a transaction with its mirror image; it stays in the history, named."""
    if tx.reverses_id is not None:
        raise ValidationFailed(_("A reversal cannot itself be reversed; post a new transaction."))
    if Transaction.objects.filter(reverses=tx).exists():
        return tx.reversed_by
    entries = [(p.account, -p.amount_minor) for p in tx.postings.select_related("account")]
    try:
        return ledger_post(
            key=key,
            kind=f"reversal:{tx.kind}"[:40],
            memo=memo,
            entries=entries,
            actor=actor,
            reverses=tx,
            obj=None,
        )
    except IntegrityError:
        return Transaction.objects.get(reverses=tx)


def points_adjust(*, actor, member, points: int, reason: str, key: str) -> Transaction:
    """A manual grant (points > 0) or deduction (points < 0) by an operator; audited."""
    if not can_manage_points(actor):
        raise Forbidden()
    if not reason or not reason.strip():
        raise ValidationFailed(_("A manual adjustment needs a reason."), field="reason")
    if points == 0:
        raise ValidationFailed(_("Enter a number of points other than zero."), field="points")
    existing = Transaction.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replayed(existing)
    adjustment = system_ref(AccountKind.ADJUSTMENT)
    wallet = wallet_ref(member)
    with transaction.atomic():
        tx = ledger_post(
            key=key,
            kind="manual",
            memo=reason.strip(),
            actor=actor,
            entries=[(adjustment, -points), (wallet, points)],
        )
        if not tx.replayed:
            audit_record(
                actor=actor,
                action="points.adjusted",
                target=member,
                reason=reason.strip(),
                data={"points": points, "transaction": tx.pk},
            )
            record_event(
                verb="points.adjusted",
                actor=actor,
                obj=tx,
                owner=member,
                properties={"points": points},
                idempotency_key=f"points.adjusted:{tx.pk}",
            )
    return tx


def lot_expire(*, lot_id: int, now=None) -> Transaction | None:
    """Move what is left of an expired lot to the expiry account. Idempotent per lot."""
    with transaction.atomic():
        lot = PointLot.objects.select_related("account").filter(pk=lot_id).first()
        if lot is None:
            return None
        Account.objects.select_for_update().filter(pk=lot.account_id).first()
        lot.refresh_from_db(fields=["remaining"])
        if lot.remaining <= 0 or lot.expires_at is None or lot.expires_at > (now or timezone.now()):
            return None
        return ledger_post(
            key=f"expire:lot:{lot.pk}",
            kind="expiry",
            memo=_("Points earned on %(date)s expired") % {"date": lot.earned_at.date().isoformat()},
            entries=[(lot.account, -lot.remaining), (system_ref(AccountKind.EXPIRY), lot.remaining)],
            from_lot=lot.pk,
        )


def points_expire_due(*, now=None) -> int:
    """Expire every lot past its date; safe to run again (each lot once)."""
    now = now or timezone.now()
    count = 0
    for lot_id in PointLot.objects.filter(expires_at__lte=now, remaining__gt=0).values_list("pk", flat=True):
        if lot_expire(lot_id=lot_id, now=now) is not None:
            count += 1
    return count
