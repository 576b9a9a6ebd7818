"""The event pump end to end: EventBridge -> SQS -> handler -> SES, and poison messages."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _mails(devstack: RunningStack, subject: str) -> list[dict[str, object]]:
    items = devstack.sandbox("GET", "/dev/outbox").json()["items"]
    return [item for item in items if item["subject"] == subject]


def _drain(devstack: RunningStack) -> dict[str, int]:
    response = devstack.sandbox("POST", "/dev/drain")
    assert response.status_code == 200, response.text
    counts: dict[str, int] = response.json()["dead_letters"]
    return counts


def test_an_event_on_the_bus_sends_one_email(devstack: RunningStack) -> None:
    subject = f"Hi {uuid.uuid4().hex[:8]}"
    bus = devstack.resources()["bus_name"]

    answer = devstack.aws("events").put_events(
        Entries=[
            {
                "EventBusName": bus,
                "Source": "marketplace.test",
                "DetailType": "notification.requested",
                "Detail": json.dumps(
                    {"email": "x@example.com", "subject": subject, "text": "Hello"}
                ),
            }
        ]
    )
    assert answer["FailedEntryCount"] == 0
    _drain(devstack)

    mails = _mails(devstack, subject)
    assert len(mails) == 1
    assert mails[0]["to"] == ["x@example.com"]
    assert mails[0]["body"] == "Hello"
    assert mails[0]["source"] == devstack.resources()["env"]["SES_SENDER"]


def test_a_poison_message_ends_in_the_dlq_and_spares_its_batch(devstack: RunningStack) -> None:
    resources = devstack.resources()
    sqs = devstack.aws("sqs")
    dead_before = _drain(devstack)["notifications"]
    poison_id, subject = str(uuid.uuid4()), f"Batchmate {uuid.uuid4().hex[:8]}"

    sqs.send_message_batch(
        QueueUrl=resources["queue_urls"]["notifications"],
        Entries=[
            {
                "Id": "poison",
                "MessageBody": json.dumps({"id": poison_id, "detail-type": "no.such.type"}),
            },
            {
                "Id": "good",
                "MessageBody": json.dumps(
                    {
                        "id": str(uuid.uuid4()),
                        "detail-type": "notification.requested",
                        "detail": {"email": "y@example.com", "subject": subject, "text": "ok"},
                    }
                ),
            },
        ],
    )
    dead_after = _drain(devstack)["notifications"]

    assert dead_after == dead_before + 1
    assert len(_mails(devstack, subject)) == 1
    received = sqs.receive_message(
        QueueUrl=resources["dlq_urls"]["notifications"],
        MaxNumberOfMessages=10,
        VisibilityTimeout=0,
    ).get("Messages", [])
    assert poison_id in [json.loads(message["Body"])["id"] for message in received]
