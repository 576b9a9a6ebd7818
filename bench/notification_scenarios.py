"""DynamoDB requests of the notification center and worker (issue 14), for bench/ddb_calls.py.

Budgets include the caller's one authentication GetItem. Listing: auth + 1 Query + 1 GetItem
of the unread counter. Marking read by ids: auth + 1 BatchGetItem + 1 transaction + the
counter's GetItem for the answer. The worker, for one booking request told to the talent
with email off: the subject's GetItem, the two people's GSI1 Queries, the talent's open
WebSocket connections (a Query, for the push), and ONE TransactWriteItems (the notification
with its counter); nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.functional.deals import book, talent_with_service
from tests.support import JsonClient, Reply

CUSTOMER, TALENT = "notify-customer@example.com", "notify-talent@example.com"
_world: dict[str, Any] = {}


def _events() -> list[dict[str, Any]]:
    from chalicelib import clock
    from chalicelib.models import outbox, timer_items

    far = clock.now().replace(year=clock.now().year + 5)
    return [
        {
            "id": t.id,
            "detail-type": t.payload["detail_type"],
            "detail": json.loads(t.payload["detail"]),
        }
        for t in timer_items.due(far)
        if t.kind == outbox.PUBLISH_TIMER and t.payload["detail_type"] == "process.transition"
    ]


def _notified(api: JsonClient) -> None:
    """Three booking requests of the talent, delivered: three unread notifications."""
    if _world:
        return
    from chalicelib.workers import notifications as worker

    _, service = talent_with_service(api, TALENT)
    api.patch("/v1/me", as_user=TALENT, json_body={"notification_prefs": {"email": False}})
    for day in (10, 11, 12):
        book(api, service["id"], customer=CUSTOMER, start=f"2026-12-{day}T18:00:00Z")
    for event in _events():
        worker.handle_event({"event": event})
    items = api.get("/v1/notifications", as_user=TALENT).body["items"]
    _world.update(ids=[n["id"] for n in items], service=service["id"])


def _fresh_event(api: JsonClient) -> None:
    """One more booking request whose event the scenario delivers."""
    _notified(api)
    seen = {e["id"] for e in _events()}
    book(api, _world["service"], customer=CUSTOMER, start="2026-12-20T18:00:00Z")
    (_world["event"],) = [e for e in _events() if e["id"] not in seen]


def _deliver(api: JsonClient) -> Reply:
    from chalicelib.workers import notifications as worker

    worker.handle_event({"event": _world["event"]})
    return Reply(200, {}, {}, b"")


def _get(path: str) -> Callable[[JsonClient], Reply]:
    return lambda api: api.get(path, as_user=TALENT)


def _read(api: JsonClient) -> Reply:
    return api.post("/v1/notifications/read", as_user=TALENT, json_body={"ids": _world["ids"][:1]})


def build(scenario: Any) -> list[Any]:
    """`scenario` is ddb_calls.Scenario (passed in: this module is imported by that one)."""
    return [
        scenario("GET /v1/notifications", _get("/v1/notifications"), _notified, 3, status=200),
        scenario(
            "GET /v1/notifications?unread=true",
            _get("/v1/notifications?unread=true"),
            _notified,
            3,
            status=200,
        ),
        scenario("POST /v1/notifications/read {ids}", _read, _notified, 4, status=200),
        scenario(
            "notifications worker: a booking request (email off)",
            _deliver,
            _fresh_event,
            5,  # subject GetItem + 2 people + connections Query + ONE TransactWriteItems
            status=200,
        ),
    ]
