"""Timers of the processes: due transitions fire through the sweep, once, and only while the
subject is still where the timer was armed; reminders and domain events go out once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.models import timer_items
from tests.functional.deals import (
    CUSTOMER,
    TALENT,
    book,
    contract,
    system,
    take,
    talent_with_service,
)
from tests.support import JsonClient

HOUR = 3600


def _sweep(lambdas: Any) -> dict[str, int]:
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    report = dict(lambdas.lambda_.invoke("timers_sweep", event).payload)
    assert report["failed"] == 0, report
    return report


def _state(api: JsonClient, kind: str, subject_id: str) -> str:
    return str(api.get(f"/v1/{kind}/{subject_id}", as_user=CUSTOMER).body["state"])


def test_an_unanswered_request_expires_after_48_hours(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    frozen_clock.advance(47 * HOUR)
    _sweep(lambdas)
    assert _state(api, "bookings", booking["id"]) == "requested"
    frozen_clock.advance(1 * HOUR)
    _sweep(lambdas)
    assert _state(api, "bookings", booking["id"]) == "expired"
    events = api.get(f"/v1/bookings/{booking['id']}/events", as_user=TALENT).body["items"]
    assert events[-1]["transition"] == "expire" and events[-1]["actor"] == "system"


def test_a_timer_of_a_state_left_does_nothing(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    take(api, "bookings", booking["id"], "accept", TALENT)
    frozen_clock.advance(20 * HOUR)
    _sweep(lambdas)
    # The request's 48 h expiry was disarmed by accepting; the 24 h unpaid expiry is not due.
    assert _state(api, "bookings", booking["id"]) == "accepted"
    frozen_clock.advance(5 * HOUR)
    _sweep(lambdas)
    assert _state(api, "bookings", booking["id"]) == "expired"


def test_a_stale_timer_firing_is_a_no_op(api: JsonClient, frozen_clock: Any) -> None:
    from chalicelib.workers import process_timers

    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    frozen_clock.advance(49 * HOUR)
    due = [t for t in timer_items.due(frozen_clock.now()) if t.kind == "process.transition"]
    assert len(due) == 1
    process_timers.fire_transition(due[0])
    # A second (overlapping) sweep that read the same timer changes nothing more.
    process_timers.fire_transition(due[0])
    events = api.get(f"/v1/bookings/{booking['id']}/events", as_user=CUSTOMER).body["items"]
    assert [e["transition"] for e in events] == ["create", "expire"]


def test_delivery_at_end_then_auto_completion(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    _, service = talent_with_service(api, deposit_percent=0)
    booking = book(api, service["id"])
    take(api, "bookings", booking["id"], "accept", TALENT)
    system("booking", booking["id"], "payment_succeeded", payment_id="pay")
    frozen_clock.set(datetime(2026, 12, 10, 18, 20, tzinfo=UTC))
    _sweep(lambdas)
    assert _state(api, "bookings", booking["id"]) == "delivered"
    frozen_clock.advance(72 * HOUR - 60)
    _sweep(lambdas)
    assert _state(api, "bookings", booking["id"]) == "delivered"
    frozen_clock.advance(60)
    _sweep(lambdas)
    completed = api.get(f"/v1/bookings/{booking['id']}", as_user=TALENT).body
    assert completed["state"] == "completed"
    assert completed["released"] == {"amount": 300000, "currency": "IQD"}


def test_submitted_milestone_auto_approves_72h_after_the_last_submission(
    api: JsonClient, lambdas: Any, frozen_clock: Any
) -> None:
    deal = contract(api, amounts=(1000,))
    milestone = deal["milestones"][0]["id"]
    system("milestone", milestone, "payment_succeeded")
    take(api, "milestones", milestone, "submit", TALENT, note="v1")
    frozen_clock.advance(70 * HOUR)
    take(api, "milestones", milestone, "request_revision", CUSTOMER, feedback="fix")
    take(api, "milestones", milestone, "submit", TALENT, note="v2")
    frozen_clock.advance(3 * HOUR)
    _sweep(lambdas)
    assert _state(api, "milestones", milestone) == "submitted"
    frozen_clock.advance(69 * HOUR)
    _sweep(lambdas)
    assert _state(api, "milestones", milestone) == "released"
    assert _state(api, "contracts", deal["id"]) == "completed"


@pytest.fixture
def bus_queue(stack: Any) -> Iterator[Any]:
    """Every domain event the bus receives, copied to a queue of this test's own."""
    from chalicelib import clients
    from chalicelib.settings import get_settings

    sqs, events = clients.client("sqs"), clients.client("events")
    name = f"bus-tap-{datetime.now(UTC).timestamp():.0f}-{id(stack)}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    bus = get_settings().event_bus_name
    events.put_rule(
        Name=name,
        EventBusName=bus,
        EventPattern=json.dumps({"source": [{"prefix": "marketplace"}]}),
    )
    events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "tap", "Arn": arn}])

    def read() -> list[dict[str, Any]]:
        found = []
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return found
            for message in batch:
                found.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    yield read
    events.remove_targets(Rule=name, EventBusName=bus, Ids=["tap"])
    events.delete_rule(Name=name, EventBusName=bus)
    sqs.delete_queue(QueueUrl=url)


def test_every_transition_is_published_once_as_a_domain_event(
    api: JsonClient, lambdas: Any, frozen_clock: Any, bus_queue: Any
) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    take(api, "bookings", booking["id"], "decline", TALENT, reason="busy")
    _sweep(lambdas)
    _sweep(lambdas)
    mine = [
        e
        for e in bus_queue()
        if e["detail-type"] == "process.transition"
        and e["detail"]["subject"]["id"] == booking["id"]
    ]
    assert [e["detail"]["transition"] for e in mine] == ["create", "decline"]
    declined = mine[1]
    assert declined["source"] == "marketplace.transactions"
    assert declined["detail"]["actor"] == "talent"
    assert (declined["detail"]["from"], declined["detail"]["to"]) == ("requested", "declined")
    assert declined["detail"]["params"] == {"reason": "busy"}
    assert not [
        t
        for t in timer_items.due(frozen_clock.now() + timedelta(days=1))
        if t.kind == "events.publish"
    ]


def test_reminders_go_out_once_while_the_request_waits(
    api: JsonClient, lambdas: Any, frozen_clock: Any, bus_queue: Any
) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    frozen_clock.advance(24 * HOUR)
    _sweep(lambdas)
    _sweep(lambdas)
    events = bus_queue()
    reminders = [e for e in events if e["detail-type"] == "process.reminder"]
    assert [r["detail"]["reminder"] for r in reminders] == ["request_pending_24h"]
    assert reminders[0]["detail"]["subject"]["id"] == booking["id"]
    # Who is told is the notifications table's business: the reminder names the roles.
    assert reminders[0]["detail"]["notify"] == ["talent"]
    assert not [e for e in events if e["detail-type"] == "notification.requested"]
