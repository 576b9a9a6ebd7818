"""What a message send costs (one transaction and at most two reads, nothing else), and
that its domain event still goes out at least once although the request no longer deletes
the outbox entry: the conversations worker forgets it, and the sweep publishes it after
the grace if the request's own publish failed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from tests.functional.deals import CUSTOMER, TALENT
from tests.functional.factories import count_items, create_talent
from tests.functional.test_conversations import inquiry
from tests.functional.test_realtime import EventBus
from tests.support import JsonClient


@contextmanager
def dynamodb_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """(operation, partition key) of every DynamoDB request made by any client meanwhile."""
    from botocore.client import BaseClient

    calls: list[tuple[str, str]] = []
    original = BaseClient._make_api_call

    def recording(self: Any, operation: str, params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            key = params.get("Key") or params.get("Item") or {}
            pk = next(iter(key["PK"].values())) if "PK" in key else ""
            calls.append((operation, str(pk)))
        return original(self, operation, params)

    with monkeypatch.context() as patch:
        patch.setattr(BaseClient, "_make_api_call", recording)
        yield calls


def own(calls: list[tuple[str, str]]) -> list[str]:
    """The send's own requests: without authentication's identity read and the rate
    limiter's token bucket (both paid by every request, budgeted apart)."""
    paid_apart = ("IDENTITY#", "RATE#")
    return [operation for operation, pk in calls if not pk.startswith(paid_apart)]


@pytest.fixture
def bus() -> EventBus:
    from chalicelib import clients

    recorder = EventBus()
    clients.override("events", recorder)
    return recorder


def test_a_message_send_is_one_transaction_and_at_most_two_reads(
    api: JsonClient, monkeypatch: pytest.MonkeyPatch, bus: EventBus
) -> None:
    talent = create_talent(api, TALENT)
    thread = inquiry(api, talent["id"], "Hello, are you free on the 10th?").body
    path = f"/v1/threads/{thread['id']}/messages"
    api.post(path, as_user=TALENT, json_body={"body": "warm up"})
    with dynamodb_calls(monkeypatch) as calls:
        sent = api.post(path, as_user=CUSTOMER, json_body={"body": "See you then"})
    assert sent.status == 201, sent.body
    assert own(calls) == ["BatchGetItem", "TransactWriteItems"], calls
    # A body with contacts to mask also reads whether the two share a paid relation.
    with dynamodb_calls(monkeypatch) as calls:
        masked = api.post(path, as_user=CUSTOMER, json_body={"body": "call 0770 123 4567"})
    assert masked.status == 201 and masked.body["masked"] is True
    assert own(calls) == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"], calls
    # Each send's event was published; none of the sends deleted its outbox entry.
    assert [e["DetailType"] for e in bus.entries].count("message.created") == 4
    assert count_items("timer") == 4


def test_the_worker_forgets_the_outbox_entry_it_received(
    api: JsonClient, lambdas: Any, bus: EventBus, frozen_clock: Any
) -> None:
    from chalicelib.models import outbox, timer_items

    talent = create_talent(api, TALENT)
    thread = inquiry(api, talent["id"], "Are you free on the 10th?").body
    message = thread["last_message"]
    read = api.post(
        f"/v1/threads/{thread['id']}/read", as_user=TALENT, json_body={"up_to": message["id"]}
    )
    assert read.status == 200
    waiting = timer_items.due(frozen_clock.now() + timedelta(days=1))
    assert {t.payload["detail_type"] for t in waiting} == {"message.created", "thread.read"}
    # Not due before the grace: the sweep leaves them to the worker meanwhile.
    assert timer_items.due(frozen_clock.now()) == []
    assert all(t.due_at == frozen_clock.now() + outbox.PUBLISH_GRACE for t in waiting)
    bus.deliver(lambdas, ("message.created", "thread.read"))
    assert count_items("timer") == 0
    # A redelivery finds nothing to forget and still succeeds.
    bus.deliver(lambdas, ("message.created",))
    assert count_items("timer") == 0


class FailingBus:
    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        raise ConnectionError("EventBridge is unreachable")


def test_a_failed_publish_is_published_by_the_sweep_after_the_grace(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    from chalicelib import clients
    from chalicelib.models import outbox

    talent = create_talent(api, TALENT)
    clients.override("events", FailingBus())
    thread = inquiry(api, talent["id"], "Are you free on the 10th?")
    assert thread.status == 201, thread.body
    assert count_items("message") == 1 and count_items("timer") == 1

    recorder = EventBus()
    clients.override("events", recorder)
    sweep = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    lambdas.lambda_.invoke("timers_sweep", sweep)
    assert recorder.entries == [] and count_items("timer") == 1  # still in its grace
    frozen_clock.advance(int(outbox.PUBLISH_GRACE.total_seconds()))
    report = lambdas.lambda_.invoke("timers_sweep", sweep).payload
    assert report["failed"] == 0, report
    assert [e["DetailType"] for e in recorder.entries] == ["message.created"]
    detail = json.loads(recorder.entries[0]["Detail"])
    assert detail["message"]["id"] == thread.body["last_message"]["id"]
    assert count_items("timer") == 0
