"""IXOPAY transaction statuses onto our payment states, in one table.

The status API describes one transaction: our debit, or a refund made against it (the
debit's own status stays SUCCESS after a refund; IXOPAY reports refunds as transactions of
their own). So the table is keyed by the kind of transaction and its status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from chalicelib.payments.base import PaymentState

Kind = Literal["payment", "refund"]

STATES: dict[tuple[Kind, str], PaymentState] = {
    ("payment", "SUCCESS"): "succeeded",
    # REDIRECT: the payer has not finished on the hosted page yet.
    ("payment", "REDIRECT"): "pending",
    ("payment", "PENDING"): "pending",
    ("payment", "ERROR"): "failed",
    # Not in the v3 enum, but some adapters report it; a decline either way.
    ("payment", "FAILED"): "failed",
    ("payment", "CANCELLED"): "cancelled",
    ("refund", "SUCCESS"): "refunded",
    ("refund", "REDIRECT"): "refund_pending",
    ("refund", "PENDING"): "refund_pending",
    # A refund that failed or was cancelled leaves the money where it was: paid.
    ("refund", "ERROR"): "succeeded",
    ("refund", "FAILED"): "succeeded",
    ("refund", "CANCELLED"): "succeeded",
}

# An unknown status is never taken as money moved: it stays open until re-checked.
_UNKNOWN: dict[Kind, PaymentState] = {"payment": "pending", "refund": "refund_pending"}


def kind_of(transaction_type: object) -> Kind:
    # The API's enum is upper case, its own examples write "debit": compare case-blind.
    return "refund" if str(transaction_type or "").strip().upper() == "REFUND" else "payment"


def state_of(payload: Mapping[str, Any]) -> PaymentState:
    """The state a status-API payload (`transactionStatus`, `transactionType`) stands for."""
    kind = kind_of(payload.get("transactionType"))
    status = str(payload.get("transactionStatus") or "").strip().upper()
    return STATES.get((kind, status), _UNKNOWN[kind])
