"""Conversations on the real local stack, with a real WebSocket client: two people exchange
messages over HTTP, the recipient's socket gets `message.created` within seconds, a third
person's socket gets nothing, and reading reaches the sender as `thread.read`."""

from __future__ import annotations

import json
import uuid
from contextlib import ExitStack
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.e2e.harness import RunningStack

PUSH_WITHIN_SECONDS = 10.0
QUIET_SECONDS = 1.5


def _ok(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def _frame(socket: ClientConnection) -> dict[str, Any]:
    """The next conversation frame; the recipient's `notification.created` frames (the
    notification center's `message.received`) may come in between and are checked apart."""
    while True:
        frame = dict(json.loads(socket.recv(timeout=PUSH_WITHIN_SECONDS)))
        if frame["type"] != "notification.created":
            return frame
        assert frame["notification"]["type"] == "message.received", frame


def test_messages_reach_the_recipient_in_real_time(devstack: RunningStack) -> None:
    suffix = uuid.uuid4().hex[:8]
    talent_token = devstack.token(f"ws-talent-{suffix}@example.com")
    customer_token = devstack.token(f"ws-customer-{suffix}@example.com")
    third_token = devstack.token(f"ws-third-{suffix}@example.com")
    talent = _ok(
        devstack.api(
            "POST",
            "/v1/talent",
            talent_token,
            json={
                "display_name": f"Realtime Oud {suffix}",
                "categories": ["music.dj"],
                "location": {"city": "Erbil", "country": "IQ", "lat": 36.19, "lng": 44.01},
                "timezone": "Asia/Baghdad",
            },
        ),
        201,
    )
    with pytest.raises(InvalidStatus) as refused:
        connect(f"{devstack.ws_url}/?token=not-a-token", open_timeout=10)
    assert refused.value.response.status_code == 401

    with ExitStack() as sockets:
        talent_ws, customer_ws, third_ws = (
            sockets.enter_context(connect(f"{devstack.ws_url}/?token={t}", open_timeout=10))
            for t in (talent_token, customer_token, third_token)
        )
        opened = _ok(
            devstack.api(
                "POST",
                "/v1/threads",
                customer_token,
                json={"about": {"type": "talent", "id": talent["id"]}, "body": "سڵاو! Free? 🎶"},
            ),
            201,
        )
        pushed = _frame(talent_ws)
        assert pushed["type"] == "message.created"
        assert pushed["thread_id"] == opened["id"]
        assert pushed["message"] == opened["last_message"]

        reply = _ok(
            devstack.api(
                "POST",
                f"/v1/threads/{opened['id']}/messages",
                talent_token,
                json={"body": "Yes, the 10th works"},
            ),
            201,
        )
        to_customer = _frame(customer_ws)
        assert (to_customer["type"], to_customer["message"]) == ("message.created", reply)

        _ok(
            devstack.api(
                "POST",
                f"/v1/threads/{opened['id']}/read",
                customer_token,
                json={"up_to": reply["id"]},
            ),
            200,
        )
        read = _frame(talent_ws)
        assert read == {
            "type": "thread.read",
            "thread_id": opened["id"],
            "user_id": _me(devstack, customer_token),
            "up_to": reply["id"],
        }
        with pytest.raises(TimeoutError):
            third_ws.recv(timeout=QUIET_SECONDS)


def _me(devstack: RunningStack, token: str) -> str:
    return str(_ok(devstack.api("GET", "/v1/me", token), 200)["id"])
