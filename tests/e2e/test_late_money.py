"""Late, short and split money on the local stack (issue #10, points 1, 3, 4): the payer
completes at the provider's sandbox after `/dev/clock` moved past the payment's expiry,
or pays less than asked, or pays a deposit and a balance through two providers; after
`/dev/drain` and `/dev/tick` each ends in one outcome (the booking confirmed, or the money
refunded), the trial balance is zero, and no payment is left pending."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PRICE = 300000
PAST_EXPIRY = 31 * 60


def _ok(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json()


def _now(devstack: RunningStack) -> datetime:
    text = _ok(devstack.sandbox("GET", "/dev/clock"))["now"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _books(devstack: RunningStack) -> dict[str, int]:
    body = _ok(devstack.api("GET", "/v1/admin/ledger/trial-balance", devstack.token(admin=True)))
    assert body["balanced"] is True, body["totals"]
    return {f"{a['account']}|{a['currency']}": a["balance"] for a in body["accounts"]}


def _accepted_booking(devstack: RunningStack, deposit_percent: int = 0) -> tuple[Any, str, str]:
    talent = devstack.token(f"late-talent-{uuid.uuid4().hex[:10]}@example.com")
    profile = _ok(
        devstack.api(
            "POST",
            "/v1/talent",
            talent,
            json={
                "display_name": f"Late {uuid.uuid4().hex[:6]}",
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
            f"/v1/talent/{profile['id']}/services",
            talent,
            json={
                "title": "DJ set, one hour",
                "category": "music.dj",
                "pricing": {"type": "fixed", "price": {"amount": PRICE, "currency": "IQD"}},
                "duration_minutes": 60,
                "deposit_percent": deposit_percent,
                "cancellation_policy": "moderate",
            },
        ),
        201,
    )
    customer = devstack.token(f"late-customer-{uuid.uuid4().hex[:10]}@example.com")
    start = (_now(devstack) + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    booking = _ok(
        devstack.api(
            "POST",
            "/v1/bookings",
            customer,
            json={"service_id": service["id"], "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
        ),
        201,
    )
    _ok(devstack.api("POST", f"/v1/bookings/{booking['id']}/transitions/accept", talent))
    return booking, customer, talent


def _pay(devstack: RunningStack, booking_id: str, customer: str, provider: str) -> Any:
    return _ok(
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
    return _ok(devstack.api("GET", f"/v1/payments/{payment_id}", devstack.token(admin=True)))


def _expire(devstack: RunningStack, payment_id: str) -> None:
    _ok(devstack.sandbox("POST", "/dev/clock", json={"advance_seconds": PAST_EXPIRY}))
    _ok(devstack.sandbox("POST", "/dev/tick"))
    assert _payment(devstack, payment_id)["state"] == "expired"


@pytest.mark.parametrize(("provider", "cancel_first"), [("fastpay", False), ("areeba", True)])
def test_a_success_after_expiry_confirms_or_is_refunded(
    devstack: RunningStack, provider: str, cancel_first: bool
) -> None:
    booking, customer, _ = _accepted_booking(devstack)
    payment = _pay(devstack, booking["id"], customer, provider)
    _expire(devstack, payment["id"])
    if cancel_first:  # the subject moved on meanwhile
        _ok(
            devstack.api(
                "POST",
                f"/v1/bookings/{booking['id']}/transitions/cancel",
                customer,
                json={"reason": "found another"},
            )
        )
    before = _books(devstack).get(f"provider:{provider}|IQD", 0)
    completed = _ok(
        devstack.sandbox("POST", f"/{provider}/payments/{payment['provider_ref']}/complete")
    )
    assert completed["callback"]["status_code"] == 200, completed
    _ok(devstack.sandbox("POST", "/dev/drain"))
    _ok(devstack.sandbox("POST", "/dev/tick"))
    state = _ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))["state"]
    books = _books(devstack)
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
    before = _books(devstack).get("provider:fastpay|IQD", 0)
    ref = payment["provider_ref"]
    _ok(
        devstack.sandbox(
            "POST", f"/fastpay/payments/{ref}/complete", json={"received_amount": 1000}
        )
    )
    _ok(devstack.sandbox("POST", "/dev/drain"))
    _ok(devstack.sandbox("POST", "/dev/tick"))
    ended = _payment(devstack, payment["id"])
    assert (ended["state"], ended["failure"]) == ("failed", "amount_mismatch")
    assert _ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))["state"] == (
        "accepted"
    )
    admin = devstack.token(admin=True)
    listed = _ok(devstack.api("GET", "/v1/admin/webhooks?state=failed&limit=100", admin))["items"]
    mine = [w for w in listed if w["provider_ref"] == ref]
    assert len(mine) == 1 and "amount_mismatch" in mine[0]["note"]
    assert _books(devstack)["provider:fastpay|IQD"] == before  # 1000 in, 1000 refunded


def test_a_deposit_and_a_balance_through_two_providers_are_each_refunded(
    devstack: RunningStack,
) -> None:
    booking, customer, _ = _accepted_booking(devstack, deposit_percent=30)
    before = _books(devstack)
    paid = []
    for provider in ("fastpay", "areeba"):
        payment = _pay(devstack, booking["id"], customer, provider)
        _ok(devstack.sandbox("POST", f"/{provider}/payments/{payment['provider_ref']}/complete"))
        _ok(devstack.sandbox("POST", "/dev/drain"))
        paid.append(payment["id"])
    _ok(
        devstack.api(
            "POST",
            f"/v1/bookings/{booking['id']}/transitions/cancel",
            customer,
            json={"reason": "plans changed"},
        )
    )
    _ok(devstack.sandbox("POST", "/dev/tick"))
    assert [_payment(devstack, p)["state"] for p in paid] == ["refunded", "refunded"]
    after = _books(devstack)
    for provider in ("fastpay", "areeba"):
        key = f"provider:{provider}|IQD"
        assert after[key] == before.get(key, 0), provider
    assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
