"""Real time: WebSocket connect/disconnect through the app's own handlers (API Gateway's
event shape), and the conversations worker pushing frames to the recipient's connections
through the @connections API (a recording stand-in injected via chalicelib.clients)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.functional.deals import CUSTOMER, STRANGER, TALENT
from tests.functional.factories import count_items, create_talent
from tests.functional.test_conversations import inquiry, user_id
from tests.issuer import FakeIssuer
from tests.support import JsonClient


class GoneError(Exception):
    def __init__(self) -> None:
        super().__init__("gone")
        self.response = {
            "Error": {"Code": "GoneException"},
            "ResponseMetadata": {"HTTPStatusCode": 410},
        }


class ManagementApi:
    """Records posts like API Gateway's @connections; some connections are gone."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.gone: set[str] = set()

    def post_to_connection(self, ConnectionId: str, Data: bytes) -> None:
        if ConnectionId in self.gone:
            raise GoneError
        self.posts.append((ConnectionId, json.loads(Data)))

    def frames_to(self, connection_id: str) -> list[dict[str, Any]]:
        return [frame for cid, frame in self.posts if cid == connection_id]


@pytest.fixture
def management(stack: Any, monkeypatch: pytest.MonkeyPatch) -> ManagementApi:
    from chalicelib import clients
    from chalicelib.settings import reset_settings

    monkeypatch.setenv("WEBSOCKET_API_URL", "http://127.0.0.1:9/local")
    reset_settings()
    fake = ManagementApi()
    clients.override("apigatewaymanagementapi", fake)
    return fake


def ws_event(route: str, connection_id: str, token: str | None = None) -> dict[str, Any]:
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE")
    return {
        "requestContext": {
            "routeKey": route,
            "eventType": event_type,
            "connectionId": connection_id,
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "stage": "api",
            "apiId": "abc123",
        },
        "queryStringParameters": {"token": token} if token else None,
        "isBase64Encoded": False,
    }


def connect(lambdas: Any, connection_id: str, token: str | None) -> int:
    reply = lambdas.lambda_.invoke("ws_connect", ws_event("$connect", connection_id, token))
    return int(reply.payload["statusCode"])


class EventBus:
    """Records PutEvents as EventBridge receives them (the app's client, swapped)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.entries.extend(Entries)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "e"} for _ in Entries]}

    def deliver(self, lambdas: Any, detail_types: tuple[str, ...]) -> None:
        """What the rule hands the conversations queue: {detail-type, detail (an object)}."""
        events = [
            {
                "detail-type": e["DetailType"],
                "source": e["Source"],
                "detail": json.loads(e["Detail"]),
            }
            for e in self.entries
            if e["DetailType"] in detail_types
        ]
        assert events
        sqs = lambdas.events.generate_sqs_event(
            queue_name="marketplace-conversations", message_bodies=[json.dumps(e) for e in events]
        )
        for index, record in enumerate(sqs["Records"]):
            record["messageId"] = f"m-{index}"
        result = lambdas.lambda_.invoke("conversations_worker", sqs)
        assert result.payload == {"batchItemFailures": []}


@pytest.fixture
def bus(stack: Any) -> EventBus:
    from chalicelib import clients

    recorder = EventBus()
    clients.override("events", recorder)
    return recorder


def test_a_bad_token_is_refused_at_connect(lambdas: Any, issuer: FakeIssuer) -> None:
    assert connect(lambdas, "c-none", None) == 401
    assert connect(lambdas, "c-bad", "not-a-jwt") == 401
    assert connect(lambdas, "c-expired", issuer.token(CUSTOMER, expires_in=-60)) == 401
    assert count_items("ws_connection") == 0
    assert connect(lambdas, "c-good", issuer.token(CUSTOMER)) == 200
    assert count_items("ws_connection") == 1
    frame = {**ws_event("$default", "c-good"), "body": '{"action": "ping"}'}
    assert lambdas.lambda_.invoke("ws_message", frame).payload["statusCode"] == 200
    disconnect = lambdas.lambda_.invoke("ws_disconnect", ws_event("$disconnect", "c-good"))
    assert disconnect.payload["statusCode"] == 200
    assert count_items("ws_connection") == 0


def test_the_recipient_gets_message_created_and_the_sender_thread_read(
    api: JsonClient, lambdas: Any, issuer: FakeIssuer, management: ManagementApi, bus: EventBus
) -> None:
    talent = create_talent(api, TALENT)
    for connection_id, email in (
        ("talent-phone", TALENT),
        ("talent-laptop", TALENT),
        ("customer-tab", CUSTOMER),
        ("stranger-tab", STRANGER),
    ):
        assert connect(lambdas, connection_id, issuer.token(email)) == 200
    management.gone.add("talent-laptop")  # closed without a disconnect
    thread = inquiry(api, talent["id"], "Are you free on the 10th?").body
    message = thread["last_message"]
    read = api.post(
        f"/v1/threads/{thread['id']}/read", as_user=TALENT, json_body={"up_to": message["id"]}
    )
    assert read.status == 200
    bus.deliver(lambdas, ("message.created", "thread.read"))
    assert count_items("timer") == 0  # published at once, so the outbox is empty

    assert management.frames_to("talent-phone") == [
        {"type": "message.created", "thread_id": thread["id"], "message": message}
    ]
    assert management.frames_to("customer-tab") == [
        {
            "type": "thread.read",
            "thread_id": thread["id"],
            "user_id": user_id(api, TALENT),
            "up_to": message["id"],
        }
    ]
    assert management.frames_to("stranger-tab") == []
    # The gone connection was deleted; the three live ones remain.
    assert count_items("ws_connection") == 3


def test_pushes_need_the_websocket_endpoint_configured(stack: Any) -> None:
    from chalicelib.models import ws_connections
    from chalicelib.workers import realtime

    ws_connections.add("c-1", "user-1")
    with pytest.raises(realtime.RealtimeNotConfiguredError):
        realtime.push_to_user("user-1", {"type": "message.created"})
    assert realtime.push_to_user("nobody", {"type": "message.created"}) == 0


def test_payments_and_completions_become_masking_and_standing_facts(
    stack: Any, lambdas: Any
) -> None:
    from chalicelib.models import conversation_limits as limits
    from chalicelib.models.thread_items import fetch

    def transition(subject_type: str, to: str, customer: str, talent: str) -> dict[str, Any]:
        return {
            "detail-type": "process.transition",
            "detail": {
                "subject": {"type": subject_type, "id": f"{subject_type}-1"},
                "to": to,
                "customer_id": customer,
                "talent_user_id": talent,
            },
        }

    events = [
        transition("booking", "requested", "c1", "t1"),  # no money yet: nothing
        transition("milestone", "funded", "c2", "t2"),
        transition("contract", "completed", "c3", "t3"),
    ]
    sqs = lambdas.events.generate_sqs_event(
        queue_name="marketplace-conversations", message_bodies=[json.dumps(e) for e in events]
    )
    for index, record in enumerate(sqs["Records"]):
        record["messageId"] = f"m-{index}"
    assert lambdas.lambda_.invoke("conversations_worker", sqs).payload == {"batchItemFailures": []}
    wanted = [
        limits.pair_key("c1", "t1"),
        limits.pair_key("t2", "c2"),
        limits.standing_key("c3"),
        limits.standing_key("t3"),
        limits.standing_key("c2"),
    ]
    found = fetch(wanted)
    assert [key in found for key in wanted] == [False, True, True, True, False]
