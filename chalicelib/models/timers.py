"""Timers: items that say "fire this at that moment". They sit in the sparse GSI3, sharded,
sorted by due time, so the sweep reads only what is due."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.errors import ConflictError
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure


class TimerItem(Item, discriminator="timer"):
    timer_id = UnicodeAttribute()
    timer_kind = UnicodeAttribute()
    subject = UnicodeAttribute()
    due_at = UTCDateTimeAttribute()
    payload = MapAttribute[str, Any](default=dict)


@dataclass(frozen=True)
class Timer:
    id: str
    kind: str
    subject: str
    due_at: datetime
    payload: dict[str, Any]


def _shard(timer_id: str) -> int:
    return zlib.crc32(timer_id.encode()) % keys.TIMER_SHARD_COUNT


def build(
    timer_id: str, kind: str, subject: str, due_at: datetime, payload: dict[str, Any]
) -> TimerItem:
    """A timer item ready to be saved, usually inside the transaction that created the reason."""
    return TimerItem(
        keys.timer_pk(timer_id),
        keys.TIMER_SK,
        timer_id=timer_id,
        timer_kind=kind,
        subject=subject,
        due_at=due_at,
        payload=payload,
        gsi3pk=keys.timer_gsi3pk(_shard(timer_id)),
        gsi3sk=keys.timer_gsi3sk(clock.to_rfc3339(due_at), timer_id),
    )


def _to_timer(item: TimerItem) -> Timer:
    payload = item.payload
    return Timer(
        id=item.timer_id,
        kind=item.timer_kind,
        subject=item.subject,
        due_at=item.due_at,
        payload=payload.as_dict() if isinstance(payload, MapAttribute) else dict(payload),
    )


def due(now: datetime, limit_per_shard: int = 100) -> list[Timer]:
    """Timers due at or before `now`: one Query per shard on the sparse index."""
    upper = keys.timer_gsi3sk(clock.to_rfc3339(now), "~")
    found: list[Timer] = []
    for shard in range(keys.TIMER_SHARD_COUNT):
        for item in TimerItem.gsi3.query(
            keys.timer_gsi3pk(shard), TimerItem.gsi3sk <= upper, limit=limit_per_shard
        ):
            if isinstance(item, TimerItem):
                found.append(_to_timer(item))
    return sorted(found, key=lambda timer: (timer.due_at, timer.id))


def delete_in(transaction: TransactWrite, timer: Timer) -> None:
    """Consume a timer inside the transaction that applies its effect: it fires once."""
    transaction.delete(
        TimerItem(keys.timer_pk(timer.id), keys.TIMER_SK),
        condition=TimerItem.pk.exists(),
    )


def consume_if_due_by(timer_id: str, moment: datetime) -> bool:
    """Delete a timer unless it was moved past `moment` (re-armed by a later change)."""
    try:
        with conflict_on_condition_failure("timer re-armed"):
            TimerItem(keys.timer_pk(timer_id), keys.TIMER_SK).delete(
                condition=TimerItem.due_at <= moment
            )
    except ConflictError:
        return False
    return True
