"""A provider's callback is authenticated where the provider allows, stored raw, and queued
before it is answered: nothing a provider reports is lost, even for a payment we do not
know. The answer is what the provider expects (NassWallet: the text SUCCESS). A body over
MAX_WEBHOOK_BYTES is refused before anything is stored (no provider sends one that big,
and a DynamoDB item holds 400 KB), and what is stored expires (models/webhook_retention)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from chalicelib import clients, clock, ids
from chalicelib.errors import PayloadTooLargeError
from chalicelib.models import payment_items, webhook_retention
from chalicelib.payments import registry
from chalicelib.payments.base import CallbackRef, CallbackRejected
from chalicelib.settings import get_settings

_KEPT_HEADERS = frozenset({"content-type", "stripe-signature", "x-signature", "date", "user-agent"})
# DynamoDB refuses an item over 400 KB (the body is stored base64, 4/3 of its size) and a
# key over 2 KB (the processor looks the reference up by key): refused before anything is
# stored, rather than failing in the write or the processor.
MAX_STORED_BODY_BYTES = 256 * 1024
MAX_REFERENCE_LENGTH = 256


def _check_body(raw_body: bytes) -> None:
    if len(raw_body) > MAX_STORED_BODY_BYTES:
        raise PayloadTooLargeError(
            "callback body too large to keep", {"max_bytes": MAX_STORED_BODY_BYTES}
        )


def _check_reference(reference: CallbackRef) -> None:
    for name in ("provider_ref", "event_id", "order_ref"):
        value = getattr(reference, name)
        if value is not None and len(value) > MAX_REFERENCE_LENGTH:
            raise CallbackRejected(f"callback {name} longer than {MAX_REFERENCE_LENGTH}")


def receive(provider: str, headers: Mapping[str, str], raw_body: bytes) -> str | dict[str, Any]:
    limit = get_settings().max_webhook_bytes
    if len(raw_body) > limit:
        raise PayloadTooLargeError("callback body too large", {"max_bytes": limit})
    driver = registry.get(provider)
    _check_body(raw_body)
    reference = driver.parse_callback(headers, raw_body)  # CallbackRejected: 400, nothing kept
    _check_reference(reference)
    webhook_id = ids.new_id()
    payment_items.record_webhook(
        webhook_id,
        provider,
        provider_ref=reference.provider_ref,
        event_id=reference.event_id,
        headers={k.lower(): v for k, v in headers.items() if k.lower() in _KEPT_HEADERS},
        body=base64.b64encode(raw_body).decode(),
        expires_at=webhook_retention.stored_until(clock.now()),
    )
    clients.client("sqs").send_message(
        QueueUrl=get_settings().queue_url("webhooks"),
        MessageBody=json.dumps({"type": "webhook.received", "webhook_id": webhook_id}),
    )
    return reference.answer
