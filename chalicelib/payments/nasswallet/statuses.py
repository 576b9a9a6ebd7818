"""NassWallet's transaction statuses onto our normalised states, and where a checkTransaction
answer keeps its status and amount (two shapes are seen: `data.transactionStatus` and
`data.TransactionHistoryList[0].TransactionStatus`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from chalicelib.payments.base import PaymentState

# Keys are upper-cased: casing differs between the API's answers. SUCCESS and FAILED are
# documented; the in-flight and terminal others are kept so that none is ever read as paid.
STATES: dict[str, PaymentState] = {
    "SUCCESS": "succeeded",
    "FAILED": "failed",
    "PENDING": "pending",
    "INITIATED": "pending",
    "CANCELLED": "cancelled",
    "EXPIRED": "expired",
}
# Anything unknown stays pending: the reconciliation sweep keeps asking, nobody is paid.
UNKNOWN_STATE: PaymentState = "pending"

_STATUS_KEYS = ("transactionStatus", "TransactionStatus")
_AMOUNT_KEYS = ("amount", "Amount", "transactionAmount", "TransactionAmount")
_HISTORY_KEYS = ("TransactionHistoryList", "transactionHistoryList")


def normalise(status: str | None) -> PaymentState:
    if status is None:
        return UNKNOWN_STATE
    return STATES.get(status.strip().upper(), UNKNOWN_STATE)


def is_known(status: str | None) -> bool:
    return status is not None and status.strip().upper() in STATES


def _records(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The answer's own fields first, then the newest history entry."""
    records: list[Mapping[str, Any]] = [data]
    for key in _HISTORY_KEYS:
        history = data.get(key)
        if isinstance(history, list) and history and isinstance(history[0], Mapping):
            records.append(history[0])
    return records


def _first(data: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for record in _records(data):
        for key in keys:
            value = record.get(key)
            if value is not None and value != "":
                return value
    return None


def status_of(data: Mapping[str, Any]) -> str | None:
    value = _first(data, _STATUS_KEYS)
    return value if isinstance(value, str) else None


def amount_of(data: Mapping[str, Any]) -> int | None:
    """Whole dinars (IQD has no minor unit); None when absent or not a whole number."""
    value = _first(data, _AMOUNT_KEYS)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount != amount.to_integral_value():
        return None
    return int(amount)


def state_of(data: Mapping[str, Any]) -> PaymentState:
    return normalise(status_of(data))
