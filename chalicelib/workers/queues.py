"""One router per queue. Capabilities register their message types here; a message of a
type nobody registered fails and ends in the queue's DLQ rather than being dropped."""

from __future__ import annotations

from typing import Any

from chalicelib.workers.sqs import MessageRouter, UnknownMessageError, message_body

webhooks = MessageRouter("webhooks")
payouts = MessageRouter("payouts")
media = MessageRouter("media")
notifications = MessageRouter("notifications")
conversations = MessageRouter("conversations")
qc = MessageRouter("qc")


def handle_media_record(record: dict[str, Any]) -> None:
    """S3 sends its own shape: {"Records": [{"eventName": "ObjectCreated:Post", "s3": ...}]}."""
    body = message_body(record)
    if body.get("Event") == "s3:TestEvent":
        return  # sent once when the notification is configured
    s3_records = body.get("Records")
    if not isinstance(s3_records, list):
        raise UnknownMessageError("media: not an S3 notification")
    for s3_record in s3_records:
        event_name = str(s3_record.get("eventName", ""))
        media.dispatch({"type": f"s3:{event_name.split(':', maxsplit=1)[0]}", "record": s3_record})


def handle_notification_record(record: dict[str, Any]) -> None:
    """EventBridge delivers {"detail-type": ..., "detail": {...}, "id": ...}."""
    event = message_body(record)
    notifications.dispatch({"type": event.get("detail-type"), "event": event})


def handle_conversation_record(record: dict[str, Any]) -> None:
    """Domain events from EventBridge, routed by their detail-type."""
    event = message_body(record)
    conversations.dispatch({"type": event.get("detail-type"), "event": event})
