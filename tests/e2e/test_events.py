"""The event pump end to end: EventBridge -> SQS -> handler -> SES, and poison messages."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _mails(devstack: RunningStack, address: str) -> list[dict[str, object]]:
    items = devstack.sandbox("GET", "/dev/outbox").json()["items"]
    return [item for item in items if address in item["to"]]


def _person(devstack: RunningStack) -> tuple[str, str]:
    """A signed-up user (id, email): the reviewee of a review event."""
    email = f"reviewee-{uuid.uuid4().hex[:8]}@example.com"
    me = devstack.api("GET", "/v1/me", devstack.token(email))
    assert me.status_code == 200, me.text
    return str(me.json()["id"]), email


def _review_received(reviewee_id: str) -> dict[str, object]:
    return {
        "event_id": str(uuid.uuid4()),
        "review_id": str(uuid.uuid4()),
        "author_id": "someone-else",
        "reviewee_id": reviewee_id,
        "subject": {"type": "booking", "id": "b-1"},
    }


def _drain(devstack: RunningStack) -> dict[str, int]:
    response = devstack.sandbox("POST", "/dev/drain")
    assert response.status_code == 200, response.text
    counts: dict[str, int] = response.json()["dead_letters"]
    return counts


def test_an_event_on_the_bus_sends_one_email(devstack: RunningStack) -> None:
    reviewee_id, address = _person(devstack)
    bus = devstack.resources()["bus_name"]

    answer = devstack.aws("events").put_events(
        Entries=[
            {
                "EventBusName": bus,
                "Source": "marketplace.test",
                "DetailType": "review.received",
                "Detail": json.dumps(_review_received(reviewee_id)),
            }
        ]
    )
    assert answer["FailedEntryCount"] == 0
    _drain(devstack)

    mails = _mails(devstack, address)
    assert len(mails) == 1
    assert mails[0]["to"] == [address]
    assert mails[0]["subject"] == "You received a review"
    assert mails[0]["text"] and mails[0]["html"]
    assert devstack.resources()["env"]["SES_SENDER"] in str(mails[0]["source"])


def test_a_poison_message_ends_in_the_dlq_and_spares_its_batch(devstack: RunningStack) -> None:
    resources = devstack.resources()
    sqs = devstack.aws("sqs")
    dead_before = _drain(devstack)["notifications"]
    poison_id = str(uuid.uuid4())
    reviewee_id, address = _person(devstack)

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
                        "detail-type": "review.received",
                        "detail": _review_received(reviewee_id),
                    }
                ),
            },
        ],
    )
    dead_after = _drain(devstack)["notifications"]

    assert dead_after == dead_before + 1
    assert len(_mails(devstack, address)) == 1
    received = sqs.receive_message(
        QueueUrl=resources["dlq_urls"]["notifications"],
        MaxNumberOfMessages=10,
        VisibilityTimeout=0,
    ).get("Messages", [])
    assert poison_id in [json.loads(message["Body"])["id"] for message in received]
