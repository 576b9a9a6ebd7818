"""From a release of escrow to a `payout.requested` message: a timer written in the
release's own transaction, due after the hold, which the sweep turns into the message."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from chalicelib import clients, ids
from chalicelib.errors import ValidationError
from chalicelib.models import timer_items
from chalicelib.models.writes import Writes, save
from chalicelib.money import CURRENCY_EXPONENTS
from chalicelib.settings import get_settings

PAYOUT_REQUESTED = "payout.requested"
DUE_TIMER = "payouts.due"


def hold() -> timedelta:
    return timedelta(hours=get_settings().payout_hold_hours)


def payout_id_for(source_entry_id: str) -> str:
    """Deterministic per release: however often it is requested, it is one payout."""
    return "po" + hashlib.sha256(source_entry_id.encode()).hexdigest()[:24]


def due_timer_id(source_entry_id: str) -> str:
    return f"payout-{source_entry_id}"


def payout_message(
    payout_id: str,
    talent_id: str,
    amount: int,
    currency: str,
    source_entry_id: str | None = None,
) -> dict[str, Any]:
    return {
        "type": PAYOUT_REQUESTED,
        "payout_id": payout_id,
        "talent_id": talent_id,
        "amount": amount,
        "currency": currency,
        "source_entry_id": source_entry_id,
    }


def schedule_payout_in(
    writes: Writes,
    *,
    talent_id: str,
    amount: int,
    currency: str,
    source_entry_id: str,
    now: datetime,
) -> str | None:
    """In the transaction that made the money available (the release of escrow): a timer
    that requests the payout after the hold. Returns the payout's id (None: nothing due)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("payout amounts are integers in minor units")
    if amount <= 0:
        return None
    payout_id = payout_id_for(source_entry_id)
    timer = timer_items.build(
        due_timer_id(source_entry_id),
        DUE_TIMER,
        talent_id,
        now + hold(),
        payout_message(payout_id, talent_id, amount, currency, source_entry_id),
    )
    writes.add((timer.pk, timer.sk), "payout_timer", save(timer))
    return payout_id


def send_request(message: dict[str, Any]) -> None:
    clients.client("sqs").send_message(
        QueueUrl=get_settings().queue_url("payouts"),
        MessageBody=json.dumps(message, separators=(",", ":")),
    )


def request_payout(
    talent_id: str,
    amount: int,
    currency: str,
    *,
    payout_id: str | None = None,
    source_entry_id: str | None = None,
) -> str:
    """Request a payout now (tests, admin tooling): the same message the timer sends."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationError("a payout amount is a positive integer in minor units")
    if currency not in CURRENCY_EXPONENTS:
        raise ValidationError(f"unsupported currency {currency!r}")
    chosen = payout_id or (payout_id_for(source_entry_id) if source_entry_id else ids.new_id())
    send_request(payout_message(chosen, talent_id, amount, currency, source_entry_id))
    return chosen


def fire_due_timer(timer: timer_items.Timer) -> None:
    """The `payouts.due` timer: hand the request to the payouts queue, then consume the
    timer (in this order: a second send is harmless, a lost one is not)."""
    send_request({**timer.payload, "type": PAYOUT_REQUESTED})
    timer_items.consume_if_due_by(timer.id, timer.due_at)
