"""Helpers of the notification tests: the domain events a test's requests left in the
outbox, handed to the notifications worker as EventBridge would (through SQS), and the
emails the emulator's SES received."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import clock
from chalicelib.models import outbox, timer_items
from devstack.emulator import sent_emails


def outbox_events(detail_type: str | None = None) -> list[dict[str, Any]]:
    """Every domain event waiting in the outbox, shaped as EventBridge delivers it."""
    far = clock.now().replace(year=clock.now().year + 5)
    found = []
    for timer in timer_items.due(far):
        if timer.kind != outbox.PUBLISH_TIMER:
            continue
        payload = timer.payload
        if detail_type is not None and payload["detail_type"] != detail_type:
            continue
        found.append(
            {
                "id": f"eb-{timer.id}",
                "source": "marketplace.transactions",
                "detail-type": payload["detail_type"],
                "detail": json.loads(payload["detail"]),
            }
        )
    return found


def deliver(lambdas: Any, events: list[dict[str, Any]]) -> dict[str, Any]:
    sqs_event: dict[str, Any] = lambdas.events.generate_sqs_event(
        message_bodies=[json.dumps(e) for e in events], queue_name="marketplace-notifications"
    )
    for index, record in enumerate(sqs_event["Records"]):
        record["messageId"] = f"msg-{index}"
    result: dict[str, Any] = lambdas.lambda_.invoke("notifications_worker", sqs_event).payload
    return result


def emails_to(aws_endpoint: str, address: str) -> list[dict[str, Any]]:
    """The emails to one address that the emulator at aws_endpoint (in this process)
    accepted."""
    return [m for m in sent_emails() if address in m["to"]]
