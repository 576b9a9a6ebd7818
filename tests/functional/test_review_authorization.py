"""Every reviews endpoint x anonymous, another user, an admin, the customer and the talent
of the subjects. One world for all rows: a blind review (the customer's, booking 1), a
published pair whose talent-side review was hidden by moderation (booking 2), and a fresh
completed booking (3). After every refusal the whole table is read again and must not have
moved."""

from __future__ import annotations

from typing import Any

from chalicelib.usecases.reviews import moderation
from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.deals import CUSTOMER, STRANGER, TALENT
from tests.functional.reviewing import completed_booking, review
from tests.functional.test_conversation_authorization import _fill
from tests.support import JsonClient

ROLES = ("anonymous", "other", "admin", "customer", "talent")
EMAILS = {
    "anonymous": None,
    "other": STRANGER,
    "admin": ADMIN_EMAIL,
    "customer": CUSTOMER,
    "talent": TALENT,
}

# What a review endpoint could change (rate-limit buckets move on every write attempt).
STATE_KINDS = {"review", "review_slot", "reputation", "report", "talent", "subject", "timer"}


def _table() -> list[dict[str, Any]]:
    """Test-only: the items of those kinds (one filtered Scan)."""
    from chalicelib import clients
    from chalicelib.settings import get_settings

    values = {f":k{n}": {"S": kind} for n, kind in enumerate(sorted(STATE_KINDS))}
    pages = (
        clients.client("dynamodb")
        .get_paginator("scan")
        .paginate(
            TableName=get_settings().table_name,
            FilterExpression=f"kind IN ({', '.join(values)})",
            ExpressionAttributeValues=values,
        )
    )
    return sorted((item for page in pages for item in page["Items"]), key=repr)


# (method, path, body, statuses in ROLES order)
ROWS: list[tuple[str, str, Any, tuple[int, ...]]] = [
    ("GET", "/v1/reviews/{blind}", None, (404, 404, 200, 200, 404)),
    ("GET", "/v1/reviews/{published}", None, (200, 200, 200, 200, 200)),
    ("GET", "/v1/reviews/{hidden}", None, (404, 404, 200, 404, 200)),
    ("GET", "/v1/reviews/01ARZ3NDEKTSV4RRFFQ69G5FAV", None, (404,) * 5),
    ("GET", "/v1/talent/{talent}/reviews", None, (200,) * 5),
    ("GET", "/v1/users/{customer}/reviews", None, (200,) * 5),
    ("POST", "/v1/reviews/{blind}/reply", {"body": "thanks"}, (401, 404, 403, 403, 404)),
    ("POST", "/v1/reviews/{published}/reply", {"body": "thanks"}, (401, 403, 403, 403, 201)),
    ("POST", "/v1/reviews/{hidden}/reply", {"body": "thanks"}, (401, 404, 403, 404, 403)),
    ("POST", "/v1/reviews/{blind}/appeal", {"reason": "fair"}, (401, 404, 403, 409, 404)),
    ("POST", "/v1/reviews/{hidden}/appeal", {"reason": "fair"}, (401, 404, 403, 404, 201)),
    (
        "POST",
        "/v1/reports",
        {"target": {"type": "review", "id": "{blind}"}, "reason": "rude"},
        (401, 404, 201, 201, 404),
    ),
    (
        "POST",
        "/v1/reports",
        {"target": {"type": "review", "id": "{published}"}, "reason": "rude"},
        (401, 201, 201, 201, 201),
    ),
    (
        "POST",
        "/v1/reviews",
        {"subject": {"type": "booking", "id": "{fresh}"}, "rating": 4},
        (401, 404, 403, 201, 201),
    ),
    (
        "POST",
        "/v1/reviews",
        {"subject": {"type": "booking", "id": "{blind_booking}"}, "rating": 4},
        (401, 404, 403, 409, 201),
    ),
]


def test_every_review_endpoint_for_every_caller(api: JsonClient, frozen_clock: Any) -> None:
    for email in EMAILS.values():
        if email:
            api.get("/v1/me", as_user=email)  # provisioned first: a later call writes nothing
    first = completed_booking(api, frozen_clock)
    talent_id = first["talent_id"]
    blind = review(api, CUSTOMER, first["id"], rating=3).body
    second = completed_booking(api, frozen_clock, talent_id=talent_id, start="2026-12-12T18:00:00Z")
    published = review(api, CUSTOMER, second["id"], rating=5).body
    hidden = review(api, TALENT, second["id"], rating=1).body
    moderation.hide(hidden["id"])
    fresh = completed_booking(api, frozen_clock, talent_id=talent_id, start="2026-12-14T18:00:00Z")
    names = {
        "blind": blind["id"],
        "published": published["id"],
        "hidden": hidden["id"],
        "talent": talent_id,
        "customer": blind["author_id"],
        "fresh": fresh["id"],
        "blind_booking": first["id"],
    }
    checked = 0
    for method, raw_path, body, statuses in ROWS:
        path = raw_path.format(**names)
        for role, expected in zip(ROLES, statuses, strict=True):
            before = _table() if expected >= 400 else None
            reply = api.request(method, path, json_body=_fill(body, names), as_user=EMAILS[role])
            assert reply.status == expected, (method, path, role, reply.body)
            if reply.status >= 400:
                assert reply.error_code, (method, path, role, reply.body)
                assert _table() == before, (method, path, role)
            checked += 1
    assert checked == len(ROWS) * len(ROLES)
