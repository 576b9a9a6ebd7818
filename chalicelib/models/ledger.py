"""The ledger's storage. An entry is written in the transaction of the change that caused
it: the entry item (its id deterministic per cause, so a retried cause posts once), one
history item per posting, and an atomic ADD on each account's balance, conditioned so that
no escrow, talent, transit or refund account goes below zero.

Every account balance item is on GSI1 under `ACCOUNTS`: the trial balance is one Query.

Every payment and refund of a provider moves `provider:<name>`, and every release moves
`platform:revenue`: as single items they would make concurrent transactions collide
(TransactionConflict). Their balance is spread over `BALANCE_SHARDS` items, picked per
entry; reads sum them. Only accounts no condition guards are sharded: a "never below zero"
condition needs the whole balance in one item."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib import clock
from chalicelib.domain import ledger
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.writes import Writes, save

ACCOUNTS_INDEX = "ACCOUNTS"
BALANCE_SHARDS = 8
_SHARDED_PREFIXES = ("provider:", "platform:")


class EntryItem(Item, discriminator="ledger_entry"):
    entry_id = UnicodeAttribute()
    memo = UnicodeAttribute()
    postings = JSONAttribute()
    at = UTCDateTimeAttribute()


class AccountItem(Item, discriminator="ledger_account"):
    account = UnicodeAttribute()
    currency = UnicodeAttribute()
    balance = NumberAttribute(default=0)


class PostingItem(Item, discriminator="ledger_posting"):
    entry_id = UnicodeAttribute()
    account = UnicodeAttribute()
    currency = UnicodeAttribute()
    amount = NumberAttribute()
    at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Balance:
    account: str
    currency: str
    balance: int


def _merged(entry: ledger.Entry) -> dict[tuple[str, str], int]:
    """One action per account item: postings to one account and currency are summed."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for posting in entry.postings:
        totals[(posting.account, posting.currency)] += posting.amount
    return {key: amount for key, amount in totals.items() if amount}


def post_in(writes: Writes, entry: ledger.Entry) -> None:
    now = clock.now()
    item = EntryItem(
        keys.ledger_entry_pk(entry.id),
        keys.LEDGER_ENTRY_SK,
        entry_id=entry.id,
        memo=entry.memo,
        postings=[p.__dict__ for p in entry.postings],
        at=now,
    )
    writes.add((item.pk, item.sk), "ledger_entry", save(item, EntryItem.pk.does_not_exist()))
    for (account, currency), amount in _merged(entry).items():
        _add_to_account(writes, account, currency, amount, _shard_for(account, entry.id))
        posting = PostingItem(
            keys.ledger_account_pk(account),
            keys.ledger_posting_sk(clock.to_rfc3339(now), entry.id, currency),
            entry_id=entry.id,
            account=account,
            currency=currency,
            amount=amount,
            at=now,
        )
        writes.add((posting.pk, posting.sk), "ledger_posting", save(posting))


def _shard_for(account: str, entry_id: str) -> int | None:
    if ledger.must_stay_non_negative(account) or not account.startswith(_SHARDED_PREFIXES):
        return None
    # Deterministic per entry (a retried entry lands where its first attempt did), spread
    # evenly over the entries that race.
    return int(hashlib.sha256(entry_id.encode()).hexdigest()[:8], 16) % BALANCE_SHARDS


def _add_to_account(
    writes: Writes, account: str, currency: str, amount: int, shard: int | None
) -> None:
    item = AccountItem(keys.ledger_account_pk(account), keys.ledger_balance_sk(currency, shard))
    suffix = "" if shard is None else f"#{shard}"
    actions: list[Any] = [
        AccountItem.kind.set(AccountItem),
        AccountItem.account.set(account),
        AccountItem.currency.set(currency),
        AccountItem.balance.add(amount),
        AccountItem.gsi1pk.set(ACCOUNTS_INDEX),
        AccountItem.gsi1sk.set(f"{account}#{currency}{suffix}"),
    ]
    condition = None
    if amount < 0 and ledger.must_stay_non_negative(account):
        condition = AccountItem.balance >= -amount
    writes.add(
        (item.pk, item.sk),
        f"balance:{account}",
        lambda t: t.update(item, actions=actions, condition=condition),
    )


def _summed(items: Iterable[Any]) -> list[Balance]:
    """One balance per account and currency: a sharded account's shards added up."""
    totals: dict[tuple[str, str], int] = {}
    for item in items:
        if isinstance(item, AccountItem):
            key = (item.account, item.currency)
            totals[key] = totals.get(key, 0) + int(item.balance or 0)
    return [Balance(account, currency, total) for (account, currency), total in totals.items()]


def balances_of(account: str) -> list[Balance]:
    """An account's balance in each currency it has seen (one Query)."""
    return _summed(
        AccountItem.query(
            keys.ledger_account_pk(account), AccountItem.sk.startswith(keys.LEDGER_BALANCE_PREFIX)
        )
    )


def all_balances() -> list[Balance]:
    """Every account's balance (the trial balance): one paged Query of GSI1."""
    return _summed(AccountItem.gsi1.query(ACCOUNTS_INDEX))
