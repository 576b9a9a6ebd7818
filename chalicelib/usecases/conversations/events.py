"""The domain events of conversations. They go through the outbox like every domain event
(written in the message's transaction), and are published right after the commit so that
real-time pushes arrive in seconds. The request does not delete the outbox entry (a send
is one transaction and its reads): the conversations worker forgets it when the event
arrives, and if that publish failed, the timers sweep publishes the same entry after
`outbox.PUBLISH_GRACE` (consumers deduplicate on the detail's `event_id`)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute

from chalicelib import observability
from chalicelib.models import outbox, timer_items
from chalicelib.models.thread_items import Message

MESSAGE_CREATED = "message.created"
THREAD_READ = "thread.read"


def message_created(message: Message) -> dict[str, Any]:
    return {
        "event_id": message.id,
        "thread_id": message.thread_id,
        "recipient_id": message.recipient_id,
        "message": message.to_json(),
    }


def thread_read(
    event_id: str, thread_id: str, reader_id: str, other_id: str, up_to: str
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "thread_id": thread_id,
        "user_id": reader_id,
        "recipient_id": other_id,
        "up_to": up_to,
    }


def outbox_entry(event_id: str, detail_type: str, detail: dict[str, Any]) -> timer_items.TimerItem:
    """The outbox entry of a conversation event: published by the request (`announce`)."""
    return outbox.event_timer(event_id, detail_type, detail, published_by_request=True)


def announce(item: timer_items.TimerItem) -> None:
    """Publish a conversation event right after its commit, leaving its outbox entry to
    the worker that receives it (no request of its own here)."""
    _publish(item, then_delete=False)


def publish_now(item: timer_items.TimerItem) -> None:
    """Publish an outbox entry that was committed just before, without reading it back,
    and delete it."""
    _publish(item, then_delete=True)


def _publish(item: timer_items.TimerItem, *, then_delete: bool) -> None:
    from chalicelib.workers import process_timers

    payload = item.payload
    if isinstance(payload, MapAttribute):
        payload = payload.as_dict()  # type: ignore[no-untyped-call]
    timer = timer_items.Timer(
        item.timer_id, outbox.PUBLISH_TIMER, item.subject, item.due_at, payload
    )
    try:
        if then_delete:
            process_timers.publish_event(timer)
        else:
            process_timers.put_event(payload)
    except Exception:
        # Not lost: the outbox entry stays and the sweep publishes it when it is due.
        observability.logger().exception(
            "immediate publish failed; left to the sweep", extra={"timer_id": item.timer_id}
        )
