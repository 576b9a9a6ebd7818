"""FIB's status payloads, shaped as FIB and its SDKs document them, read through the one
mapping table."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.payments.fib.statuses import (
    PAYMENT_STATES,
    PAYOUT_STATES,
    amount_of,
    payment_state,
    payout_state,
    whole_units,
)

# GET /protected/v1/payments/{id}/status, as recorded.
UNPAID = {
    "paymentId": "a4a1d8b5-2c4e-4f0b-9f63-6f1c1e0b9a11",
    "status": "UNPAID",
    "validUntil": "2026-11-22T12:30:00.123456Z",
    "amount": {"amount": 25000, "currency": "IQD"},
    "decliningReason": None,
    "declinedAt": None,
    "paidBy": None,
}
PAID = {
    **UNPAID,
    "status": "PAID",
    "paidAt": "2026-11-22T12:04:11.5Z",
    "paidBy": {"name": "Customer", "iban": "IQ98FIQB004085190510001"},
}
# Some sources name the amount monetaryValue, and write it as a decimal string.
PAID_MONETARY_VALUE: dict[str, Any] = {
    "paymentId": "b0f0",
    "status": "PAID",
    "monetaryValue": {"amount": "25000.00", "currency": "IQD"},
}
DECLINED_EXPIRED = {
    **UNPAID,
    "status": "DECLINED",
    "decliningReason": "PAYMENT_EXPIRATION",
    "declinedAt": "2026-11-22T12:30:00Z",
}
DECLINED_CANCELLED = {**DECLINED_EXPIRED, "decliningReason": "PAYMENT_CANCELLATION"}
DECLINED_FAILURE = {**DECLINED_EXPIRED, "decliningReason": "SERVER_FAILURE"}
DECLINED_NEW_REASON = {**DECLINED_EXPIRED, "decliningReason": "SOMETHING_FIB_ADDS_LATER"}
DECLINED_NO_REASON = {**DECLINED_EXPIRED, "decliningReason": None}
REFUND_REQUESTED = {**PAID, "status": "REFUND_REQUESTED"}
REFUNDED = {**PAID, "status": "REFUNDED"}


@pytest.mark.parametrize(
    ("payload", "state"),
    [
        (UNPAID, "pending"),
        (PAID, "succeeded"),
        (PAID_MONETARY_VALUE, "succeeded"),
        (DECLINED_EXPIRED, "expired"),
        (DECLINED_CANCELLED, "cancelled"),
        (DECLINED_FAILURE, "failed"),
        (DECLINED_NEW_REASON, "failed"),
        (DECLINED_NO_REASON, "failed"),
        (REFUND_REQUESTED, "refund_pending"),
        (REFUNDED, "refunded"),
        ({**PAID, "status": "paid"}, "succeeded"),
        ({**DECLINED_CANCELLED, "decliningReason": "payment_cancellation"}, "cancelled"),
    ],
)
def test_recorded_payloads_map_to_normalised_states(payload: dict[str, Any], state: str) -> None:
    assert payment_state(payload.get("status"), payload.get("decliningReason")) == state


@pytest.mark.parametrize("status", ["PENDING", "", None, 3, "NO_PAYMENT"])
def test_unknown_statuses_are_not_guessed(status: object) -> None:
    assert payment_state(status, None) is None


def test_a_paid_payment_with_a_stray_reason_is_still_paid() -> None:
    assert payment_state("PAID", "SERVER_FAILURE") == "succeeded"


def test_every_fib_status_has_a_row() -> None:
    statuses = {status for status, _ in PAYMENT_STATES}
    assert statuses == {"UNPAID", "PAID", "DECLINED", "REFUND_REQUESTED", "REFUNDED"}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (PAID, (25000, "IQD")),
        (PAID_MONETARY_VALUE, (25000, "IQD")),
        ({"amount": 1000}, (1000, None)),
        ({"amount": "1500.000"}, (1500, None)),
        ({"amount": {"amount": 1000.5, "currency": "IQD"}}, (None, "IQD")),
        ({"amount": {"amount": "abc", "currency": "IQD"}}, (None, "IQD")),
        ({"status": "PAID"}, (None, None)),
    ],
)
def test_the_amount_is_read_under_either_key(
    payload: dict[str, Any], expected: tuple[int | None, str | None]
) -> None:
    assert amount_of(payload) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(500, 500), ("500", 500), ("500.00", 500), (500.0, 500), (True, None), ("NaN", None)],
)
def test_whole_units(value: object, expected: int | None) -> None:
    assert whole_units(value) == expected


# GET /protected/v1/payouts/{id}, as the community SDK records it.
PAYOUT_CREATED = {
    "payoutId": "6d1e",
    "status": "CREATED",
    "targetAccountIban": "IQ23FIQB004073628710001",
    "description": "Salary",
    "amount": {"amount": 10000, "currency": "IQD"},
    "authorizedAt": None,
    "failedAt": None,
}


@pytest.mark.parametrize(
    ("payload", "state"),
    [
        (PAYOUT_CREATED, "pending"),
        ({**PAYOUT_CREATED, "status": "AUTHORIZED", "authorizedAt": 1795000000}, "paid"),
        ({**PAYOUT_CREATED, "status": "FAILED", "failedAt": 1795000000}, "failed"),
        ({**PAYOUT_CREATED, "status": "SOMETHING_NEW"}, None),
    ],
)
def test_payout_statuses(payload: dict[str, Any], state: str | None) -> None:
    assert payout_state(payload["status"]) == state
    assert set(PAYOUT_STATES) == {"CREATED", "AUTHORIZED", "FAILED"}
