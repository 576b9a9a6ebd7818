"""Every conversations endpoint x anonymous, another user, an admin and a participant.

One world for all rows (building it costs more than the checks): a talent (PARTICIPANT's
counterpart) and a thread PARTICIPANT opened with an attachment. Callers go in the order
anonymous, other, admin, participant; after every refusal the whole table is read again
and must not have moved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.factories import create_talent, verified_media
from tests.functional.test_conversations import user_id
from tests.support import JsonClient

TALENT, PARTICIPANT, OTHER = "talent@example.com", "customer@example.com", "other@example.com"
ROLES = ("anonymous", "other", "admin", "participant")
EMAILS = {"anonymous": None, "other": OTHER, "admin": ADMIN_EMAIL, "participant": PARTICIPANT}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: tuple[int, int, int, int]  # in ROLES order
    body: Any = None


ROWS = [
    Row("GET", "/v1/threads", (401, 200, 200, 200)),
    Row("GET", "/v1/threads/{thread}", (401, 404, 200, 200)),
    Row("GET", "/v1/threads/{thread}/messages", (401, 404, 200, 200)),
    Row("POST", "/v1/threads/{thread}/messages", (401, 404, 404, 201), {"body": "hello again"}),
    Row("POST", "/v1/threads/{thread}/read", (401, 404, 404, 200), {"up_to": "{message}"}),
    Row("GET", "/v1/threads/{thread}/attachments/{attachment}", (401, 404, 404, 200)),
    Row(
        "POST",
        "/v1/reports",
        (401, 404, 201, 201),
        {"target": {"type": "message", "id": "{message}"}, "reason": "spam"},
    ),
    Row(
        "POST",
        "/v1/threads",
        (401, 201, 201, 200),
        {"about": {"type": "talent", "id": "{talent}"}, "body": "are you free?"},
    ),
    Row("POST", "/v1/me/blocks/{talent_user}", (401, 201, 201, 201)),
    Row("GET", "/v1/me/blocks", (401, 200, 200, 200)),
    Row("DELETE", "/v1/me/blocks/{talent_user}", (401, 204, 204, 204)),
]


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {key: _fill(item, names) for key, item in value.items()}
    return value


def _table() -> list[dict[str, Any]]:
    """Test-only: every item of the table (one Scan; the world is small)."""
    from chalicelib import clients
    from chalicelib.settings import get_settings

    pages = (
        clients.client("dynamodb")
        .get_paginator("scan")
        .paginate(TableName=get_settings().table_name)
    )
    # A rate bucket is the limiter's bookkeeping: every request takes a token, refused or not.
    items = (item for page in pages for item in page["Items"])
    return sorted((i for i in items if i.get("kind", {}).get("S") != "rate_bucket"), key=repr)


def _count(items: list[dict[str, Any]], kind: str) -> int:
    return sum(1 for item in items if item.get("kind", {}).get("S") == kind)


def test_every_conversation_endpoint_for_every_caller(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    attachment = verified_media(api, PARTICIPANT, "attachment", "application/pdf")
    for email in EMAILS.values():
        if email:
            user_id(api, email)
    opened = api.post(
        "/v1/threads",
        as_user=PARTICIPANT,
        json_body={
            "about": {"type": "talent", "id": talent["id"]},
            "body": "first",
            "attachments": [attachment],
        },
    ).body
    names = {
        "thread": opened["id"],
        "message": opened["last_message"]["id"],
        "attachment": attachment,
        "talent": talent["id"],
        "talent_user": user_id(api, TALENT),
    }
    checked = 0
    for row in ROWS:
        path = row.path.format(**names)
        for role, expected in zip(ROLES, row.expected, strict=True):
            before = _table() if expected >= 400 else None
            reply = api.request(
                row.method, path, json_body=_fill(row.body, names), as_user=EMAILS[role]
            )
            assert reply.status == expected, (row.method, path, role, reply.body)
            if reply.status >= 400:
                assert reply.error_code, (row.method, path, role, reply.body)
                assert _table() == before, (row.method, path, role)
            checked += 1
    assert checked == len(ROWS) * len(ROLES)
    after = _table()
    # The first; the participant's; the first of other's and admin's threads; the
    # participant's second POST /v1/threads, added to the existing thread.
    assert (_count(after, "thread"), _count(after, "message")) == (3, 5)
    assert (_count(after, "report"), _count(after, "block")) == (2, 0)
