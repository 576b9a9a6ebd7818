"""Prices have a ceiling per currency (MAX_PRICE) and a deposit that rounds to nothing is
refused where it can first be known: at the quote, at the service, at the booking. Each
refusal is a 400 that changes nothing (before, the zero deposit reached the provider and
came back as a 502)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.models import service as service_store
from tests.functional.deals import CUSTOMER, TALENT, book, take, talent_with_service
from tests.functional.factories import count_items, create_talent, service_body
from tests.support import JsonClient


@pytest.fixture
def low_ceiling(stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.settings import reset_settings

    monkeypatch.setenv("MAX_PRICE", "IQD=1000000,USD=50000")
    reset_settings()


def _requested(api: JsonClient, **service: Any) -> dict[str, Any]:
    _, offered = talent_with_service(api, TALENT, **service)
    return book(api, offered["id"])


def _refused(reply: Any) -> None:
    assert reply.status == 400, reply.body
    assert reply.body["error"]["code"] == "VALIDATION_ERROR"


def test_a_quote_above_the_currency_ceiling_is_refused(
    api: JsonClient, low_ceiling: None, frozen_clock: Any
) -> None:
    booking = _requested(api, deposit_percent=30)
    # GIVEN a requested booking WHEN the talent quotes over the IQD ceiling
    reply = take(
        api,
        "bookings",
        booking["id"],
        "quote",
        TALENT,
        price={"amount": 1000001, "currency": "IQD"},
    )
    # THEN 400 and the booking is as it was
    _refused(reply)
    assert reply.body["error"]["details"]["max"] == {"amount": 1000000, "currency": "IQD"}
    after = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert (after["state"], after["version"], after["price"]) == (
        "requested",
        booking["version"],
        booking["price"],
    )
    # The ceiling itself is a price.
    ok = take(
        api,
        "bookings",
        booking["id"],
        "quote",
        TALENT,
        price={"amount": 1000000, "currency": "IQD"},
    )
    assert ok.status == 200, ok.body
    assert ok.body["deposit"] == {"amount": 300000, "currency": "IQD"}


def test_a_quote_whose_deposit_rounds_to_zero_is_refused(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking = _requested(api, deposit_percent=30)
    reply = take(
        api, "bookings", booking["id"], "quote", TALENT, price={"amount": 3, "currency": "IQD"}
    )
    _refused(reply)
    after = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert (after["state"], after["version"], after["deposit"]) == (
        "requested",
        booking["version"],
        booking["deposit"],
    )


def test_a_service_whose_deposit_or_price_cannot_be_paid_is_refused(
    api: JsonClient, low_ceiling: None
) -> None:
    talent = create_talent(api, TALENT)
    path = f"/v1/talent/{talent['id']}/services"
    tiny = {"type": "fixed", "price": {"amount": 3, "currency": "IQD"}}
    hourly = {"type": "hourly", "price": {"amount": 2, "currency": "IQD"}}
    big = {"type": "fixed", "price": {"amount": 2000000, "currency": "IQD"}}
    package = {
        "tier": "basic",
        "title": "Short",
        "price": {"amount": 1, "currency": "IQD"},
        "delivery_days": 1,
        "revisions": 0,
    }
    bodies = [
        service_body(pricing=tiny, deposit_percent=30),
        # The shortest booking of an hourly service (its duration) must carry a deposit.
        service_body(pricing=hourly, duration_minutes=60, deposit_percent=30),
        service_body(pricing=big),
        service_body(packages=[package], deposit_percent=30),
    ]
    for body in bodies:
        _refused(api.post(path, as_user=TALENT, json_body=body))
    assert count_items("service") == 0
    # The same prices without a deposit, under the ceiling, are fine.
    created = api.post(
        path, as_user=TALENT, json_body=service_body(pricing=tiny, deposit_percent=0)
    )
    assert created.status == 201, created.body
    # And a change that would make its deposit round to zero is refused too.
    patched = api.patch(
        f"/v1/services/{created.body['id']}", as_user=TALENT, json_body={"deposit_percent": 30}
    )
    _refused(patched)
    assert service_store.require(created.body["id"]).deposit_percent == 0


def test_a_booking_whose_deposit_rounds_to_zero_is_refused(
    api: JsonClient, frozen_clock: Any
) -> None:
    _, offered = talent_with_service(api, TALENT, deposit_percent=0)
    # A service stored before deposits were checked: 3 IQD with 30 % down.
    stored = service_store.require(offered["id"])
    service_store.update(
        stored,
        {
            "pricing": {"type": "fixed", "price": {"amount": 3, "currency": "IQD"}},
            "deposit_percent": 30,
        },
    )
    reply = api.post(
        "/v1/bookings",
        as_user=CUSTOMER,
        json_body={"service_id": offered["id"], "start": "2026-12-10T18:00:00Z"},
    )
    _refused(reply)
    assert count_items("subject") == 0


@pytest.fixture
def fib(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from chalicelib.payments import registry
    from chalicelib.settings import reset_settings
    from devstack.sandbox.providers import SANDBOX_SECRETS
    from tests.payments_sandbox import serve_provider

    with serve_provider("fib") as sandbox:
        monkeypatch.setenv("FIB_BASE_URL", sandbox.url + "/fib")
        for key, value in SANDBOX_SECRETS.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("PAYMENT_PROVIDERS", "fib")
        monkeypatch.setenv("PUBLIC_API_URL", sandbox.api_url)
        reset_settings()
        registry.reset()
        yield
    registry.reset()


def test_a_zero_amount_due_is_refused_before_any_provider_is_asked(
    api: JsonClient, fib: None, frozen_clock: Any
) -> None:
    from chalicelib.models import keys
    from chalicelib.models.subjects import SubjectItem

    booking = _requested(api, deposit_percent=30)
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    # A booking stored before deposits were checked, whose deposit rounded to 0.
    item = SubjectItem.get(keys.subject_pk("booking", booking["id"]), keys.SUBJECT_SK)
    item.update(
        actions=[SubjectItem.data.set({**item.data, "deposit": {"amount": 0, "currency": "IQD"}})]
    )
    reply = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": "fib"},
    )
    _refused(reply)
    assert count_items("payment") == 0
