"""Delivery rules of notifications: message emails (a 5-minute check, one per thread per 15
minutes, only while unread), per-kind opt-outs, bounced addresses, and the
`notification.created` push to the recipient's open WebSockets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.functional.deals import CUSTOMER, TALENT, book, talent_with_service
from tests.functional.notify_support import deliver, emails_to, outbox_events
from tests.functional.test_realtime import (  # noqa: F401 - fixtures
    EventBus,
    ManagementApi,
    bus,
    connect,
    management,
)
from tests.support import JsonClient

MINUTE = 60


def _sweep(lambdas: Any) -> None:
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    report = dict(lambdas.lambda_.invoke("timers_sweep", event).payload)
    assert report["failed"] == 0, report


def _send(api: JsonClient, thread_id: str, body: str) -> dict[str, Any]:
    reply = api.post(
        f"/v1/threads/{thread_id}/messages", as_user=CUSTOMER, json_body={"body": body}
    )
    assert reply.status == 201, reply.body
    return dict(reply.body)


def _deliver_new(lambdas: Any, recorded: EventBus, done: set[str]) -> None:
    """Messages are published right after their commit: taken from the recorded bus."""
    published = [
        {"id": f"eb-{i}", "detail-type": e["DetailType"], "detail": json.loads(e["Detail"])}
        for i, e in enumerate(recorded.entries)
        if e["DetailType"] == "message.created"
    ]
    fresh = [e for e in published if e["detail"]["event_id"] not in done]
    assert fresh
    done.update(e["detail"]["event_id"] for e in fresh)
    assert deliver(lambdas, fresh) == {"batchItemFailures": []}


def test_message_emails_wait_5_minutes_and_come_once_per_thread_per_15(
    api: JsonClient,
    lambdas: Any,
    aws_endpoint: str,
    frozen_clock: Any,
    bus: EventBus,  # noqa: F811
) -> None:
    # GIVEN a customer's first message to a talent, delivered to the worker
    talent, _ = talent_with_service(api)
    reply = api.post(
        "/v1/threads",
        as_user=CUSTOMER,
        json_body={"about": {"type": "talent", "id": talent["id"]}, "body": "Hello, are you free?"},
    )
    assert reply.status == 201, reply.body
    thread_id = reply.body["id"]
    before = {m["id"] for m in emails_to(aws_endpoint, TALENT)}

    def new_mails() -> list[dict[str, Any]]:
        return [m for m in emails_to(aws_endpoint, TALENT) if m["id"] not in before]

    done: set[str] = set()
    _deliver_new(lambdas, bus, done)
    # THEN the in-app notification is there at once, the email is not
    items = api.get("/v1/notifications", as_user=TALENT).body["items"]
    assert [(n["type"], n["link"]) for n in items] == [
        ("message.received", {"type": "thread", "id": thread_id})
    ]
    _sweep(lambdas)
    assert new_mails() == []
    # WHEN a second message follows within the 15 minutes
    frozen_clock.advance(2 * MINUTE)
    _send(api, thread_id, "Second message in the thread")
    _deliver_new(lambdas, bus, done)
    # AND 5 minutes pass with the thread unread
    frozen_clock.advance(4 * MINUTE)
    _sweep(lambdas)
    # THEN exactly one email went out (the first message's), the second made none
    (mail,) = new_mails()
    assert mail["subject"] == "New message" and mail["html"] and mail["text"]
    frozen_clock.advance(10 * MINUTE)
    _sweep(lambdas)
    assert len(new_mails()) == 1

    # WHEN, 15 minutes on, another message comes and the talent reads it within 5 minutes
    third = _send(api, thread_id, "A third message, later on")
    _deliver_new(lambdas, bus, done)
    read = api.post(
        f"/v1/threads/{thread_id}/read", as_user=TALENT, json_body={"up_to": third["id"]}
    )
    assert read.status == 200
    frozen_clock.advance(6 * MINUTE)
    _sweep(lambdas)
    # THEN no email: it was read
    assert len(new_mails()) == 1
    # AND an unread one after that is emailed again (the 15 minutes are over)
    frozen_clock.advance(10 * MINUTE)
    _send(api, thread_id, "And a fourth one, unread")
    _deliver_new(lambdas, bus, done)
    frozen_clock.advance(5 * MINUTE)
    _sweep(lambdas)
    assert len(new_mails()) == 2


def test_a_muted_kind_is_neither_shown_nor_emailed(
    api: JsonClient, lambdas: Any, aws_endpoint: str
) -> None:
    _, service = talent_with_service(api)
    prefs = {"notification_prefs": {"muted_kinds": ["booking.requested"]}}
    reply = api.patch("/v1/me", as_user=TALENT, json_body=prefs)
    assert reply.status == 200, reply.body
    assert reply.body["notification_prefs"]["muted_kinds"] == ["booking.requested"]
    before = emails_to(aws_endpoint, TALENT)
    book(api, service["id"])
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    assert api.get("/v1/notifications", as_user=TALENT).body["items"] == []
    assert emails_to(aws_endpoint, TALENT) == before


@pytest.mark.parametrize(
    "kinds", [["payment.succeeded"], ["no.such.kind"], ["booking.requested", "payout.paid"]]
)
def test_always_sent_or_unknown_kinds_cannot_be_muted(api: JsonClient, kinds: list[str]) -> None:
    prefs = {"notification_prefs": {"muted_kinds": kinds}}
    reply = api.patch("/v1/me", as_user=TALENT, json_body=prefs)
    assert reply.status == 400
    assert api.get("/v1/me", as_user=TALENT).body["notification_prefs"]["muted_kinds"] == []


def test_the_recipients_websocket_gets_notification_created(
    api: JsonClient,
    lambdas: Any,
    issuer: Any,
    management: ManagementApi,  # noqa: F811
) -> None:
    # GIVEN the talent has an open connection
    _, service = talent_with_service(api)
    assert connect(lambdas, "talent-conn", issuer.token(TALENT)) == 200
    # WHEN a booking request is delivered
    book(api, service["id"])
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    # THEN the connection received the notification as the center lists it
    (frame,) = management.frames_to("talent-conn")
    (item,) = api.get("/v1/notifications", as_user=TALENT).body["items"]
    assert frame == {"type": "notification.created", "notification": item}
    assert json.dumps(frame)


def _ses_feedback(notice: dict[str, Any]) -> str:
    """What SNS puts on the queue for a configuration set's event."""
    return json.dumps({"Type": "Notification", "Message": json.dumps(notice)})


def test_a_bounce_stops_emails_and_shows_on_me(
    api: JsonClient, lambdas: Any, aws_endpoint: str
) -> None:
    # GIVEN the talent's address bounced permanently, and a transient bounce of the customer's
    _, service = talent_with_service(api)
    assert api.get("/v1/me", as_user=TALENT).body["email_status"] == "deliverable"
    bounce = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": TALENT.upper()}],
        },
    }
    transient = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Transient",
            "bouncedRecipients": [{"emailAddress": CUSTOMER}],
        },
    }
    event = lambdas.events.generate_sqs_event(
        message_bodies=[_ses_feedback(bounce), _ses_feedback(transient), "{}"],
        queue_name="marketplace-email-feedback",
    )
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"m-{index}"
    result = lambdas.lambda_.invoke("email_feedback_worker", event).payload
    # THEN the unknown notice fails alone (to the DLQ), the others are taken
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}
    assert api.get("/v1/me", as_user=TALENT).body["email_status"] == "bounced"
    assert api.get("/v1/me", as_user=CUSTOMER).body["email_status"] == "deliverable"
    # WHEN a booking request comes
    before = emails_to(aws_endpoint, TALENT)
    book(api, service["id"])
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    # THEN the talent sees it in the app, and no email is sent to the bounced address
    assert [n["type"] for n in api.get("/v1/notifications", as_user=TALENT).body["items"]] == [
        "booking.requested"
    ]
    assert emails_to(aws_endpoint, TALENT) == before


def test_a_complaint_marks_the_address_too(api: JsonClient, lambdas: Any) -> None:
    notice = {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": CUSTOMER}],
            "complaintFeedbackType": "abuse",
        },
    }
    event = lambdas.events.generate_sqs_event(
        message_bodies=[_ses_feedback(notice)], queue_name="marketplace-email-feedback"
    )
    assert lambdas.lambda_.invoke("email_feedback_worker", event).payload == {
        "batchItemFailures": []
    }
    assert api.get("/v1/me", as_user=CUSTOMER).body["email_status"] == "complained"


def test_a_reminder_republished_is_told_once(
    api: JsonClient,
    lambdas: Any,
    frozen_clock: Any,
    bus: EventBus,  # noqa: F811
) -> None:
    # GIVEN a booking request unanswered for 24 hours: the sweep publishes the reminder
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    frozen_clock.advance(24 * 60 * MINUTE)
    _sweep(lambdas)
    (published,) = [e for e in bus.entries if e["DetailType"] == "process.reminder"]
    detail = json.loads(published["Detail"])
    # WHEN it reaches the worker twice, as two EventBridge events (a republished outbox entry)
    events = [
        {"id": eb_id, "detail-type": "process.reminder", "detail": detail}
        for eb_id in ("eventbridge-1", "eventbridge-2")
    ]
    assert deliver(lambdas, events) == {"batchItemFailures": []}
    # THEN the talent has one reminder, about the booking
    items = api.get("/v1/notifications", as_user=TALENT).body["items"]
    reminders = [n for n in items if n["type"] == "booking.reminder"]
    assert [n["link"] for n in reminders] == [{"type": "booking", "id": booking["id"]}]
    assert reminders[0]["title"] == "A booking request is waiting"
