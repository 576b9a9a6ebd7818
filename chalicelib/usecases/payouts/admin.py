"""An admin settles what the processor could not: the manual batch (exported as CSV and
paid by hand) and unconfirmed payouts, each marked paid or failed with its ledger entry."""

from __future__ import annotations

import csv
import io
from typing import Any

from chalicelib.errors import ConflictError
from chalicelib.models import audit, payout_items
from chalicelib.models import ledger as ledger_store
from chalicelib.models.writes import Writes
from chalicelib.money import CURRENCY_EXPONENTS
from chalicelib.usecases.payouts import entries
from chalicelib.usecases.payouts.methods import MANUAL

CSV_COLUMNS = (
    "talent_id",
    "account_name",
    "account_number",
    "bank_name",
    "amount",
    "currency",
    "payout_id",
)


def _admin_settle(
    payout_id: str, state: str, actor_id: str, reason: str | None, **change: Any
) -> payout_items.Payout:
    payout = payout_items.require(payout_id)
    if payout.state not in payout_items.ADMIN_STATES:
        raise ConflictError(
            f"a payout that is {payout.state} cannot be marked {state}", {"state": payout.state}
        )
    entry = (
        entries.paid_entry(payout) if state == payout_items.PAID else entries.returned_entry(payout)
    )
    writes = Writes()
    payout_items.move_in(writes, payout, state, **change)
    ledger_store.post_in(writes, entry)
    audit.record(
        writes,
        actor_id=actor_id,
        action=f"payout.mark_{state}",
        target_type="payout",
        target_id=payout.id,
        before={"state": payout.state},
        after={"state": state, "amount": payout.amount, "currency": payout.currency, **change},
        reason=reason,
    )
    writes.commit("the payout changed meanwhile")
    return payout_items.require(payout_id)


def mark_paid(payout_id: str, actor_id: str, reference: str | None = None) -> payout_items.Payout:
    """An admin paid it by hand (the manual batch) or confirmed an unconfirmed one."""
    return _admin_settle(payout_id, payout_items.PAID, actor_id, None, provider_ref=reference)


def mark_failed(payout_id: str, actor_id: str, reason: str | None = None) -> payout_items.Payout:
    """An admin could not pay it (or the provider confirms it did not): money back."""
    failure = reason or "marked failed by an admin"
    return _admin_settle(payout_id, payout_items.FAILED, actor_id, reason, failure=failure)


def waiting_for_admin(state: str) -> list[payout_items.Payout]:
    return payout_items.waiting_for_admin(state)


def _major_units(amount: int, currency: str) -> str:
    exponent = CURRENCY_EXPONENTS.get(currency, 0)
    if exponent == 0:
        return str(amount)
    whole, part = divmod(amount, 10**exponent)
    return f"{whole}.{part:0{exponent}d}"


def _cell(value: Any) -> str:
    """Spreadsheets run cells that start like a formula: such text is quoted."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def manual_batch_csv() -> str:
    """The open manual batch, oldest first: one row per payout to pay by hand. Amounts are
    in major units (what a bank form takes). A payout recorded before its talent gave bank
    details shows the talent's current manual details."""
    payouts = payout_items.waiting_for_admin(payout_items.MANUAL_PENDING)
    missing = [p.talent_id for p in payouts if not p.destination.get("account_number")]
    current = payout_items.methods_of(missing)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for payout in payouts:
        details = payout.destination
        method = current.get(payout.talent_id)
        if not details.get("account_number") and method and method.provider == MANUAL:
            details = method.details
        writer.writerow(
            [
                _cell(payout.talent_id),
                _cell(details.get("account_name")),
                _cell(details.get("account_number") or details.get("iban")),
                _cell(details.get("bank_name") or ("IBAN" if details.get("iban") else "")),
                _major_units(payout.amount, payout.currency),
                payout.currency,
                _cell(payout.id),
            ]
        )
    return out.getvalue()
