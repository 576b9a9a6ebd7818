"""Reconciliation when the provider will not say, or will not cancel: a FastPay validate
code nobody documented is asked again and, past the deadline, the payment is abandoned
like a silent one (a later success is still honoured); a FIB cancel that fails at the
deadline leaves the payment pending for the next recheck instead of calling it expired
while FIB may still take the money."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.models import payment_items as payment_store
from chalicelib.payments import registry
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.fault_proxy import FaultProxy, fault_proxy
from tests.functional.deals import CUSTOMER, TALENT, book, take, talent_with_service
from tests.payments_sandbox import serve_provider
from tests.support import JsonClient

BASE_PATHS = {"fib": "/fib", "fastpay": "/fastpay"}


@pytest.fixture
def proxied(
    request: pytest.FixtureRequest, stack: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FaultProxy]:
    name = request.param
    with serve_provider(name) as sandbox, fault_proxy(sandbox.url) as proxy:
        monkeypatch.setenv(f"{name.upper()}_BASE_URL", proxy.url + BASE_PATHS[name])
        for key, value in SANDBOX_SECRETS.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("PAYMENT_PROVIDERS", name)
        monkeypatch.setenv("PUBLIC_API_URL", sandbox.api_url)
        from chalicelib.settings import reset_settings

        reset_settings()
        registry.reset()
        proxy.name = name  # type: ignore[attr-defined]
        yield proxy
    registry.reset()


def _pay(api: JsonClient, provider: str) -> tuple[dict[str, Any], dict[str, Any]]:
    _, offered = talent_with_service(api, TALENT, deposit_percent=0)
    booking = book(api, offered["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    reply = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": provider},
    )
    assert reply.status == 201, reply.body
    return booking, reply.body


def _sweep(lambdas: Any) -> dict[str, Any]:
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    return dict(lambdas.lambda_.invoke("timers_sweep", event).payload)


@pytest.mark.parametrize("proxied", ["fastpay"], indirect=True)
def test_an_undocumented_validate_code_lets_reconciliation_expire_the_payment(
    api: JsonClient, lambdas: Any, proxied: FaultProxy, frozen_clock: Any
) -> None:
    booking, payment = _pay(api, "fastpay")
    # GIVEN FastPay answers validate with a code it never documented (under HTTP 200)
    odd = {"code": 418, "messages": ["Unexpected state"], "data": None}
    proxied.faults["/validate"] = (200, json.dumps(odd).encode())
    # WHEN the rechecks run before the deadline THEN the payment is still pending
    frozen_clock.advance(4 * 60)
    _sweep(lambdas)
    assert payment_store.require(payment["id"]).state == "pending"
    assert any(hit.endswith("/validate") for hit in proxied.hits)
    # AND past the deadline it is abandoned like a silent one
    frozen_clock.advance(31 * 60)
    report = _sweep(lambdas)
    assert report["failed"] == 0, report
    expired = payment_store.require(payment["id"])
    assert (expired.state, expired.failure) == ("expired", "abandoned: not completed in time")
    booked = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert booked["state"] == "accepted"


@pytest.mark.parametrize("proxied", ["fib"], indirect=True)
def test_a_failed_fib_cancel_at_the_deadline_keeps_the_payment_pending(
    api: JsonClient, lambdas: Any, proxied: FaultProxy, frozen_clock: Any
) -> None:
    _, payment = _pay(api, "fib")
    # GIVEN FIB refuses to cancel (its outage, say)
    proxied.faults["/cancel"] = (503, b'{"errors": [{"title": "unavailable"}]}')
    # WHEN the deadline passes and the sweep tries to cancel
    frozen_clock.advance(35 * 60)
    report = _sweep(lambdas)
    # THEN it is not expired: FIB may still take the money; the failure is counted
    assert payment_store.require(payment["id"]).state == "pending"
    assert report["failed"] >= 1, report
    assert any(hit.endswith("/cancel") for hit in proxied.hits)
    # AND once FIB cancels, the next recheck expires it
    proxied.faults.clear()
    frozen_clock.advance(4 * 60)
    _sweep(lambdas)
    assert payment_store.require(payment["id"]).state == "expired"
