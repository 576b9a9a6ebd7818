"""Stripe's statuses onto our normalised states. A PaymentIntent stays `succeeded` after a
refund; the refund shows only on its charge, so the charge's refunded amount decides
between `refunded` and `partially_refunded`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from chalicelib.payments.base import PaymentState

# A failed attempt sends the intent back to requires_payment_method: the payer may retry with
# another card on the same client secret, so it is still pending, not failed.
PAYMENT_INTENT_STATES: dict[str, PaymentState] = {
    "requires_payment_method": "pending",
    "requires_confirmation": "pending",
    "requires_action": "pending",
    "processing": "pending",
    "requires_capture": "pending",
    "succeeded": "succeeded",
    "canceled": "cancelled",
}

RefundState = Literal["refund_pending", "refunded", "failed"]
REFUND_STATES: dict[str, RefundState] = {
    "pending": "refund_pending",
    "requires_action": "refund_pending",
    "succeeded": "refunded",
    "failed": "failed",
    "canceled": "failed",
}


def payment_state(intent: Mapping[str, Any]) -> PaymentState | None:
    """The state of a PaymentIntent (with `latest_charge` expanded); None if unknown."""
    state = PAYMENT_INTENT_STATES.get(str(intent.get("status")))
    if state != "succeeded":
        return state
    refunded = refunded_amount(intent)
    if refunded <= 0:
        return state
    received = _int(intent.get("amount_received")) or _int(intent.get("amount"))
    return "refunded" if refunded >= received else "partially_refunded"


def refunded_amount(intent: Mapping[str, Any]) -> int:
    """What the latest charge says was refunded (0 when the charge is not expanded)."""
    charge = intent.get("latest_charge")
    if not isinstance(charge, Mapping):
        return 0
    amount = _int(charge.get("amount_refunded"))
    if amount == 0 and charge.get("refunded") is True:
        # Older payloads carry only the flag: fully refunded.
        return _int(charge.get("amount_captured")) or _int(charge.get("amount"))
    return amount


def refund_state(refund: Mapping[str, Any]) -> RefundState | None:
    return REFUND_STATES.get(str(refund.get("status")))


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
