"""Stripe webhooks: authenticated by the `Stripe-Signature` header and nothing else; what is
extracted is only a reference for the processor to re-check."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from chalicelib.payments.base import CallbackRef, CallbackRejected, header

TOLERANCE_SECONDS = 300
# Where each event object names its PaymentIntent: the intent itself, or a field of it.
PAYMENT_INTENT_FIELD: dict[str, str] = {
    "payment_intent": "id",
    "charge": "payment_intent",
    "refund": "payment_intent",
    "dispute": "payment_intent",
}


def parse(headers: Mapping[str, str], raw_body: bytes, secret: str) -> CallbackRef:
    import stripe

    signature = header(headers, "Stripe-Signature")
    if not signature:
        raise CallbackRejected("missing Stripe-Signature header")
    try:
        event = stripe.Webhook.construct_event(
            raw_body, signature, secret, tolerance=TOLERANCE_SECONDS
        )
        payload = event.to_dict()
    except stripe.SignatureVerificationError as error:
        raise CallbackRejected(f"bad Stripe signature: {error.user_message}") from None
    except (ValueError, TypeError, AttributeError):
        raise CallbackRejected("the callback body is not a Stripe event") from None
    _reject_future(signature)
    event_id = payload.get("id")
    if not isinstance(event_id, str) or not event_id:
        raise CallbackRejected("the Stripe event has no id")
    data = payload.get("data")
    obj = data.get("object") if isinstance(data, Mapping) else None
    if not isinstance(obj, Mapping):
        raise CallbackRejected("the Stripe event has no data.object")
    return CallbackRef(
        provider_ref=_text(obj.get(PAYMENT_INTENT_FIELD.get(str(obj.get("object")), ""))),
        event_id=event_id,
        order_ref=_order_ref(obj),
    )


def _reject_future(signature: str) -> None:
    """The SDK rejects only old timestamps; a far-future one is as suspect (|now - t|)."""
    for item in signature.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit() and int(value) > time.time() + TOLERANCE_SECONDS:
            raise CallbackRejected("Stripe signature timestamp is in the future")


def _order_ref(obj: Mapping[str, Any]) -> str | None:
    metadata = obj.get("metadata")
    return _text(metadata.get("order_ref")) if isinstance(metadata, Mapping) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
