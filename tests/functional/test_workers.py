"""SQS workers report partial batch failures and are idempotent; the timers sweep fires once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pynamodb.attributes import UnicodeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib.errors import ConflictError
from chalicelib.models import timer_items
from chalicelib.models.base import Item, connection
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.workers import timer_sweep as sweep_worker


def _sqs_event(lambdas: Any, queue: str, bodies: list[str]) -> dict[str, Any]:
    event: dict[str, Any] = lambdas.events.generate_sqs_event(
        message_bodies=bodies, queue_name=queue
    )
    # chalice.test gives every record the same messageId; partial failures need real ones.
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"msg-{index}"
    return event


def _invoke(lambdas: Any, name: str, event: dict[str, Any]) -> Any:
    return lambdas.lambda_.invoke(name, event).payload


def _notification(event_id: str, detail_type: str, detail: dict[str, Any]) -> str:
    return json.dumps(
        {
            "id": event_id,
            "source": "marketplace.test",
            "detail-type": detail_type,
            "detail": detail,
        }
    )


def test_unknown_messages_fail_alone(lambdas: Any) -> None:
    event = _sqs_event(
        lambdas,
        "marketplace-notifications",
        [
            _notification("e1", "no.such.type", {}),
            "not json at all",
        ],
    )
    result = _invoke(lambdas, "notifications_worker", event)
    assert sorted(f["itemIdentifier"] for f in result["batchItemFailures"]) == ["msg-0", "msg-1"]


def test_s3_test_event_is_acknowledged(lambdas: Any) -> None:
    event = _sqs_event(lambdas, "marketplace-media", [json.dumps({"Event": "s3:TestEvent"})])
    assert _invoke(lambdas, "media_worker", event) == {"batchItemFailures": []}


class _Marker(Item, discriminator="test-marker"):
    note = UnicodeAttribute()


@sweep_worker.register("test.fire")
def _fire(timer: timer_items.Timer) -> None:
    with (
        conflict_on_condition_failure("timer already fired"),
        TransactWrite(connection=connection()) as transaction,
    ):
        timer_items.delete_in(transaction, timer)
        transaction.save(_Marker(f"MARK#{timer.id}", "MARK", note=timer.subject))


def _schedule(timer_id: str, due_at: datetime, kind: str = "test.fire") -> None:
    timer_items.build(timer_id, kind, f"subject-{timer_id}", due_at, {"n": 1}).save()


def test_sweep_fires_due_timers_once(lambdas: Any, frozen_clock: Any) -> None:
    now = frozen_clock.now()
    _schedule("due-1", now - timedelta(minutes=5))
    _schedule("due-2", now)
    _schedule("later", now + timedelta(hours=1))
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    assert _invoke(lambdas, "timers_sweep", event) == {
        "fired": 2,
        "skipped": 0,
        "failed": 0,
        "parked": 0,
    }
    assert _Marker.get("MARK#due-1", "MARK").note == "subject-due-1"
    # WHEN the sweep runs again THEN nothing fires twice
    assert _invoke(lambdas, "timers_sweep", event) == {
        "fired": 0,
        "skipped": 0,
        "failed": 0,
        "parked": 0,
    }
    # WHEN time reaches the later timer THEN it fires
    frozen_clock.advance(3600)
    assert _invoke(lambdas, "timers_sweep", event)["fired"] == 1


def test_a_timer_consumed_elsewhere_is_skipped(stack: Any, frozen_clock: Any) -> None:
    # GIVEN two overlapping sweeps that both read the same due timer
    _schedule("raced", frozen_clock.now())
    [timer] = timer_items.due(frozen_clock.now())
    _fire(timer)
    # THEN the second firing fails its condition and has no effect
    with pytest.raises(ConflictError):
        _fire(timer)
    assert _Marker.get("MARK#raced", "MARK").note == "subject-raced"


def test_unknown_timer_kinds_are_reported_not_dropped(stack: Any, frozen_clock: Any) -> None:
    _schedule("mystery", frozen_clock.now(), kind="no.such.kind")
    report = sweep_worker.sweep()
    assert report.failed == 1
    # Kept, and tried again later (backed off) rather than holding the head of its shard.
    assert timer_items.due(frozen_clock.now()) == []
    [later] = timer_items.due(frozen_clock.now() + timedelta(minutes=2))
    assert (later.id, later.attempts) == ("mystery", 1)


def test_timers_due_uses_the_sparse_index_in_order(stack: Any) -> None:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for index in range(12):
        _schedule(f"t{index:02d}", base + timedelta(minutes=index))
    due = timer_items.due(base + timedelta(minutes=5))
    assert [t.id for t in due] == [f"t{index:02d}" for index in range(6)]
