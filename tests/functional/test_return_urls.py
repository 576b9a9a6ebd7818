"""Where a provider sends a browser back to (a payment's `return_url`, Stripe onboarding's
return and refresh URLs) must be on an origin in ALLOWED_RETURN_ORIGINS: anything else is
a 400 that changes nothing, so our pages cannot be used as an open redirect."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from chalicelib.models import payment_items as payment_store
from chalicelib.payments import registry
from chalicelib.payments.base import Action, Capabilities, Order, ProviderPayment
from chalicelib.settings import reset_settings
from tests.functional.deals import CUSTOMER, TALENT, book, take, talent_with_service
from tests.functional.factories import create_talent
from tests.support import JsonClient

ALLOWED = "https://app.example.com,http://localhost:3000"
REFUSED = [
    "https://evil.example/pay",
    "https://app.example.com.evil.example/",
    "https://app.example.com@evil.example/",
    "https://evil.example\\@app.example.com/",
    "http://app.example.com/",  # another scheme is another origin
    "https://app.example.com:8443/",
    "http://localhost:3001/",
    "javascript:alert(1)",
    "//evil.example/",
]


@dataclass
class RecordingProvider:
    """A provider that only remembers what it was asked to open."""

    name: str = "fib"
    capabilities: ClassVar[Capabilities] = Capabilities(
        currencies=frozenset({"IQD"}),
        refund=False,
        partial_refund=False,
        cancel=False,
        payout=False,
        signed_callbacks=False,
    )
    orders: list[Order] = field(default_factory=list)

    def create_payment(self, order: Order) -> ProviderPayment:
        self.orders.append(order)
        return ProviderPayment(
            provider_ref=f"ref-{len(self.orders)}", action=Action(type="redirect", url="https://p")
        )


@dataclass
class RecordingStripe:
    name: str = "stripe"
    links: list[tuple[str, str, str]] = field(default_factory=list)

    def create_express_account(self, email: str, country: str, *, reference: str | None) -> Any:
        return type("Account", (), {"account_id": "acct_0001"})()

    def account_link(self, account_id: str, refresh_url: str, return_url: str) -> Any:
        self.links.append((account_id, refresh_url, return_url))
        return type("Link", (), {"url": f"https://connect.stripe.test/setup/{account_id}"})()


@pytest.fixture
def allowed_origins(stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_RETURN_ORIGINS", ALLOWED)
    reset_settings()


@pytest.fixture
def fib() -> Iterator[RecordingProvider]:
    registry.reset()
    fake = RecordingProvider()
    registry._built["fib"] = fake  # type: ignore[assignment]
    yield fake
    registry.reset()


@pytest.fixture
def stripe() -> Iterator[RecordingStripe]:
    registry.reset()
    fake = RecordingStripe()
    registry._built["stripe"] = fake  # type: ignore[assignment]
    yield fake
    registry.reset()


def _payments_of(booking_id: str) -> list[Any]:
    return [
        item
        for item in payment_store.PaymentItem.scan()
        if isinstance(item, payment_store.PaymentItem) and item.subject_id == booking_id
    ]


def _pay(api: JsonClient, booking_id: str, return_url: str) -> Any:
    return api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={
            "subject": {"type": "booking", "id": booking_id},
            "provider": "fib",
            "return_url": return_url,
        },
    )


def test_a_payment_returns_only_to_an_allowed_origin(
    api: JsonClient, allowed_origins: None, fib: RecordingProvider
) -> None:
    _, offered = talent_with_service(api, TALENT, deposit_percent=0)
    booking = book(api, offered["id"])
    take(api, "bookings", booking["id"], "accept", TALENT)
    for url in REFUSED:
        reply = _pay(api, booking["id"], url)
        assert reply.status == 400, (url, reply.body)
        assert reply.error_code == "VALIDATION_ERROR"
        assert reply.body["error"]["details"]["fields"][0]["field"] == "return_url"
    # THEN nothing was stored and no provider was asked
    assert _payments_of(booking["id"]) == []
    assert fib.orders == []
    assert api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body["state"] == "accepted"
    # WHEN the origin is listed THEN the provider gets the URL as given
    reply = _pay(api, booking["id"], "https://app.example.com:443/bookings/1?paid=1")
    assert reply.status == 201, reply.body
    assert [order.return_url for order in fib.orders] == [
        "https://app.example.com:443/bookings/1?paid=1"
    ]
    assert len(_payments_of(booking["id"])) == 1


def test_without_allowed_origins_every_return_url_is_refused(
    api: JsonClient, fib: RecordingProvider
) -> None:
    _, offered = talent_with_service(api, TALENT, deposit_percent=0)
    booking = book(api, offered["id"])
    take(api, "bookings", booking["id"], "accept", TALENT)
    reply = _pay(api, booking["id"], "https://app.example.com/")
    assert reply.status == 400, reply.body
    assert _payments_of(booking["id"]) == []
    # Without one, the payer comes back to the payment itself (the API's own origin).
    reply = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": "fib"},
    )
    assert reply.status == 201, reply.body
    assert fib.orders[0].return_url is not None
    assert fib.orders[0].return_url.endswith(f"/v1/payments/{reply.body['id']}")


def test_stripe_onboarding_returns_only_to_an_allowed_origin(
    api: JsonClient, allowed_origins: None, stripe: RecordingStripe
) -> None:
    create_talent(api, TALENT)
    for name in ("return_url", "refresh_url"):
        for url in REFUSED:
            reply = api.put(
                "/v1/me/payout-method",
                as_user=TALENT,
                json_body={"provider": "stripe", "details": {name: url}},
            )
            assert reply.status == 400, (name, url, reply.body)
            assert reply.error_code == "VALIDATION_ERROR"
            assert reply.body["error"]["details"]["fields"][0]["field"] == f"details.{name}"
    # THEN no method was set and Stripe was never asked for a link
    assert api.get("/v1/me/payout-method", as_user=TALENT).status == 404
    assert stripe.links == []
    reply = api.put(
        "/v1/me/payout-method",
        as_user=TALENT,
        json_body={
            "provider": "stripe",
            "details": {
                "return_url": "https://app.example.com/done",
                "refresh_url": "http://localhost:3000/again",
            },
        },
    )
    assert reply.status == 200, reply.body
    assert stripe.links == [
        ("acct_0001", "http://localhost:3000/again", "https://app.example.com/done")
    ]


@pytest.mark.parametrize(
    "raw", ["https://app.example.com/path", "ftp://files.example", "app.example.com"]
)
def test_allowed_return_origins_must_be_origins(raw: str) -> None:
    from chalicelib.settings import load_settings
    from tests.deployed_env import REQUIRED

    with pytest.raises(ValueError, match="ALLOWED_RETURN_ORIGINS"):
        load_settings({**REQUIRED, "ALLOWED_RETURN_ORIGINS": raw})
