"""The domain-event outbox: an event to publish is a timer item written in the same
transaction as the change it reports, so a committed change is never left unannounced.
The timers sweep publishes it to the EventBridge bus and deletes it.

An event the request publishes itself right after its commit (a message: real-time pushes
must arrive in seconds) is written due only after `PUBLISH_GRACE`, and the request does not
delete it (a message send is one transaction and its reads, nothing more): the consumer
that receives it (`forget`) does. If the request's publish failed, or the consumer never
got to it, the sweep publishes it once the grace is over (consumers deduplicate on the
detail's `event_id`)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from chalicelib import clock
from chalicelib.errors import ConflictError
from chalicelib.models import keys, timer_items
from chalicelib.models.conditions import conflict_on_condition_failure

PUBLISH_TIMER = "events.publish"
# Long enough for the request's own publish to reach the consumer that forgets the entry.
PUBLISH_GRACE = timedelta(minutes=2)


def timer_id(event_id: str) -> str:
    return f"evt-{event_id}"


def event_timer(
    event_id: str, detail_type: str, detail: dict[str, Any], *, published_by_request: bool = False
) -> timer_items.TimerItem:
    """`published_by_request`: the request publishes it after its commit and a consumer
    forgets it; the sweep publishes it only if that did not happen within the grace."""
    now = clock.now()
    return timer_items.build(
        timer_id(event_id),
        PUBLISH_TIMER,
        event_id,
        now + PUBLISH_GRACE if published_by_request else now,
        # JSON text: the detail may hold nulls and nesting a raw map would reshape.
        {"detail_type": detail_type, "detail": json.dumps(detail, separators=(",", ":"))},
    )


def forget(event_id: str) -> None:
    """The event arrived: its outbox entry (if the sweep did not take it already) can go."""
    try:
        with conflict_on_condition_failure("already published"):
            timer_items.TimerItem(keys.timer_pk(timer_id(event_id)), keys.TIMER_SK).delete(
                condition=timer_items.TimerItem.pk.exists()
            )
    except ConflictError:
        return
