"""What admins and clients read about payments besides a payment itself: the enabled
providers, stored provider callbacks by state, refunds an admin must pay back."""

from __future__ import annotations

from typing import Any

from chalicelib.models import payment_items as payment_store
from chalicelib.models import refund_items as refund_store
from chalicelib.payments import registry


def providers() -> dict[str, Any]:
    items = []
    for name in registry.enabled():
        capabilities = registry.get(name).capabilities
        items.append(
            {
                "name": name,
                "currencies": sorted(capabilities.currencies),
                "refunds": capabilities.refund,
                "partial_refunds": capabilities.partial_refund,
            }
        )
    return {"items": items}


def webhooks(state: str, limit: int, cursor: str | None) -> dict[str, Any]:
    found, next_cursor = payment_store.list_webhooks(state, limit=limit, cursor=cursor)
    return {
        "items": [
            {
                "id": item.webhook_id,
                "provider": item.provider,
                "provider_ref": item.provider_ref,
                "event_id": item.event_id,
                "state": item.state,
                "note": item.note,
                "received_at": item.received_at.isoformat(),
            }
            for item in found
        ],
        "next_cursor": next_cursor,
    }


def refund_json(refund: refund_store.Refund) -> dict[str, Any]:
    return {
        "id": refund.id,
        "customer_id": refund.customer_id,
        "payment_id": refund.payment_id,
        "provider": refund.provider,
        "amount": refund.amount,
        "currency": refund.currency,
        "state": refund.state,
        "note": refund.note,
    }


def manual_refunds() -> dict[str, Any]:
    return {"items": [refund_json(r) for r in refund_store.manual()], "next_cursor": None}
