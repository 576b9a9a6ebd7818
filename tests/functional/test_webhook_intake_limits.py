"""Webhook intake cannot be used to grow the table without bound: an oversized body is a
413 with nothing stored; every stored callback expires; an unsigned provider's callback
naming no payment expires soon, and each such callback is counted once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from chalicelib import clients
from chalicelib.clock import FrozenClock
from chalicelib.models import payment_items as payment_store
from chalicelib.models import webhook_retention
from chalicelib.payments import registry
from chalicelib.payments.base import CallbackRef, Capabilities
from chalicelib.settings import get_settings, reset_settings
from tests.support import JsonClient


@dataclass
class CallbackOnly:
    """A provider whose callbacks name `{"ref": ...}`; signed or not as told."""

    name: str
    capabilities: Capabilities

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> CallbackRef:
        return CallbackRef(provider_ref=str(json.loads(raw_body)["ref"]))


def _caps(signed: bool) -> Capabilities:
    return Capabilities(
        currencies=frozenset({"IQD"}),
        refund=False,
        partial_refund=False,
        cancel=False,
        payout=False,
        signed_callbacks=signed,
    )


@pytest.fixture
def providers(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MAX_WEBHOOK_BYTES", "1000")
    reset_settings()
    registry.reset()
    registry._built["fib"] = CallbackOnly("fib", _caps(signed=False))  # type: ignore[assignment]
    registry._built["stripe"] = CallbackOnly("stripe", _caps(signed=True))  # type: ignore[assignment]
    yield
    registry.reset()


def _stored() -> list[dict[str, Any]]:
    # Test-only look at what the route stored.
    items: list[dict[str, Any]] = clients.client("dynamodb").scan(
        TableName=get_settings().table_name,
        FilterExpression="kind = :k",
        ExpressionAttributeValues={":k": {"S": "webhook"}},
    )["Items"]
    return items


def _post(api: JsonClient, provider: str, body: bytes) -> Any:
    return api.request("POST", f"/v1/payments/webhook/{provider}", body=body)


def _padded(ref: str, size: int) -> bytes:
    body = json.dumps({"ref": ref, "pad": ""})
    return json.dumps({"ref": ref, "pad": "x" * (size - len(body))}).encode()


def _process(lambdas: Any, webhook_ids: list[str]) -> None:
    bodies = [json.dumps({"type": "webhook.received", "webhook_id": i}) for i in webhook_ids]
    event = lambdas.events.generate_sqs_event(
        message_bodies=bodies, queue_name="marketplace-webhooks"
    )
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"msg-{index}"
    result = lambdas.lambda_.invoke("webhooks_worker", event).payload
    assert result == {"batchItemFailures": []}, result


def test_an_oversized_callback_is_refused_and_nothing_is_stored(
    api: JsonClient, providers: None
) -> None:
    reply = _post(api, "fib", _padded("ref-1", 1001))
    assert reply.status == 413, reply.body
    assert reply.error_code == "PAYLOAD_TOO_LARGE"
    assert reply.body["error"]["details"]["max_bytes"] == 1000
    assert _stored() == []
    # A callback of exactly the limit is taken
    assert _post(api, "fib", _padded("ref-1", 1000)).status == 200
    assert len(_stored()) == 1


def test_stored_callbacks_expire(
    api: JsonClient, providers: None, frozen_clock: FrozenClock
) -> None:
    assert _post(api, "stripe", b'{"ref": "pi_1"}').status == 200
    (item,) = _stored()
    expected = frozen_clock.now() + timedelta(days=90)
    assert int(item["expires_at"]["N"]) == int(expected.timestamp())


def test_unsigned_callbacks_for_no_payment_are_kept_briefly_and_counted(
    api: JsonClient, providers: None, lambdas: Any, frozen_clock: FrozenClock
) -> None:
    now = frozen_clock.now()
    day = now.date().isoformat()
    # GIVEN a flood of unsigned callbacks naming made-up payments, and one signed one
    for n in range(3):
        assert _post(api, "fib", json.dumps({"ref": f"made-up-{n}"}).encode()).status == 200
    assert _post(api, "stripe", b'{"ref": "pi_unknown"}').status == 200
    ids = {item["provider"]["S"]: [] for item in _stored()}
    for item in _stored():
        ids[item["provider"]["S"]].append(item["webhook_id"]["S"])
    assert len(ids["fib"]) == 3 and len(ids["stripe"]) == 1
    # WHEN processed, twice (the queue redelivers)
    everything = ids["fib"] + ids["stripe"]
    _process(lambdas, everything)
    _process(lambdas, everything)
    # THEN each is unmatched; the unsigned ones expire within the hour, the signed one later
    for webhook_id in ids["fib"]:
        stored = payment_store.get_webhook(webhook_id)
        assert stored is not None and stored.state == "unmatched"
        assert stored.expires_at == now + timedelta(hours=1)
    signed = payment_store.get_webhook(ids["stripe"][0])
    assert signed is not None and signed.state == "unmatched"
    assert signed.expires_at == now + timedelta(days=90)
    # AND each was counted once, per provider and day
    assert webhook_retention.unmatched_count("fib", day) == 3
    assert webhook_retention.unmatched_count("stripe", day) == 1
    assert webhook_retention.unmatched_count("fastpay", day) == 0
    counters = clients.client("dynamodb").scan(
        TableName=get_settings().table_name,
        FilterExpression="kind = :k",
        ExpressionAttributeValues={":k": {"S": "counter"}},
    )["Items"]
    assert sorted(c["dimension"]["S"] for c in counters) == ["fib", "stripe"]
