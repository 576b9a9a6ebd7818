"""The application's rate limiter: a token bucket per user (per source address without a
token) on every write and on provider-touching reads; a refused request is a 429 with
Retry-After that changes nothing; time refills the bucket."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from chalicelib.clock import FrozenClock
from chalicelib.payments import registry
from chalicelib.payments.base import Action, Capabilities, Order, ProviderPayment, ProviderStatus
from chalicelib.settings import reset_settings
from tests.functional.deals import CUSTOMER, TALENT, book, take, talent_with_service
from tests.support import JsonClient

ANN = "ann@example.com"
BEN = "ben@example.com"


@pytest.fixture
def small_limits(stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Three at once, then one a minute; addresses get two, then one a minute.
    monkeypatch.setenv("RATE_LIMIT_USER_BURST", "3")
    monkeypatch.setenv("RATE_LIMIT_USER_PER_MINUTE", "1")
    monkeypatch.setenv("RATE_LIMIT_IP_BURST", "2")
    monkeypatch.setenv("RATE_LIMIT_IP_PER_MINUTE", "1")
    monkeypatch.setenv("PAYMENT_RECHECK_SECONDS", "30")
    reset_settings()


def _rename(api: JsonClient, who: str, name: str, **headers: str) -> Any:
    return api.patch("/v1/me", as_user=who, json_body={"display_name": name}, headers=headers)


def _name(api: JsonClient, who: str) -> str:
    reply = api.get("/v1/me", as_user=who)
    assert reply.status == 200, reply.body
    return str(reply.body["display_name"])


def test_a_user_gets_a_burst_then_429_until_the_bucket_refills(
    api: JsonClient, frozen_clock: FrozenClock, small_limits: None
) -> None:
    # GIVEN a user who spends the whole burst
    for n in (1, 2, 3):
        assert _rename(api, ANN, f"Ann {n}").status == 200
    # WHEN it writes once more THEN 429 in the envelope, with Retry-After, and no change
    refused = _rename(api, ANN, "Ann 4")
    assert refused.status == 429, refused.body
    assert refused.error_code == "RATE_LIMITED"
    assert refused.headers["Retry-After"] == "60"
    assert refused.body["error"]["details"]["retry_after_seconds"] == 60
    assert _name(api, ANN) == "Ann 3"
    # AND reads that touch no provider are not limited
    for _ in range(5):
        assert api.get("/v1/me", as_user=ANN).status == 200
    # AND another user has a bucket of its own
    assert _rename(api, BEN, "Ben").status == 200
    # WHEN less than the Retry-After passes THEN still refused
    frozen_clock.advance(59)
    assert _rename(api, ANN, "Ann 4").status == 429
    # WHEN a token has been refilled THEN exactly one more write passes
    frozen_clock.advance(1)
    assert _rename(api, ANN, "Ann 4").status == 200
    again = _rename(api, ANN, "Ann 5")
    assert again.status == 429
    assert again.headers["Retry-After"] == "60"
    assert _name(api, ANN) == "Ann 4"


def test_after_a_quiet_hour_the_whole_burst_is_back(
    api: JsonClient, frozen_clock: FrozenClock, small_limits: None
) -> None:
    for n in range(3):
        assert _rename(api, ANN, f"A{n}").status == 200
    assert _rename(api, ANN, "A3").status == 429
    frozen_clock.advance(3600)
    assert [_rename(api, ANN, f"B{n}").status for n in range(4)] == [200, 200, 200, 429]


def test_a_refused_request_does_not_use_up_its_idempotency_key(
    api: JsonClient, frozen_clock: FrozenClock, small_limits: None
) -> None:
    for n in range(3):
        assert _rename(api, ANN, f"A{n}").status == 200
    refused = _rename(api, ANN, "Keyed", **{"Idempotency-Key": "k-1"})
    assert refused.status == 429
    frozen_clock.advance(60)
    # THEN the retry with the same key runs for real (not a replay of the 429)
    retried = _rename(api, ANN, "Keyed", **{"Idempotency-Key": "k-1"})
    assert retried.status == 200, retried.body
    assert "Idempotent-Replayed" not in retried.headers
    assert _name(api, ANN) == "Keyed"


def test_without_a_token_the_source_address_is_limited(
    api: JsonClient, frozen_clock: FrozenClock, small_limits: None
) -> None:
    # Every request from chalice's test client comes from 127.0.0.1.
    statuses = [api.post("/v1/talent", json_body={}).status for _ in range(3)]
    assert statuses == [401, 401, 429]
    # AND a signed-in user from the same address still has its own bucket
    assert _rename(api, ANN, "Ann").status == 200
    frozen_clock.advance(60)
    assert api.post("/v1/talent", json_body={}).status == 401


@dataclass
class CountingProvider:
    """Opens payments and reports them pending; counts how often it is asked."""

    name: str = "fib"
    capabilities: ClassVar[Capabilities] = Capabilities(
        currencies=frozenset({"IQD"}),
        refund=False,
        partial_refund=False,
        cancel=False,
        payout=False,
        signed_callbacks=False,
    )
    status_calls: list[str] = field(default_factory=list)

    def create_payment(self, order: Order) -> ProviderPayment:
        return ProviderPayment(provider_ref=f"ref-{order.payment_id}", action=Action("redirect"))

    def get_status(self, provider_ref: str, *, order_ref: str | None = None) -> ProviderStatus:
        self.status_calls.append(provider_ref)
        return ProviderStatus(provider_ref=provider_ref, state="pending")


@pytest.fixture
def fib() -> Iterator[CountingProvider]:
    registry.reset()
    fake = CountingProvider()
    registry._built["fib"] = fake  # type: ignore[assignment]
    yield fake
    registry.reset()


def test_a_pending_payment_is_rechecked_at_most_once_per_interval(
    api: JsonClient, frozen_clock: FrozenClock, stack: Any, fib: CountingProvider
) -> None:
    _, offered = talent_with_service(api, TALENT, deposit_percent=0)
    booking = book(api, offered["id"])
    take(api, "bookings", booking["id"], "accept", TALENT)
    created = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": "fib"},
    )
    assert created.status == 201, created.body
    path = f"/v1/payments/{created.body['id']}"
    # GIVEN both parties look at it, again and again
    for who in (CUSTOMER, TALENT, CUSTOMER, TALENT):
        reply = api.get(path, as_user=who)
        assert reply.status == 200, reply.body
        assert reply.body["state"] == "pending"
    # THEN the provider was asked once (the default interval is 10 s)
    assert fib.status_calls == [f"ref-{created.body['id']}"]
    frozen_clock.advance(10)
    assert api.get(path, as_user=CUSTOMER).status == 200
    assert api.get(path, as_user=TALENT).status == 200
    assert len(fib.status_calls) == 2


def test_reading_a_payment_takes_from_the_callers_bucket(
    api: JsonClient, frozen_clock: FrozenClock, small_limits: None
) -> None:
    # A payment nobody may see is still a provider-touching read: the token is taken first.
    statuses = [api.get("/v1/payments/nope", as_user=ANN).status for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
