"""The accounts every payment of a provider moves (and every fee) are not one hot item:
their balance is spread over shard items, which concurrent transactions do not collide on,
and which the trial balance and an account's balance sum (issue #10, point 2)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import ledger as books
from chalicelib.models import keys
from chalicelib.models import ledger as ledger_store
from chalicelib.models.writes import Writes


def _post(entry: books.Entry) -> None:
    writes = Writes()
    ledger_store.post_in(writes, entry)
    writes.commit("posted twice")


def test_a_providers_balance_is_spread_over_shards_and_summed(
    stack: Any, frozen_clock: Any
) -> None:
    for n in range(24):
        _post(books.payment_received(f"e{n}", "fastpay", "escrow:booking:b", 1000, "IQD"))
    items = [
        item
        for item in ledger_store.AccountItem.query(
            keys.ledger_account_pk("provider:fastpay"),
            ledger_store.AccountItem.sk.startswith(keys.LEDGER_BALANCE_PREFIX),
        )
        if isinstance(item, ledger_store.AccountItem)
    ]
    assert len(items) > 1  # not one item every payment writes
    assert sum(int(item.balance) for item in items) == -24000
    assert ledger_store.balances_of("provider:fastpay") == [
        ledger_store.Balance("provider:fastpay", "IQD", -24000)
    ]
    # The escrow keeps one item: its non-negative condition needs the whole balance.
    escrow = list(ledger_store.AccountItem.query(keys.ledger_account_pk("escrow:booking:b")))
    assert len(escrow) == 1
    trial = {(b.account, b.currency): b.balance for b in ledger_store.all_balances()}
    assert trial == {("provider:fastpay", "IQD"): -24000, ("escrow:booking:b", "IQD"): 24000}
