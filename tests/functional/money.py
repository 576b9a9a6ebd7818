"""Helpers for the money tests: the providers' sandboxes served in process (several at
once, on one port), their callbacks handed to the API's webhook route, the queued
webhooks processed, the sweep run, the books read; and DynamoDB transaction conflicts
injected at the wire (a botocore hook on our own connection's client, not a patch of our
code), as a busy table produces them."""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import pytest
import requests

from devstack.sandbox.providers import SANDBOX_SECRETS, provider_env
from tests.functional.deals import ADMIN, CUSTOMER, TALENT, book, take, talent_with_service
from tests.payments_sandbox import Sandbox, _Recorder
from tests.support import JsonClient, free_port


@contextmanager
def serve_providers(names: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """The sandboxes of `names` on one port; the API is configured for them."""
    from chalicelib.payments import registry
    from chalicelib.settings import reset_settings
    from devstack.sandbox.server import SandboxServer

    modules = tuple(
        importlib.import_module(f"devstack.sandbox.providers.{name}").register for name in names
    )
    api_port, sandbox_port = free_port(), free_port()
    sandbox = Sandbox(
        url=f"http://127.0.0.1:{sandbox_port}", api_url=f"http://127.0.0.1:{api_port}"
    )
    recorder = ThreadingHTTPServer(("127.0.0.1", api_port), _Recorder)
    recorder.sandbox = sandbox  # type: ignore[attr-defined]
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    context = SimpleNamespace(api_url=sandbox.api_url, sandbox_url=sandbox.url)
    server = SandboxServer("127.0.0.1", sandbox_port, context, modules=modules)  # type: ignore[arg-type]
    server.start()
    for key, value in provider_env(sandbox.url).items():
        monkeypatch.setenv(key, value)
    for key, value in SANDBOX_SECRETS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PAYMENT_PROVIDERS", ",".join(names))
    monkeypatch.setenv("PUBLIC_API_URL", sandbox.api_url)
    reset_settings()
    registry.reset()
    try:
        yield sandbox
    finally:
        registry.reset()
        server.stop()
        recorder.shutdown()
        recorder.server_close()


def accepted_booking(api: JsonClient, deposit_percent: int = 0, **service: Any) -> dict[str, Any]:
    _, offered = talent_with_service(api, TALENT, deposit_percent=deposit_percent, **service)
    booking = book(api, offered["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    return booking


def pay(api: JsonClient, booking_id: str, provider: str) -> dict[str, Any]:
    reply = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking_id}, "provider": provider},
    )
    assert reply.status == 201, reply.body
    return dict(reply.body)


def complete(
    sandbox: Sandbox, provider: str, ref: str, outcome: str = "complete", **body: Any
) -> dict[str, Any]:
    """The payer's side at the provider; the provider's callback is recorded."""
    response = requests.post(
        f"{sandbox.url}/{provider}/payments/{ref}/{outcome}", json=body or None, timeout=10
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def deliver_callbacks(api: JsonClient, sandbox: Sandbox, provider: str) -> None:
    """Every callback the sandbox made, handed to the API's webhook route as sent."""
    assert sandbox.callbacks, "the provider made no callback"
    for callback in sandbox.callbacks:
        headers = {k: v for k, v in callback.headers.items() if k not in ("content-length", "host")}
        reply = api.request(
            "POST", f"/v1/payments/webhook/{provider}", body=callback.body, headers=headers
        )
        assert reply.status == 200, reply.body
    sandbox.callbacks.clear()


def stored_webhooks() -> list[dict[str, Any]]:
    from chalicelib import clients
    from chalicelib.settings import get_settings

    # Test-only look at what the route stored (the queue is shared between tests).
    return list(
        clients.client("dynamodb").scan(
            TableName=get_settings().table_name,
            FilterExpression="kind = :k",
            ExpressionAttributeValues={":k": {"S": "webhook"}},
        )["Items"]
    )


def process_webhooks(lambdas: Any) -> list[dict[str, Any]]:
    """What the webhooks queue delivers, through the processor Lambda: its failures."""
    ids = [item["webhook_id"]["S"] for item in stored_webhooks()]
    assert ids, "no webhook was stored"
    bodies = [json.dumps({"type": "webhook.received", "webhook_id": i}) for i in ids]
    event = lambdas.events.generate_sqs_event(
        message_bodies=bodies, queue_name="marketplace-webhooks"
    )
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"msg-{index}"
    failures: list[dict[str, Any]] = lambdas.lambda_.invoke("webhooks_worker", event).payload[
        "batchItemFailures"
    ]
    return failures


def sweep(lambdas: Any) -> None:
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    report = lambdas.lambda_.invoke("timers_sweep", event).payload
    assert report["failed"] == 0, report


def books(api: JsonClient) -> dict[str, int]:
    """Every account's balance; the trial balance is asserted zero per currency."""
    body = api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN).body
    assert body["balanced"] is True, body
    return {f"{a['account']}|{a['currency']}": a["balance"] for a in body["accounts"]}


def owed_refunds() -> list[Any]:
    """Refunds owed and not yet sent (their timers) and refunds waiting for an admin."""
    from chalicelib.models import refund_items

    return list(refund_items.manual())


class TransactionConflicts:
    """The next `count` TransactWriteItems calls are cancelled by DynamoDB with
    `TransactionConflict` on their first item, as when another transaction touched it."""

    def __init__(self) -> None:
        self.remaining = 0
        self.injected = 0

    def __call__(self, params: dict[str, Any], **_: Any) -> Any:
        if self.remaining <= 0:
            return None
        self.remaining -= 1
        self.injected += 1
        body = params.get("body") or b"{}"
        items = json.loads(body if isinstance(body, str) else body.decode()).get(
            "TransactItems", []
        )
        reasons = [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (len(items) - 1)
        from botocore.awsrequest import AWSResponse

        response = AWSResponse("https://dynamodb", 400, {}, None)
        parsed = {
            "Error": {
                "Code": "TransactionCanceledException",
                "Message": "Transaction cancelled, please refer cancellation reasons for "
                "specific reasons [TransactionConflict]",
            },
            "CancellationReasons": reasons,
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        return response, parsed


@contextmanager
def injected_conflicts() -> Iterator[TransactionConflicts]:
    from chalicelib.models.base import connection

    conflicts = TransactionConflicts()
    events = connection().client.meta.events
    events.register("before-call.dynamodb.TransactWriteItems", conflicts)
    try:
        yield conflicts
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", conflicts)
