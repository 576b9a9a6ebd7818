"""What the ledger says: a talent's balance per currency, and the admin's trial balance."""

from __future__ import annotations

from typing import Any

from chalicelib.auth.principal import Principal
from chalicelib.domain import ledger
from chalicelib.models import ledger as ledger_store
from chalicelib.models import payout_items as payout_store

_PAYOUT_PAGE = 100


def _paid_out(talent_id: str) -> dict[str, int]:
    """Payouts confirmed paid, summed per currency (every page of the talent's payouts)."""
    paid_out: dict[str, int] = {}
    cursor: str | None = None
    while True:
        page, cursor = payout_store.list_for_talent(talent_id, limit=_PAYOUT_PAGE, cursor=cursor)
        for payout in page:
            if payout.state == "paid":
                paid_out[payout.currency] = paid_out.get(payout.currency, 0) + payout.amount
        if not cursor:
            return paid_out


def talent_balance(principal: Principal) -> dict[str, Any]:
    """Per currency: available, pending (held for QC, or sent and not yet confirmed) and
    paid out. A caller without a talent profile has no balance at all."""
    talent_id = principal.user.talent_id
    if talent_id is None:
        return {"items": []}
    available = {
        b.currency: b.balance for b in ledger_store.balances_of(ledger.talent_available(talent_id))
    }
    # Sent (or batched) and not yet confirmed paid.
    in_transit = {
        b.currency: b.balance for b in ledger_store.balances_of(ledger.in_transit(talent_id))
    }
    # Released at a report-required booking's completion, held until QC passes.
    held = {
        b.currency: b.balance for b in ledger_store.balances_of(ledger.talent_pending(talent_id))
    }
    paid_out = _paid_out(talent_id)
    currencies = sorted(set(available) | set(in_transit) | set(held) | set(paid_out))
    return {
        "items": [
            {
                "currency": currency,
                "available": available.get(currency, 0),
                "pending": held.get(currency, 0) + in_transit.get(currency, 0),
                "held_for_qc": held.get(currency, 0),
                "in_transit": in_transit.get(currency, 0),
                "paid_out": paid_out.get(currency, 0),
            }
            for currency in currencies
        ]
    }


def trial_balance() -> dict[str, Any]:
    """Every account's balance; the total per currency is zero when the ledger is whole."""
    balances = ledger_store.all_balances()
    totals: dict[str, int] = {}
    for balance in balances:
        totals[balance.currency] = totals.get(balance.currency, 0) + balance.balance
    return {
        "accounts": [
            {"account": b.account, "currency": b.currency, "balance": b.balance} for b in balances
        ],
        "totals": totals,
        "balanced": all(total == 0 for total in totals.values()),
    }
