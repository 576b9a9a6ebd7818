"""Inputs that used to answer 500 (issue 11, point 4): each is a clear 4xx in the envelope
(or a harmless no-op) and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.models import payment_items as payment_store
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.functional.deals import CUSTOMER, talent_with_service
from tests.functional.factories import count_items, create_talent, verified_media
from tests.support import JsonClient


def _envelope(reply: Any, status: int, code: str) -> None:
    assert reply.status == status, reply.body
    assert reply.error_code == code, reply.body


def test_a_booking_at_the_end_of_time_is_a_400_and_stores_nothing(api: JsonClient) -> None:
    _, service = talent_with_service(api)
    for start, end in [
        ("9999-12-31T23:50:00Z", None),
        ("9999-12-31T20:00:00-05:00", None),  # past year 9999 once in UTC
        ("2026-12-10T18:00:00Z", "9999-12-31T23:59:59Z"),
        ("9000-01-01T00:00:00Z", None),
    ]:
        body: dict[str, Any] = {"service_id": service["id"], "start": start}
        if end:
            body["end"] = end
        reply = api.post("/v1/bookings", as_user=CUSTOMER, json_body=body)
        _envelope(reply, 400, "VALIDATION_ERROR")
    assert count_items("subject") == 0
    assert api.get("/v1/bookings", as_user=CUSTOMER).body["items"] == []


def test_an_empty_portfolio_patch_changes_nothing(api: JsonClient) -> None:
    email = "empty@example.com"
    talent = create_talent(api, email)
    base = f"/v1/talent/{talent['id']}/portfolio"
    item = api.post(
        base, as_user=email, json_body={"title": "Show", "media_id": verified_media(api, email)}
    ).body
    before = api.get(f"/v1/talent/{talent['id']}").body["portfolio"]
    assert [i["id"] for i in before] == [item["id"]]

    reply = api.patch(f"{base}/{item['id']}", as_user=email, json_body={})

    assert reply.status in (200, 400), reply.body
    if reply.status == 400:
        _envelope(reply, 400, "VALIDATION_ERROR")
    assert api.get(f"/v1/talent/{talent['id']}").body["portfolio"] == before


@pytest.fixture
def fib(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """FIB enabled; its callback is only parsed here, so nothing answers at the base URL."""
    from chalicelib.payments import registry
    from chalicelib.settings import reset_settings

    monkeypatch.setenv("FIB_BASE_URL", "http://127.0.0.1:9/fib")
    for key, value in SANDBOX_SECRETS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PAYMENT_PROVIDERS", "fib")
    reset_settings()
    registry.reset()
    yield
    registry.reset()


def test_a_small_unsigned_callback_is_still_kept(api: JsonClient, fib: None) -> None:
    reply = api.post(
        "/v1/payments/webhook/fib",
        body=json.dumps({"id": "no-such-payment", "status": "PAID"}),
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 200, reply.body
    assert count_items("webhook") == 1


def test_an_oversized_unsigned_callback_is_refused_and_nothing_is_stored(
    api: JsonClient, fib: None
) -> None:
    huge = json.dumps({"id": "no-such-payment", "status": "PAID", "pad": "x" * 400_000})
    reply = api.post(
        "/v1/payments/webhook/fib", body=huge, headers={"Content-Type": "application/json"}
    )
    assert reply.status in (400, 413), reply.body
    assert reply.error_code in ("VALIDATION_ERROR", "PAYLOAD_TOO_LARGE"), reply.body
    assert count_items("webhook") == 0
    assert payment_store.list_webhooks("received", limit=10, cursor=None)[0] == []


def test_a_callback_naming_a_huge_reference_is_refused(api: JsonClient, fib: None) -> None:
    body = json.dumps({"id": "r" * 5000, "status": "PAID"})
    reply = api.post(
        "/v1/payments/webhook/fib", body=body, headers={"Content-Type": "application/json"}
    )
    _envelope(reply, 400, "VALIDATION_ERROR")
    assert count_items("webhook") == 0
