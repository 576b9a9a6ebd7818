"""Paying on the local stack, for each provider: book, accept, pay, complete the payment in
the provider's sandbox (which calls the API's webhook as the provider does), drain the
queues: the booking is confirmed, the escrow holds the price, the trial balance is zero.
After delivery and completion, the talent's balance holds the price less the fee."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# Stripe takes no IQD; every Iraqi gateway does; areeba takes both.
CURRENCY = {"stripe": "USD", "fib": "IQD", "fastpay": "IQD", "nasswallet": "IQD", "areeba": "IQD"}
PRICE = {"USD": 25000, "IQD": 300000}


def _ok(response: requests.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (response.request.url, response.text)
    body: dict[str, Any] = response.json()
    return body


def _now(devstack: RunningStack) -> datetime:
    text = _ok(devstack.sandbox("GET", "/dev/clock"))["now"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _talent(devstack: RunningStack, currency: str) -> tuple[str, str, str]:
    token = devstack.token(f"pay-talent-{uuid.uuid4().hex[:10]}@example.com")
    talent = _ok(
        devstack.api(
            "POST",
            "/v1/talent",
            token,
            json={
                "display_name": f"Payee {uuid.uuid4().hex[:6]}",
                "categories": ["music.dj"],
                "location": {"city": "Basra", "country": "IQ", "lat": 30.5, "lng": 47.8},
                "timezone": "Asia/Baghdad",
            },
        ),
        201,
    )
    service = _ok(
        devstack.api(
            "POST",
            f"/v1/talent/{talent['id']}/services",
            token,
            json={
                "title": "DJ set, one hour",
                "category": "music.dj",
                "pricing": {
                    "type": "fixed",
                    "price": {"amount": PRICE[currency], "currency": currency},
                },
                "duration_minutes": 60,
                "deposit_percent": 0,
            },
        ),
        201,
    )
    return token, str(talent["id"]), str(service["id"])


def _trial_balance(devstack: RunningStack) -> dict[str, int]:
    body = _ok(devstack.api("GET", "/v1/admin/ledger/trial-balance", devstack.token(admin=True)))
    assert body["balanced"] is True, body["totals"]
    return {f"{a['account']}|{a['currency']}": a["balance"] for a in body["accounts"]}


@pytest.mark.parametrize("provider", sorted(CURRENCY))
def test_pay_complete_confirm_release(devstack: RunningStack, provider: str) -> None:
    currency = CURRENCY[provider]
    talent, talent_id, service_id = _talent(devstack, currency)
    customer = devstack.token(f"pay-customer-{uuid.uuid4().hex[:10]}@example.com")
    start = (_now(devstack) + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    booking = _ok(
        devstack.api(
            "POST",
            "/v1/bookings",
            customer,
            json={"service_id": service_id, "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
        ),
        201,
    )
    _ok(devstack.api("POST", f"/v1/bookings/{booking['id']}/transitions/accept", talent))

    payment = _ok(
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

    completed = _ok(
        devstack.sandbox("POST", f"/{provider}/payments/{payment['provider_ref']}/complete")
    )
    assert completed["callback"] is None or completed["callback"]["status_code"] == 200, completed
    _ok(devstack.sandbox("POST", "/dev/drain"))

    confirmed = _ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))
    assert confirmed["state"] == "confirmed", confirmed
    paid = _ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert paid["state"] == "succeeded"
    books = _trial_balance(devstack)
    assert books[f"escrow:booking:{booking['id']}|{currency}"] == PRICE[currency]

    devstack.sandbox(
        "POST",
        "/dev/clock",
        json={"advance_seconds": (start - _now(devstack)).total_seconds() + 2 * 3600},
    )
    _ok(devstack.sandbox("POST", "/dev/tick"))
    assert _ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))["state"] == (
        "delivered"
    )
    done = devstack.api(
        "POST", f"/v1/bookings/{booking['id']}/transitions/confirm_completion", customer
    )
    assert _ok(done)["state"] == "completed"
    books = _trial_balance(devstack)
    assert books[f"escrow:booking:{booking['id']}|{currency}"] == 0
    net = PRICE[currency] - PRICE[currency] // 10
    assert books[f"talent:{talent_id}:available|{currency}"] == net
    # The release scheduled the talent's payout (no hold here); the sweep sends it to the
    # payouts queue and the processor puts it in the manual batch (no payout method set).
    _ok(devstack.sandbox("POST", "/dev/tick"))
    payouts = _ok(devstack.api("GET", "/v1/me/payouts", talent))["items"]
    assert [(p["amount"], p["state"]) for p in payouts] == [
        ({"amount": net, "currency": currency}, "manual_pending")
    ]
    balance = _ok(devstack.api("GET", "/v1/me/balance", talent))["items"]
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
    _ok(devstack.api("POST", f"/v1/admin/payouts/{payouts[0]['id']}/paid", admin))
    balance = _ok(devstack.api("GET", "/v1/me/balance", talent))["items"]
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
    assert _trial_balance(devstack)[f"payouts_in_transit:{talent_id}|{currency}"] == 0
