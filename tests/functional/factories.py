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
