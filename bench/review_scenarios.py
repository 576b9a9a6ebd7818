"""DynamoDB requests of the reviews endpoints (issue 15), for bench/ddb_calls.py.

Budgets include the caller's one authentication GetItem where there is a caller. A post:
1 (auth) + 2 reads (the subject's GetItem, both parties' slots in one BatchGetItem) + 1
TransactWriteItems, then one DeleteItem per outbox entry once its event is published right
after the commit (1 when blind: `review.received`; 3 when it publishes both: that and two
`review.published`). The talent's search reindex is left to the outbox timer written in the
transaction. A talent's list: the GSI1 Query and one BatchGetItem (the profile, for its
visibility, and on the first page the reputation item)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support import JsonClient, Reply

_world: dict[str, str] = {}


def _completed(
    booking_setup: Callable[[JsonClient], None], deal: dict[str, Any], take: Any, buyer: str
) -> Callable[[JsonClient], None]:
    def setup(api: JsonClient) -> None:
        booking_setup(api)
        done = take(api, "bookings", deal["id"], "confirm_completion", buyer)
        assert done.body["state"] == "completed", done.body
        _world["booking"] = deal["id"]

    return setup


def _post(user: str) -> Callable[[JsonClient], Reply]:
    def call(api: JsonClient) -> Reply:
        body = {"subject": {"type": "booking", "id": _world["booking"]}, "rating": 5}
        reply = api.post("/v1/reviews", as_user=user, json_body=body)
        if reply.status == 201:
            _world[f"review_{user}"] = reply.body["id"]
            _world["talent"] = (
                reply.body["reviewee"]["id"]
                if reply.body["reviewee"]["type"] == "talent"
                else _world.get("talent", "")
            )
        return reply

    return call


def build(
    scenario: Any,
    *,
    booking_setup: Callable[[JsonClient], None],
    deal: dict[str, Any],
    take: Any,
    buyer: str,
    seller: str,
) -> list[Any]:
    """`scenario` is ddb_calls.Scenario; the rest its booking helpers (this module is
    imported by that one)."""
    return [
        scenario(
            "POST /v1/reviews (first: blind)",
            _post(buyer),
            _completed(booking_setup, deal, take, buyer),
            5,
            status=201,
        ),
        scenario("POST /v1/reviews (second: publishes both)", _post(seller), budget=7, status=201),
        scenario(
            "GET /v1/reviews/{id} (anonymous)",
            lambda api: api.get(f"/v1/reviews/{_world[f'review_{buyer}']}"),
            budget=1,
            status=200,
        ),
        scenario(
            "GET /v1/talent/{id}/reviews (first page)",
            lambda api: api.get(f"/v1/talent/{_world['talent']}/reviews"),
            budget=2,
            status=200,
        ),
    ]
