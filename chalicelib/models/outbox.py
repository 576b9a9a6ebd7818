"""The domain-event outbox: an event to publish is a timer item written in the same
transaction as the change it reports, so a committed change is never left unannounced.
The timers sweep publishes it to the EventBridge bus and deletes it."""

from __future__ import annotations

import json
from typing import Any

from chalicelib import clock
from chalicelib.models import timers

PUBLISH_TIMER = "events.publish"


def event_timer(event_id: str, detail_type: str, detail: dict[str, Any]) -> timers.TimerItem:
    return timers.build(
        f"evt-{event_id}",
        PUBLISH_TIMER,
        event_id,
        clock.now(),
        # JSON text: the detail may hold nulls and nesting a raw map would reshape.
        {"detail_type": detail_type, "detail": json.dumps(detail, separators=(",", ":"))},
    )
