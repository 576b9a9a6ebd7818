"""Paying on the local stack, for each provider: book, accept, pay, complete the payment in
the provider's sandbox (which calls the API's webhook as the provider does), drain the
queues: the booking is confirmed, the escrow holds the price, the trial balance is zero.
After delivery and completion, the talent's balance holds the price less the fee."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.flows import (
    CURRENCY,
    create_talent_with_service,
    email,
    now,
    ok,
    trial_balance,
)
from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PRICE = {"USD": 25000, "IQD": 300000}


@pytest.mark.parametrize("provider", sorted(CURRENCY))
def test_pay_complete_confirm_release(devstack: RunningStack, provider: str) -> None:
    currency = CURRENCY[provider]
    made = create_talent_with_service(devstack, currency=currency, price=PRICE[currency])
    talent, talent_id, service_id = made.token, made.talent_id, made.service_id
    customer = devstack.token(email("pay-customer"))
    start = (now(devstack) + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    booking = ok(
        devstack.api(
            "POST",
            "/v1/bookings",
            customer,
            json={"service_id": service_id, "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
        ),
        201,
    )
    ok(devstack.api("POST", f"/v1/bookings/{booking['id']}/transitions/accept", talent))

    payment = ok(
        devstack.api(
            "POST",
            "/v1/payments",
            customer,
            json={"subject": {"type": "booking", "id": booking["id"]}, "provider": provider},
            headers={"Idempotency-Key": f"pay-{booking['id']}"},
        ),
        201,
    )
    assert payment["state"] == "pending" and payment["amount"]["amount"] == PRICE[currency]
    assert payment["action"]["type"] in {"redirect", "qr", "client_secret"}

    completed = ok(
        devstack.sandbox("POST", f"/{provider}/payments/{payment['provider_ref']}/complete")
    )
    assert completed["callback"] is None or completed["callback"]["status_code"] == 200, completed
    ok(devstack.sandbox("POST", "/dev/drain"))

    confirmed = ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))
    assert confirmed["state"] == "confirmed", confirmed
    paid = ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert paid["state"] == "succeeded"
    books = trial_balance(devstack)
    assert books[f"escrow:booking:{booking['id']}|{currency}"] == PRICE[currency]

    devstack.sandbox(
        "POST",
        "/dev/clock",
        json={"advance_seconds": (start - now(devstack)).total_seconds() + 2 * 3600},
    )
    ok(devstack.sandbox("POST", "/dev/tick"))
    assert ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))["state"] == (
        "delivered"
    )
    done = devstack.api(
        "POST", f"/v1/bookings/{booking['id']}/transitions/confirm_completion", customer
    )
    assert ok(done)["state"] == "completed"
    books = trial_balance(devstack)
    assert books[f"escrow:booking:{booking['id']}|{currency}"] == 0
    net = PRICE[currency] - PRICE[currency] // 10
    assert books[f"talent:{talent_id}:available|{currency}"] == net
    # The release scheduled the talent's payout (no hold here); the sweep sends it to the
    # payouts queue and the processor puts it in the manual batch (no payout method set).
    ok(devstack.sandbox("POST", "/dev/tick"))
    payouts = ok(devstack.api("GET", "/v1/me/payouts", talent))["items"]
    assert [(p["amount"], p["state"]) for p in payouts] == [
        ({"amount": net, "currency": currency}, "manual_pending")
    ]
    balance = ok(devstack.api("GET", "/v1/me/balance", talent))["items"]
    assert balance == [
        {
            "currency": currency,
            "available": 0,
            "pending": net,
            "held_for_qc": 0,
            "in_transit": net,
            "paid_out": 0,
        }
    ]
    admin = devstack.token(admin=True)
    ok(devstack.api("POST", f"/v1/admin/payouts/{payouts[0]['id']}/paid", admin))
    balance = ok(devstack.api("GET", "/v1/me/balance", talent))["items"]
    assert balance == [
        {
            "currency": currency,
            "available": 0,
            "pending": 0,
            "held_for_qc": 0,
            "in_transit": 0,
            "paid_out": net,
        }
    ]
    assert trial_balance(devstack)[f"payouts_in_transit:{talent_id}|{currency}"] == 0
