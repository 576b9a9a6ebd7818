"""Valid request bodies and one-call setups for functional tests."""

from __future__ import annotations

from typing import Any

from tests.support import JsonClient

BAGHDAD = {"city": "Baghdad", "country": "IQ", "lat": 33.3152, "lng": 44.3661}


def talent_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "display_name": "Layla Fire",
        "headline": "Fire & LED shows for weddings",
        "categories": ["fire-led.fire-performer"],
        "skills": ["fire poi", "LED"],
        "languages": ["ar", "en"],
        "location": dict(BAGHDAD),
        "currency": "IQD",
        "rate": {"amount": 250000, "currency": "IQD"},
        "timezone": "Asia/Baghdad",
    }
    body.update(overrides)
    return body


def service_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Fire show, 20 minutes",
        "description": "Two performers, fire poi and fans.",
        "category": "fire-led.fire-performer",
        "pricing": {"type": "fixed", "price": {"amount": 300000, "currency": "IQD"}},
        "duration_minutes": 20,
        "deposit_percent": 30,
        "cancellation_policy": "moderate",
    }
    body.update(overrides)
    return body


def create_talent(api: JsonClient, email: str, **overrides: Any) -> dict[str, Any]:
    reply = api.post("/v1/talent", as_user=email, json_body=talent_body(**overrides))
    assert reply.status == 201, reply.body
    return dict(reply.body)


def create_service(api: JsonClient, email: str, talent_id: str, **overrides: Any) -> dict[str, Any]:
    reply = api.post(
        f"/v1/talent/{talent_id}/services", as_user=email, json_body=service_body(**overrides)
    )
    assert reply.status == 201, reply.body
    return dict(reply.body)


def count_items(kind: str) -> int:
    """Test-only look at the whole table (a Scan is fine here, never in app code)."""
    from chalicelib import clients
    from chalicelib.settings import get_settings

    paginator = clients.client("dynamodb").get_paginator("scan")
    pages = paginator.paginate(
        TableName=get_settings().table_name,
        FilterExpression="kind = :kind",
        ExpressionAttributeValues={":kind": {"S": kind}},
        Select="COUNT",
    )
    return sum(page["Count"] for page in pages)


def pending_media(
    api: JsonClient, email: str, purpose: str = "portfolio", content_type: str = "image/png"
) -> str:
    """A media record whose upload has not been checked yet."""
    from chalicelib import ids
    from chalicelib.models import media_items as media_store

    media_id = ids.new_id()
    media_store.create(
        media_id,
        owner_user_id=api.get("/v1/me", as_user=email).body["id"],
        purpose=purpose,
        filename="file.pdf" if content_type == "application/pdf" else "file.png",
        content_type=content_type,
        size=10,
    )
    return media_id


def verified_media(
    api: JsonClient, email: str, purpose: str = "portfolio", content_type: str = "image/png"
) -> str:
    """A media record the validator has already verified (the upload path has its own tests)."""
    from chalicelib.models import keys
    from chalicelib.models import media_items as media_store

    media_id = pending_media(api, email, purpose, content_type)
    media_store.settle(media_id, media_store.VERIFIED, None, keys.verified_object_key(media_id))
    return media_id
