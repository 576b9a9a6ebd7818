"""Steps that many end-to-end tests take on the local stack, over HTTP only: make a talent
with a service, book it, accept, pay through a provider's sandbox, move the shared clock,
run the schedules. Each step asserts its own status so a test reads as its scenario."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests

from tests.e2e.harness import RunningStack

HOUR = 3600
# Stripe takes no IQD; every Iraqi gateway does; areeba takes both.
CURRENCY = {"stripe": "USD", "fib": "IQD", "fastpay": "IQD", "nasswallet": "IQD", "areeba": "IQD"}


def ok(response: requests.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (response.request.method, response.url, response.text)
    body: dict[str, Any] = response.json()
    return body


def email(prefix: str = "e2e") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def now(stack: RunningStack) -> datetime:
    return instant(str(ok(stack.sandbox("GET", "/dev/clock"))["now"]))


def advance(stack: RunningStack, seconds: float) -> None:
    ok(stack.sandbox("POST", "/dev/clock", json={"advance_seconds": seconds}))


def tick(stack: RunningStack) -> dict[str, Any]:
    """Runs every schedule now and waits for the queues they fed; the sweep must not fail."""
    results = ok(stack.sandbox("POST", "/dev/tick"))["results"]
    sweep: dict[str, Any] = results["timers_sweep"]
    assert "error" not in sweep and sweep["failed"] == 0, sweep
    return results  # type: ignore[no-any-return]


def drain(stack: RunningStack) -> None:
    ok(stack.sandbox("POST", "/dev/drain"))


@dataclass(frozen=True)
class Talent:
    email: str
    token: str
    talent_id: str
    service_id: str


def create_talent_with_service(
    stack: RunningStack,
    *,
    currency: str = "IQD",
    price: int = 300000,
    policy: str = "moderate",
    category: str = "music.dj",
    deposit_percent: int = 0,
    display_name: str | None = None,
) -> Talent:
    """A fresh talent with one fixed-price, one-hour service (without deposit unless
    `deposit_percent` says)."""
    address = email("talent")
    token = stack.token(address)
    talent = ok(
        stack.api(
            "POST",
            "/v1/talent",
            token,
            json={
                "display_name": display_name or f"E2E Talent {uuid.uuid4().hex[:6]}",
                "categories": [category],
                "location": {"city": "Basra", "country": "IQ", "lat": 30.5, "lng": 47.8},
                "timezone": "Asia/Baghdad",
            },
        ),
        201,
    )
    service = ok(
        stack.api(
            "POST",
            f"/v1/talent/{talent['id']}/services",
            token,
            json={
                "title": "One hour set",
                "category": category,
                "pricing": {"type": "fixed", "price": {"amount": price, "currency": currency}},
                "duration_minutes": 60,
                "deposit_percent": deposit_percent,
                "cancellation_policy": policy,
            },
        ),
        201,
    )
    return Talent(address, token, str(talent["id"]), str(service["id"]))


def book(
    stack: RunningStack, customer: str, service_id: str, *, days_ahead: float = 5
) -> dict[str, Any]:
    start = (now(stack) + timedelta(days=days_ahead)).replace(minute=0, second=0, microsecond=0)
    booking = ok(
        stack.api(
            "POST",
            "/v1/bookings",
            customer,
            json={"service_id": service_id, "start": rfc3339(start)},
        ),
        201,
    )
    assert booking["state"] == "requested"
    return booking


def transition(
    stack: RunningStack,
    token: str,
    kind: str,
    subject_id: str,
    name: str,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    options: dict[str, Any] = {} if params is None else {"json": params}
    return ok(stack.api("POST", f"/v1/{kind}/{subject_id}/transitions/{name}", token, **options))


def pay(
    stack: RunningStack, customer: str, kind: str, subject_id: str, provider: str
) -> dict[str, Any]:
    """Pays for a subject through the provider's sandbox and waits until the webhook is
    processed: the payment has succeeded."""
    payment = ok(
        stack.api(
            "POST",
            "/v1/payments",
            customer,
            json={"subject": {"type": kind, "id": subject_id}, "provider": provider},
            headers={"Idempotency-Key": f"pay-{subject_id}"},
        ),
        201,
    )
    completed = ok(
        stack.sandbox("POST", f"/{provider}/payments/{payment['provider_ref']}/complete")
    )
    assert completed["callback"] is None or completed["callback"]["status_code"] == 200, completed
    drain(stack)
    paid = ok(stack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert paid["state"] == "succeeded", paid
    return paid


def confirmed_booking(
    stack: RunningStack,
    provider: str,
    *,
    policy: str = "moderate",
    days_ahead: float = 5,
    display_name: str | None = None,
) -> tuple[Talent, str, dict[str, Any], dict[str, Any]]:
    """A booking accepted by a fresh talent and paid by a fresh customer: (talent, customer
    token, booking, payment)."""
    currency = CURRENCY[provider]
    talent = create_talent_with_service(
        stack,
        currency=currency,
        price=25000 if currency == "USD" else 300000,
        policy=policy,
        display_name=display_name,
    )
    customer = stack.token(email("customer"))
    booking = book(stack, customer, talent.service_id, days_ahead=days_ahead)
    transition(stack, talent.token, "bookings", booking["id"], "accept")
    payment = pay(stack, customer, "booking", booking["id"], provider)
    confirmed = ok(stack.api("GET", f"/v1/bookings/{booking['id']}", customer))
    assert confirmed["state"] == "confirmed", confirmed
    return talent, customer, confirmed, payment


def trial_balance(stack: RunningStack) -> dict[str, int]:
    """Every account's balance by `account|currency`; the books must balance."""
    body = ok(stack.api("GET", "/v1/admin/ledger/trial-balance", stack.token(admin=True)))
    assert body["balanced"] is True, body["totals"]
    return {f"{a['account']}|{a['currency']}": a["balance"] for a in body["accounts"]}
