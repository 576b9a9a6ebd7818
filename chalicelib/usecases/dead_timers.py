"""Timers the sweep gave up on: listed for admins, and retried at their word."""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.models import timer_items


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


def retry(timer_id: str) -> dict[str, Any]:
    return _json(timer_items.retry_dead(timer_id, clock.now()))
