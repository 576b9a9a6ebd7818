"""FastPay's payment statuses onto our normalised states: the one table."""

from __future__ import annotations

from chalicelib.payments.base import PaymentState

# The validate API's `data.status`, lower-cased: its casing varies between FastPay's
# sources. An unpaid order has no status at all (the body's code is 404), hence no row.
STATUS_STATES: dict[str, PaymentState] = {
    "success": "succeeded",
    "failed": "failed",
    "cancel": "cancelled",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}


def state_of(status: object) -> PaymentState:
    """An unknown status stays pending: the reconciliation sweep asks again later rather
    than deciding on a value FastPay never documented."""
    if not isinstance(status, str):
        return "pending"
    return STATUS_STATES.get(status.strip().lower(), "pending")
