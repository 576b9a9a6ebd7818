"""How FIB's payment and payout statuses read as our normalised states, and where a status
payload keeps the amount (sources disagree on the key: `amount` or `monetaryValue`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from chalicelib.payments.base import PaymentState

PayoutState = Literal["pending", "paid", "failed"]

# (status, decliningReason) -> state. A reason of None is the row for any other reason: a
# DECLINED payment with a reason FIB adds later is a failure, never still pending.
PAYMENT_STATES: dict[tuple[str, str | None], PaymentState] = {
    ("UNPAID", None): "pending",
    ("PAID", None): "succeeded",
    ("DECLINED", "SERVER_FAILURE"): "failed",
    ("DECLINED", "PAYMENT_EXPIRATION"): "expired",
    ("DECLINED", "PAYMENT_CANCELLATION"): "cancelled",
    ("DECLINED", None): "failed",
    ("REFUND_REQUESTED", None): "refund_pending",
    ("REFUNDED", None): "refunded",
}

# Payouts have no callback: the reconciliation sweep polls these.
PAYOUT_STATES: dict[str, PayoutState] = {
    "CREATED": "pending",
    "AUTHORIZED": "paid",
    "FAILED": "failed",
}


def payment_state(status: object, declining_reason: object = None) -> PaymentState | None:
    """None for a status this table does not know (the caller refuses to guess)."""
    if not isinstance(status, str):
        return None
    key = status.strip().upper()
    reason = declining_reason.strip().upper() if isinstance(declining_reason, str) else None
    return PAYMENT_STATES.get((key, reason)) or PAYMENT_STATES.get((key, None))


def payout_state(status: object) -> PayoutState | None:
    if not isinstance(status, str):
        return None
    return PAYOUT_STATES.get(status.strip().upper())


def amount_of(payload: dict[str, Any]) -> tuple[int | None, str | None]:
    """The whole-dinar amount and currency of a status payload, whichever key carries it."""
    for key in ("amount", "monetaryValue"):
        value = payload.get(key)
        if isinstance(value, dict):
            currency = value.get("currency")
            return whole_units(value.get("amount")), currency if isinstance(currency, str) else None
        if value is not None:
            return whole_units(value), None
    return None, None


def whole_units(value: object) -> int | None:
    """FIB writes amounts as numbers or decimal strings ("5000.00"); IQD has no minor unit,
    so anything with a fraction is not an amount we can book."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)
