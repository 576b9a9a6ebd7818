"""Timers the sweep gave up on: listed for admins, and retried at their word."""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.models import audit, timer_items
from chalicelib.models.writes import Writes


def _json(item: timer_items.TimerItem) -> dict[str, Any]:
    return {
        "id": item.timer_id,
        "kind": item.timer_kind,
        "subject": item.subject,
        "state": item.state or "scheduled",
        "attempts": int(item.attempts or 0),
        "last_error": item.last_error,
        "due_at": clock.to_rfc3339(item.due_at),
        "dead_at": clock.to_rfc3339(item.dead_at) if item.dead_at else None,
        "payload": timer_items.payload_of(item),
    }


def list_dead(*, limit: int, cursor: str | None) -> dict[str, Any]:
    found, next_cursor = timer_items.list_dead(limit=limit, cursor=cursor)
    return {"items": [_json(item) for item in found], "next_cursor": next_cursor}


def retry(timer_id: str, actor_id: str) -> dict[str, Any]:
    """Back in the sweep, due now; the audit entry is in the same transaction."""
    writes = Writes()
    parked = timer_items.retry_dead_in(writes, timer_id, clock.now())
    audit.record(
        writes,
        actor_id=actor_id,
        action="timer.retry",
        target_type="timer",
        target_id=timer_id,
        before={"state": timer_items.DEAD, "attempts": int(parked.attempts or 0)},
        after={"state": "scheduled", "attempts": 0},
    )
    writes.commit("the timer is not dead")
    retried = timer_items.get(timer_id)
    assert retried is not None
    return _json(retried)
