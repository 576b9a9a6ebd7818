"""The ledger's storage. An entry is written in the transaction of the change that caused
it: the entry item (its id deterministic per cause, so a retried cause posts once), one
history item per posting, and an atomic ADD on each account's balance, conditioned so that
no escrow, talent, transit or refund account goes below zero.

Every account balance item is on GSI1 under `ACCOUNTS`: the trial balance is one Query."""

from __future__ import annotations

from collections import defaultdict
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
        _add_to_account(writes, account, currency, amount)
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


def _add_to_account(writes: Writes, account: str, currency: str, amount: int) -> None:
    item = AccountItem(keys.ledger_account_pk(account), keys.ledger_balance_sk(currency))
    actions: list[Any] = [
        AccountItem.kind.set(AccountItem),
        AccountItem.account.set(account),
        AccountItem.currency.set(currency),
        AccountItem.balance.add(amount),
        AccountItem.gsi1pk.set(ACCOUNTS_INDEX),
        AccountItem.gsi1sk.set(f"{account}#{currency}"),
    ]
    condition = None
    if amount < 0 and ledger.must_stay_non_negative(account):
        condition = AccountItem.balance >= -amount
    writes.add(
        (item.pk, item.sk),
        f"balance:{account}",
        lambda t: t.update(item, actions=actions, condition=condition),
    )


def balances_of(account: str) -> list[Balance]:
    """An account's balance in each currency it has seen (one Query)."""
    return [
        Balance(item.account, item.currency, int(item.balance or 0))
        for item in AccountItem.query(
            keys.ledger_account_pk(account), AccountItem.sk.startswith(keys.LEDGER_BALANCE_PREFIX)
        )
        if isinstance(item, AccountItem)
    ]


def all_balances() -> list[Balance]:
    """Every account's balance (the trial balance): one paged Query of GSI1."""
    return [
        Balance(item.account, item.currency, int(item.balance or 0))
        for item in AccountItem.gsi1.query(ACCOUNTS_INDEX)
        if isinstance(item, AccountItem)
    ]
