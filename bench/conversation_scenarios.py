"""DynamoDB requests of the conversations endpoints (issue 13), for bench/ddb_calls.py.

Budgets include the caller's one authentication GetItem. Reads: 1 (auth) + 1. A message
send (and a read receipt): 1 (auth) + at most 2 reads + 1 TransactWriteItems, and nothing
else: its event is published right after the commit (pushes arrive in seconds), and its
outbox entry is forgotten by the conversations worker, not by the request. The `send` check
(ddb_calls._send_problems) holds each to exactly that."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.functional.factories import create_talent, verified_media
from tests.support import JsonClient, Reply

SEND = "send"  # ddb_calls.SEND: one TransactWriteItems, at most two reads, nothing more
CUSTOMER, TALENT = "chat-customer@example.com", "chat-talent@example.com"
_world: dict[str, str] = {}


def _conversation(api: JsonClient) -> None:
    if _world:
        return
    talent = create_talent(api, TALENT)
    attachment = verified_media(api, CUSTOMER, "attachment", "application/pdf")
    opened = api.post(
        "/v1/threads",
        as_user=CUSTOMER,
        json_body={
            "about": {"type": "talent", "id": talent["id"]},
            "body": "Hello! Are you free on the 10th?",
            "attachments": [attachment],
        },
    ).body
    _world.update(
        talent=talent["id"],
        thread=opened["id"],
        message=opened["last_message"]["id"],
        attachment=attachment,
        talent_user=api.get("/v1/me", as_user=TALENT).body["id"],
    )
    for index in range(3):
        api.post(
            f"/v1/threads/{opened['id']}/messages",
            as_user=TALENT,
            json_body={"body": f"reply {index}"},
        )


def _second_talent(api: JsonClient) -> None:
    _conversation(api)
    if "talent2" not in _world:
        _world["talent2"] = create_talent(api, "chat-talent-2@example.com")["id"]


def _get(path: str, user: str) -> Callable[[JsonClient], Reply]:
    return lambda api: api.get(path.format(**_world), as_user=user)


def _fill(value: Any) -> Any:
    if isinstance(value, str):
        return value.format(**_world)
    if isinstance(value, dict):
        return {key: _fill(item) for key, item in value.items()}
    return value


def _post(path: str, user: str, body: dict[str, Any]) -> Callable[[JsonClient], Reply]:
    return lambda api: api.post(path.format(**_world), as_user=user, json_body=_fill(body))


def build(scenario: Any) -> list[Any]:
    """`scenario` is ddb_calls.Scenario (passed in: this module is imported by that one)."""
    return [
        scenario("GET /v1/threads", _get("/v1/threads", TALENT), _conversation, 2, status=200),
        scenario(
            "GET /v1/threads/{id}",
            _get("/v1/threads/{thread}", TALENT),
            _conversation,
            2,
            status=200,
        ),
        scenario(
            "GET /v1/threads/{id}/messages",
            _get("/v1/threads/{thread}/messages", CUSTOMER),
            _conversation,
            2,
            status=200,
        ),
        scenario(
            "GET /v1/threads/{id}/attachments/{media}",
            _get("/v1/threads/{thread}/attachments/{attachment}", TALENT),
            _conversation,
            2,
            status=200,
        ),
        scenario("GET /v1/me/blocks", _get("/v1/me/blocks", TALENT), _conversation, 2, status=200),
        scenario(
            "POST /v1/threads/{id}/messages",
            _post("/v1/threads/{thread}/messages", CUSTOMER, {"body": "See you then"}),
            _conversation,
            3,  # auth + 1 BatchGetItem + 1 transaction
            check=SEND,
            status=201,
        ),
        scenario(
            "POST /v1/threads/{id}/messages (contacts: pair read)",
            _post("/v1/threads/{thread}/messages", CUSTOMER, {"body": "call 0770 123 4567"}),
            _conversation,
            4,  # auth + 2 reads + 1 transaction
            check=SEND,
            status=201,
        ),
        scenario(
            "POST /v1/threads (new thread)",
            _post(
                "/v1/threads",
                CUSTOMER,
                {"about": {"type": "talent", "id": "{talent2}"}, "body": "Hi, a quote?"},
            ),
            _second_talent,
            4,  # auth + the talent + 1 BatchGetItem + 1 transaction
            check=SEND,
            status=201,
        ),
        scenario(
            "POST /v1/threads/{id}/read",
            _post("/v1/threads/{thread}/read", TALENT, {"up_to": "{message}"}),
            _conversation,
            3,  # auth + 1 BatchGetItem + 1 transaction
            check=SEND,
            status=200,
        ),
    ]
