"""Nudges and escalation with the clock moved: a report-required booking without a report
reminds its talent 24 h and 48 h after delivery (through the notification pipeline, even
after an early completion); a posted report silences them; 7 days without a passing report
put it in the admin's QC queue (an index), which a waiver empties."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.functional import qc_support as qc
from tests.functional.deals import ADMIN, TALENT
from tests.functional.reviewing import sweep
from tests.support import JsonClient

HOUR = timedelta(hours=1)


@pytest.fixture
def bus(stack: Any) -> qc.EventBus:
    from chalicelib import clients

    recorder = qc.EventBus()
    clients.override("events", recorder)
    return recorder


def _reminders(bus: qc.EventBus) -> list[str]:
    return [e["reminder"] for e in bus.of("process.reminder") if e["reminder"].startswith("report")]


def _queue(api: JsonClient) -> list[str]:
    reply = api.get("/v1/admin/qc?status=revise", as_user=ADMIN)
    assert reply.status == 200, reply.body
    return [item["booking_id"] for item in reply.body["items"]]


def test_nudges_without_a_report_then_the_admin_queue(
    api: JsonClient, frozen_clock: Any, bus: qc.EventBus
) -> None:
    silent = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])
    delivered_at = frozen_clock.now()
    qc.complete(api, silent["id"])  # an early completion does not silence the nudges

    frozen_clock.set(delivered_at + 23 * HOUR)
    sweep()
    assert _reminders(bus) == []
    frozen_clock.set(delivered_at + 24 * HOUR + timedelta(minutes=1))
    sweep()
    [nudge] = [e for e in bus.of("process.reminder") if e["reminder"] == "report_due_24h"]
    assert nudge["subject"]["id"] == silent["id"] and nudge["notify"] == ["talent"]
    assert nudge["talent_user_id"] == silent["talent_user_id"]
    frozen_clock.set(delivered_at + 48 * HOUR + 3 * HOUR)
    sweep()
    sweep()  # a second sweep sends nothing twice
    assert _reminders(bus) == ["report_due_24h", "report_due_48h"]
    assert _queue(api) == []

    frozen_clock.set(delivered_at + timedelta(days=7, hours=3))
    sweep()
    assert _queue(api) == [silent["id"]]
    sweep()
    assert _queue(api) == [silent["id"]]  # once
    waived = api.post(
        f"/v1/admin/bookings/{silent['id']}/qc",
        as_user=ADMIN,
        json_body={"status": "waived", "note": "session confirmed by the customer"},
    )
    assert waived.status == 200, waived.body
    assert _queue(api) == []


def test_a_report_silences_the_nudges_but_not_a_failing_one_the_queue(
    api: JsonClient, frozen_clock: Any, bus: qc.EventBus
) -> None:
    from chalicelib.usecases.qc import evaluation

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])["id"]
    delivered_at = frozen_clock.now()
    assert qc.post_report(api, booking, qc.weak_report()).status == 201
    assert evaluation.evaluate(booking, 1) == "revise"
    frozen_clock.set(delivered_at + 49 * HOUR)
    sweep()
    assert _reminders(bus) == []
    frozen_clock.set(delivered_at + timedelta(days=7, minutes=1))
    sweep()
    [entry] = api.get("/v1/admin/qc?status=revise", as_user=ADMIN).body["items"]
    assert entry["booking_id"] == booking and entry["qc_status"] == "revise"
    assert qc.post_report(api, booking, qc.good_report()).status == 201
    assert evaluation.evaluate(booking, 2) == "passed"
    assert _queue(api) == []


def test_reminders_become_talent_notifications(
    api: JsonClient, frozen_clock: Any, bus: qc.EventBus, lambdas: Any
) -> None:
    import json

    booking = qc.delivered(api, frozen_clock, qc.qc_service(api)["id"])
    frozen_clock.set(frozen_clock.now() + 25 * HOUR)
    sweep()
    [entry] = [
        e
        for e in bus.entries
        if e["DetailType"] == "process.reminder" and "report_due_24h" in e["Detail"]
    ]
    body = json.dumps(
        {"id": "evt-1", "detail-type": entry["DetailType"], "detail": json.loads(entry["Detail"])}
    )
    event = lambdas.events.generate_sqs_event(
        message_bodies=[body], queue_name="marketplace-notifications"
    )
    assert lambdas.lambda_.invoke("notifications_worker", event).payload == {
        "batchItemFailures": []
    }
    items = api.get("/v1/notifications", as_user=TALENT).body["items"]
    assert [(n["type"], n["link"]["id"]) for n in items] == [("report.reminder", booking["id"])]
