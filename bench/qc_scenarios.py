"""DynamoDB requests of the QC gate's endpoints (issue 18), for bench/ddb_calls.py.

Budgets include the caller's one authentication GetItem. A report post: 1 (auth) + 1 read
(the booking's GetItem) + 1 TransactWriteItems (the report and QC `pending` on the booking,
the outbox entry): the issue's "1 transaction + <= 2 reads". An admin's verdict likewise
(its transaction also carries the audit entry and the release). The admin's queue: one
Query of GSI1."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from tests.support import JsonClient, Reply

_world: dict[str, str] = {}

REPORT = {
    "summary": " ".join(["word"] * 90),
    "action_items": [
        "Practise the opening every single morning",
        "Record one complete run through on Friday",
        "Send the recording before the next session",
    ],
    "rating": 5,
}


def build(
    scenario: Any,
    *,
    deals: Callable[[JsonClient], None],
    deal: dict[str, Any],
    frozen: list[Any],
    book: Any,
    take: Any,
    confirm: Callable[[str], Any],
    buyer: str,
    seller: str,
    admin: str,
    day: Callable[[], int],
) -> list[Any]:
    """`scenario` is ddb_calls.Scenario; the rest its helpers (this module is imported by
    that one)."""

    def delivered(api: JsonClient) -> None:
        deals(api)
        if "qc_service" not in _world:
            body = {
                "title": "Career coaching, one hour",
                "category": "coaching.career",
                "pricing": {"type": "fixed", "price": {"amount": 200000, "currency": "IQD"}},
                "duration_minutes": 60,
            }
            reply = api.post(
                f"/v1/talent/{deal['talent']}/services", as_user=seller, json_body=body
            )
            assert reply.status == 201, reply.body
            _world["qc_service"] = reply.body["id"]
        start = frozen[0].now() + timedelta(days=day())
        booking = book(api, _world["qc_service"], buyer, start.strftime("%Y-%m-%dT%H:%M:%SZ"))
        assert take(api, "bookings", booking["id"], "accept", seller).status == 200
        assert confirm(booking["id"]).subject.state == "confirmed"
        frozen[0].set(
            datetime.fromisoformat(booking["start"].replace("Z", "+00:00")) + timedelta(minutes=5)
        )
        assert take(api, "bookings", booking["id"], "mark_delivered", seller).status == 200
        _world["booking"] = booking["id"]

    def post(api: JsonClient) -> Reply:
        return api.post(
            f"/v1/bookings/{_world['booking']}/report", as_user=seller, json_body=REPORT
        )

    def waive(api: JsonClient) -> Reply:
        body = {"status": "waived", "note": "bench"}
        return api.post(f"/v1/admin/bookings/{_world['booking']}/qc", as_user=admin, json_body=body)

    return [
        scenario("POST /v1/bookings/{id}/report", post, delivered, 3, status=201),
        scenario(
            "GET /v1/bookings/{id} (with its report)",
            lambda api: api.get(f"/v1/bookings/{_world['booking']}", as_user=buyer),
            budget=2,
            status=200,
        ),
        scenario(
            "POST /v1/admin/bookings/{id}/qc (waive)",
            waive,
            lambda api: api.get("/v1/me", as_user=admin),  # a known admin, not a first call
            budget=3,
            status=200,
        ),
        scenario(
            "GET /v1/admin/qc?status=revise",
            lambda api: api.get("/v1/admin/qc?status=revise", as_user=admin),
            budget=2,
            status=200,
        ),
    ]
