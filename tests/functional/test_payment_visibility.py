"""Who sees a payment's `action`: the payer, whole; an admin, with its secrets redacted;
the payee, not at all (the QR code, deep links or client secret would let them act as the
payer's checkout)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.models import payment_items as payment_store
from chalicelib.payments import registry
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.functional.deals import ADMIN, CUSTOMER, TALENT, book, take, talent_with_service
from tests.payments_sandbox import Sandbox, serve_provider
from tests.support import JsonClient


@pytest.fixture
def fib(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with serve_provider("fib") as sandbox:
        monkeypatch.setenv("FIB_BASE_URL", sandbox.url + "/fib")
        for key, value in SANDBOX_SECRETS.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("PAYMENT_PROVIDERS", "fib")
        monkeypatch.setenv("PUBLIC_API_URL", sandbox.api_url)
        from chalicelib.settings import reset_settings

        reset_settings()
        registry.reset()
        yield sandbox
    registry.reset()


def _pending_fib_payment(api: JsonClient) -> dict[str, Any]:
    _, offered = talent_with_service(api, TALENT, deposit_percent=0)
    booking = book(api, offered["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    reply = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": "fib"},
    )
    assert reply.status == 201, reply.body
    return dict(reply.body)


def test_only_the_payer_sees_the_action_whole(
    api: JsonClient, fib: Sandbox, frozen_clock: Any
) -> None:
    created = _pending_fib_payment(api)
    # GIVEN a pending FIB payment, whose action is a QR code and deep links
    action = created["action"]
    assert action["type"] == "qr" and action["qr_code"] and action["deeplinks"]
    before = payment_store.require(created["id"])

    # WHEN the payer, the payee and an admin read it
    as_payer = api.get(f"/v1/payments/{created['id']}", as_user=CUSTOMER)
    as_payee = api.get(f"/v1/payments/{created['id']}", as_user=TALENT)
    as_admin = api.get(f"/v1/payments/{created['id']}", as_user=ADMIN)

    # THEN the payer gets it all, the payee none of it, the admin only its shape
    assert as_payer.status == as_payee.status == as_admin.status == 200
    assert as_payer.body["action"] == action
    assert as_payee.body["action"] is None
    assert as_payee.body["amount"] == created["amount"]
    assert as_payee.body["state"] == "pending"
    redacted = as_admin.body["action"]
    assert redacted["type"] == "qr"
    assert redacted["qr_code"] == "[redacted]"
    assert set(redacted["deeplinks"]) == set(action["deeplinks"])
    assert set(redacted["deeplinks"].values()) == {"[redacted]"}
    assert action["qr_code"] not in str(as_admin.body)
    # Reading changed nothing stored: the payer still has what they need to pay.
    assert payment_store.require(created["id"]).action == before.action == action


def test_an_admin_sees_a_client_secret_redacted_and_urls_without_their_query() -> None:
    from chalicelib.usecases.payment_views import redacted_action

    secret = {
        "type": "client_secret",
        "client_secret": "pi_123_secret_456",
        "expires_at": "2026-12-01T10:00:00Z",
    }
    shown = redacted_action(secret)
    assert shown == {
        "type": "client_secret",
        "client_secret": "[redacted]",
        "expires_at": "2026-12-01T10:00:00Z",
    }
    link = {"type": "redirect", "url": "https://checkout.example/pay?id=1&token=abc#x"}
    assert redacted_action(link) == {"type": "redirect", "url": "https://checkout.example/pay"}
