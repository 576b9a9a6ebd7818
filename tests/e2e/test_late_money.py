"""Late, short and split money on the local stack (issue #10, points 1, 3, 4): the payer
completes at the provider's sandbox after `/dev/clock` moved past the payment's expiry,
or pays less than asked, or pays a deposit and a balance through two providers; after
`/dev/drain` and `/dev/tick` each ends in one outcome (the booking confirmed, or the money
refunded), the trial balance is zero, and no payment is left pending."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.flows import (
    book,
    create_talent_with_service,
    drain,
    email,
    ok,
    tick,
    transition,
    trial_balance,
)
from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PRICE = 300000
PAST_EXPIRY = 31 * 60


def _accepted_booking(devstack: RunningStack, deposit_percent: int = 0) -> tuple[Any, str, str]:
    talent = create_talent_with_service(devstack, price=PRICE, deposit_percent=deposit_percent)
    customer = devstack.token(email("late-customer"))
    booking = book(devstack, customer, talent.service_id, days_ahead=10)
    transition(devstack, talent.token, "bookings", booking["id"], "accept")
    return booking, customer, talent.token


def _pay(devstack: RunningStack, booking_id: str, customer: str, provider: str) -> Any:
    return ok(
        devstack.api(
            "POST",
            "/v1/payments",
            customer,
            json={"subject": {"type": "booking", "id": booking_id}, "provider": provider},
            headers={"Idempotency-Key": f"pay-{uuid.uuid4().hex}"},
        ),
        201,
    )


def _payment(devstack: RunningStack, payment_id: str) -> Any:
    return ok(devstack.api("GET", f"/v1/payments/{payment_id}", devstack.token(admin=True)))


def _expire(devstack: RunningStack, payment_id: str) -> None:
    ok(devstack.sandbox("POST", "/dev/clock", json={"advance_seconds": PAST_EXPIRY}))
    tick(devstack)
    assert _payment(devstack, payment_id)["state"] == "expired"


@pytest.mark.parametrize(("provider", "cancel_first"), [("fastpay", False), ("areeba", True)])
def test_a_success_after_expiry_confirms_or_is_refunded(
    devstack: RunningStack, provider: str, cancel_first: bool
) -> None:
    booking, customer, _ = _accepted_booking(devstack)
    payment = _pay(devstack, booking["id"], customer, provider)
    _expire(devstack, payment["id"])
    if cancel_first:  # the subject moved on meanwhile
        ok(
            devstack.api(
                "POST",
                f"/v1/bookings/{booking['id']}/transitions/cancel",
                customer,
                json={"reason": "found another"},
            )
        )
    before = trial_balance(devstack).get(f"provider:{provider}|IQD", 0)
    completed = ok(
        devstack.sandbox("POST", f"/{provider}/payments/{payment['provider_ref']}/complete")
    )
    assert completed["callback"]["status_code"] == 200, completed
    drain(devstack)
    tick(devstack)
    state = ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))["state"]
    books = trial_balance(devstack)
    if cancel_first:
        assert (state, _payment(devstack, payment["id"])["state"]) == ("cancelled", "refunded")
        assert books[f"provider:{provider}|IQD"] == before  # in, then back out
        assert books[f"customer:{booking['customer_id']}:refunds|IQD"] == 0
    else:
        assert (state, _payment(devstack, payment["id"])["state"]) == ("confirmed", "succeeded")
        assert books[f"escrow:booking:{booking['id']}|IQD"] == PRICE
        assert books[f"provider:{provider}|IQD"] == before - PRICE


def test_a_short_payment_fails_is_refunded_and_listed(devstack: RunningStack) -> None:
    booking, customer, _ = _accepted_booking(devstack)
    payment = _pay(devstack, booking["id"], customer, "fastpay")
    before = trial_balance(devstack).get("provider:fastpay|IQD", 0)
    ref = payment["provider_ref"]
    ok(
        devstack.sandbox(
            "POST", f"/fastpay/payments/{ref}/complete", json={"received_amount": 1000}
        )
    )
    drain(devstack)
    tick(devstack)
    ended = _payment(devstack, payment["id"])
    assert (ended["state"], ended["failure"]) == ("failed", "amount_mismatch")
    assert ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))["state"] == (
        "accepted"
    )
    admin = devstack.token(admin=True)
    listed = ok(devstack.api("GET", "/v1/admin/webhooks?state=failed&limit=100", admin))["items"]
    mine = [w for w in listed if w["provider_ref"] == ref]
    assert len(mine) == 1 and "amount_mismatch" in mine[0]["note"]
    assert trial_balance(devstack)["provider:fastpay|IQD"] == before  # 1000 in, 1000 refunded


def test_a_deposit_and_a_balance_through_two_providers_are_each_refunded(
    devstack: RunningStack,
) -> None:
    booking, customer, _ = _accepted_booking(devstack, deposit_percent=30)
    before = trial_balance(devstack)
    paid = []
    for provider in ("fastpay", "areeba"):
        payment = _pay(devstack, booking["id"], customer, provider)
        ok(devstack.sandbox("POST", f"/{provider}/payments/{payment['provider_ref']}/complete"))
        drain(devstack)
        paid.append(payment["id"])
    ok(
        devstack.api(
            "POST",
            f"/v1/bookings/{booking['id']}/transitions/cancel",
            customer,
            json={"reason": "plans changed"},
        )
    )
    tick(devstack)
    assert [_payment(devstack, p)["state"] for p in paid] == ["refunded", "refunded"]
    after = trial_balance(devstack)
    for provider in ("fastpay", "areeba"):
        key = f"provider:{provider}|IQD"
        assert after[key] == before.get(key, 0), provider
    assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
