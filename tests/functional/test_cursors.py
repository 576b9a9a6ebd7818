"""List cursors are signed and checked before they reach DynamoDB: a forged, tampered or
malformed cursor is a 400, never a query with a key the caller made up (real DynamoDB
answers such an ExclusiveStartKey with a ValidationException: a 500)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.functional.deals import CUSTOMER, book, talent_with_service
from tests.functional.factories import create_service, create_talent
from tests.support import JsonClient


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def _payload(cursor: str) -> Any:
    return _unb64(cursor.split(".", 1)[0])


def _forgeries(cursor: str) -> list[str]:
    """The genuine cursor's content, changed the ways a caller could: another sort key,
    an attribute dropped, an attribute added, and untouched but unsigned."""
    state = _payload(cursor)
    forged = []
    if all(isinstance(v, dict) for v in state.values()):
        moved = {**state, "SK": {"S": "ZZZZ"}}
        dropped = {k: v for k, v in state.items() if k != "SK"}
        added = {**state, "EXTRA": {"S": "x"}}
        forged += [_b64(json.dumps(x).encode()) for x in (moved, dropped, added)]
    else:
        forged.append(_b64(json.dumps({**state, "after": "0"}).encode()))
    forged.append(_b64(json.dumps(state).encode()))
    signed_payload, _, signature = cursor.partition(".")
    if signature:
        flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
        forged.append(f"{signed_payload}.{flipped}")
    return forged


def _lists(api: JsonClient) -> dict[str, tuple[str, str | None]]:
    """path -> (first page, as_user) for lists holding two items, so page 1 has a cursor."""
    talent, service = talent_with_service(api)
    create_service(api, "talent@example.com", talent["id"], title="Second show")
    other = create_talent(api, "other@example.com")
    for talent_id in (talent["id"], other["id"]):
        assert api.post(f"/v1/me/saved/{talent_id}", as_user=CUSTOMER).status in (200, 201)
    book(api, service["id"])
    book(api, service["id"], start="2026-12-11T18:00:00Z")
    return {
        "/v1/me/saved": ("/v1/me/saved?limit=1", CUSTOMER),
        "/v1/talent/{id}/services": (f"/v1/talent/{talent['id']}/services?limit=1", None),
        "/v1/bookings": ("/v1/bookings?limit=1", CUSTOMER),
        "/v1/search/talent": ("/v1/search/talent?limit=1", None),
    }


def test_forged_cursors_are_400_on_every_list(api: JsonClient, frozen_clock: Any) -> None:
    lists = _lists(api)
    for name, (first_page, as_user) in lists.items():
        page = api.get(first_page, as_user=as_user)
        assert page.status == 200, (name, page.body)
        cursor = page.body["next_cursor"]
        assert cursor, name
        second = api.get(f"{first_page}&cursor={cursor}", as_user=as_user)
        assert second.status == 200 and second.body["items"], (name, second.body)
        for forged in _forgeries(cursor):
            reply = api.get(f"{first_page}&cursor={forged}", as_user=as_user)
            assert reply.status == 400, (name, forged, reply.status, reply.body)
            assert reply.error_code == "VALIDATION_ERROR", (name, reply.body)


@pytest.mark.parametrize("cursor", ["x", "!!!", "a.b", "." * 10, "e30", "e30.AAAA"])
def test_garbage_cursors_are_400(api: JsonClient, cursor: str) -> None:
    for path in ("/v1/me/saved?limit=1", "/v1/search/talent?limit=1"):
        reply = api.get(f"{path}&cursor={cursor}", as_user=CUSTOMER)
        assert reply.status == 400 and reply.error_code == "VALIDATION_ERROR", reply.body
