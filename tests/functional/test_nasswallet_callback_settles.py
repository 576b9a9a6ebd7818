"""NassWallet's checkTransaction has no official documentation (docs/payments.md): when it
is unavailable, the callback itself settles the payment, but only if it names our order,
the transaction we opened and exactly the amount due. Anything else is refused and the
payment stays pending for reconciliation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from chalicelib.models import payment_items as payment_store
from chalicelib.payments import registry
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.fault_proxy import FaultProxy, fault_proxy
from tests.functional.deals import CUSTOMER, TALENT, book, take, talent_with_service
from tests.payments_sandbox import Sandbox, serve_provider
from tests.support import JsonClient


@pytest.fixture
def nasswallet(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, FaultProxy]]:
    with serve_provider("nasswallet") as sandbox, fault_proxy(sandbox.url) as proxy:
        for key, value in SANDBOX_SECRETS.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("NASSWALLET_BASE_URL", f"{proxy.url}/nasswallet/payment/transaction")
        monkeypatch.setenv("NASSWALLET_CHECKOUT_URL", f"{sandbox.url}/nasswallet/payment-gateway")
        monkeypatch.setenv("PAYMENT_PROVIDERS", "nasswallet")
        monkeypatch.setenv("PUBLIC_API_URL", sandbox.api_url)
        from chalicelib.settings import reset_settings

        reset_settings()
        registry.reset()
        yield sandbox, proxy
    registry.reset()


def _paid_callback(
    api: JsonClient, sandbox: Sandbox
) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    _, offered = talent_with_service(api, TALENT, deposit_percent=0)
    booking = book(api, offered["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    reply = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": "nasswallet"},
    )
    assert reply.status == 201, reply.body
    done = requests.post(
        f"{sandbox.url}/nasswallet/payments/{reply.body['provider_ref']}/complete", timeout=10
    )
    assert done.status_code == 200, done.text
    [callback] = sandbox.callbacks
    return booking, reply.body, callback.body


def _deliver_and_process(api: JsonClient, lambdas: Any, body: bytes) -> dict[str, Any]:
    reply = api.request(
        "POST",
        "/v1/payments/webhook/nasswallet",
        body=body,
        headers={"Content-Type": "application/json"},
    )
    assert reply.status == 200, reply.body
    found, _ = payment_store.list_webhooks("received", limit=1, cursor=None)
    webhook_id = found[0].webhook_id
    event = lambdas.events.generate_sqs_event(
        message_bodies=[json.dumps({"type": "webhook.received", "webhook_id": webhook_id})],
        queue_name="marketplace-webhooks",
    )
    return dict(lambdas.lambda_.invoke("webhooks_worker", event).payload)


FORGERIES = [
    {"amount": 1},
    {"orderId": "someoneelsesorder0000000"},
    {"InitTransactionId": "another-transaction"},
    {"transactionStatus": "FAILED"},
]


def test_only_a_callback_that_matches_exactly_settles_when_check_transaction_is_gone(
    api: JsonClient, lambdas: Any, nasswallet: tuple[Sandbox, FaultProxy], frozen_clock: Any
) -> None:
    sandbox, proxy = nasswallet
    booking, payment, body = _paid_callback(api, sandbox)
    # GIVEN checkTransaction is gone (the undocumented endpoint answers 404)
    proxy.faults["/checkTransaction"] = (404, b'{"message": "Not Found"}')
    # WHEN callbacks that differ from the payment in one field each arrive
    for change in FORGERIES:
        forged = json.loads(body)
        forged["data"].update(change)
        _deliver_and_process(api, lambdas, json.dumps(forged).encode())
        # THEN each settles nothing
        assert payment_store.require(payment["id"]).state == "pending", change
    assert any(hit.endswith("/checkTransaction") for hit in proxy.hits)
    booked = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert booked["state"] == "accepted"
    # AND the genuine callback settles it on its own order and amount
    result = _deliver_and_process(api, lambdas, body)
    assert result == {"batchItemFailures": []}, result
    assert payment_store.require(payment["id"]).state == "succeeded"
    booked = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert booked["state"] == "confirmed"
    balance = api.get("/v1/admin/ledger/trial-balance", as_user="admin@example.com").body
    assert balance["balanced"] is True
    accounts = {a["account"]: a["balance"] for a in balance["accounts"]}
    assert accounts[f"escrow:booking:{booking['id']}"] == payment["amount"]["amount"]
