"""Stripe's PaymentIntent and Refund statuses onto our states, over payloads shaped as Stripe
sends them (GET /v1/payment_intents/{id}?expand[]=latest_charge, POST /v1/refunds)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from chalicelib.payments.stripe.statuses import (
    PAYMENT_INTENT_STATES,
    REFUND_STATES,
    payment_state,
    refund_state,
    refunded_amount,
)

CREATED: dict[str, Any] = {
    "id": "pi_3PqRsTLkdIwHu7ix0Yd2Jx1L",
    "object": "payment_intent",
    "amount": 2500,
    "amount_capturable": 0,
    "amount_received": 0,
    "automatic_payment_methods": {"allow_redirects": "always", "enabled": True},
    "canceled_at": None,
    "cancellation_reason": None,
    "capture_method": "automatic_async",
    "client_secret": "pi_3PqRsTLkdIwHu7ix0Yd2Jx1L_secret_Wq8f0c2EwX1bE3kYqZ",
    "created": 1725000000,
    "currency": "usd",
    "last_payment_error": None,
    "latest_charge": None,
    "livemode": False,
    "metadata": {"order_ref": "ord0000001", "payment_id": "pay_01"},
    "status": "requires_payment_method",
    "transfer_group": "booking_42",
}
CHARGE: dict[str, Any] = {
    "id": "ch_3PqRsTLkdIwHu7ix0l2Tn8Zc",
    "object": "charge",
    "amount": 2500,
    "amount_captured": 2500,
    "amount_refunded": 0,
    "captured": True,
    "currency": "usd",
    "paid": True,
    "payment_intent": "pi_3PqRsTLkdIwHu7ix0Yd2Jx1L",
    "refunded": False,
    "status": "succeeded",
}
FAILED_ATTEMPT = {
    **CREATED,
    "latest_charge": "ch_3PqRsTLkdIwHu7ix0Failed",
    "last_payment_error": {
        "code": "card_declined",
        "decline_code": "generic_decline",
        "message": "Your card was declined.",
        "type": "card_error",
    },
}
SUCCEEDED = {**CREATED, "status": "succeeded", "amount_received": 2500}


def succeeded_with(**charge: Any) -> dict[str, Any]:
    payload = copy.deepcopy(SUCCEEDED)
    payload["latest_charge"] = {**CHARGE, **charge}
    return payload


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (CREATED, "pending"),
        ({**CREATED, "status": "requires_confirmation"}, "pending"),
        (
            {**CREATED, "status": "requires_action", "next_action": {"type": "use_stripe_sdk"}},
            "pending",
        ),
        ({**CREATED, "status": "processing"}, "pending"),
        ({**CREATED, "status": "requires_capture", "amount_capturable": 2500}, "pending"),
        # A declined card: the payer may retry on the same intent, so it is not over.
        (FAILED_ATTEMPT, "pending"),
        ({**SUCCEEDED, "latest_charge": "ch_3PqRsTLkdIwHu7ix0l2Tn8Zc"}, "succeeded"),
        (succeeded_with(), "succeeded"),
        (succeeded_with(amount_refunded=1000), "partially_refunded"),
        (succeeded_with(amount_refunded=2500, refunded=True), "refunded"),
        (succeeded_with(refunded=True), "refunded"),
        (
            {
                **CREATED,
                "status": "canceled",
                "canceled_at": 1725000300,
                "cancellation_reason": "requested_by_customer",
            },
            "cancelled",
        ),
    ],
)
def test_payment_intents_map_onto_our_states(payload: dict[str, Any], expected: str) -> None:
    assert payment_state(payload) == expected


def test_unknown_status_is_not_guessed() -> None:
    assert payment_state({**CREATED, "status": "requires_source"}) is None
    assert payment_state({"id": "pi_x"}) is None


def test_the_table_covers_every_payment_intent_status() -> None:
    assert set(PAYMENT_INTENT_STATES) == {
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
        "processing",
        "requires_capture",
        "succeeded",
        "canceled",
    }


def test_refunded_amount_comes_from_the_expanded_charge_only() -> None:
    assert refunded_amount(succeeded_with(amount_refunded=700)) == 700
    assert refunded_amount({**SUCCEEDED, "latest_charge": "ch_x"}) == 0
    assert refunded_amount(succeeded_with(refunded=True)) == 2500


REFUND: dict[str, Any] = {
    "id": "re_3PqRsTLkdIwHu7ix0Ab12Cd3",
    "object": "refund",
    "amount": 1000,
    "charge": "ch_3PqRsTLkdIwHu7ix0l2Tn8Zc",
    "currency": "usd",
    "metadata": {"reference": "refund-01"},
    "payment_intent": "pi_3PqRsTLkdIwHu7ix0Yd2Jx1L",
    "reason": None,
    "status": "succeeded",
}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("succeeded", "refunded"),
        ("pending", "refund_pending"),
        ("requires_action", "refund_pending"),
        ("failed", "failed"),
        ("canceled", "failed"),
        ("mystery", None),
    ],
)
def test_refunds_map_onto_our_states(status: str, expected: str | None) -> None:
    assert refund_state({**REFUND, "status": status}) == expected


def test_refund_table_covers_every_refund_status() -> None:
    assert set(REFUND_STATES) == {"pending", "requires_action", "succeeded", "failed", "canceled"}
