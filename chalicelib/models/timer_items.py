"""Timers: items that say "fire this at that moment". They sit in the sparse GSI3, sharded,
sorted by due time, so the sweep reads only what is due.

A timer whose handler fails is moved later (growing, jittered backoff), so it leaves the
head of its shard instead of starving every timer behind it; after `TIMER_MAX_ATTEMPTS`
it is parked: out of GSI3, listed in GSI1 `TIMERS#DEAD` for admins to read and retry."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import Writes


class TimerItem(Item, discriminator="timer"):
    timer_id = UnicodeAttribute()
    timer_kind = UnicodeAttribute()
    subject = UnicodeAttribute()
    due_at = UTCDateTimeAttribute()
    payload = MapAttribute[str, Any](default=dict)
    # Failed attempts so far, the last failure, and `dead` once parked.
    attempts = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)
    dead_at = UTCDateTimeAttribute(null=True)


@dataclass(frozen=True)
class Timer:
    id: str
    kind: str
    subject: str
    due_at: datetime
    payload: dict[str, Any]
    attempts: int = 0


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


def payload_of(item: TimerItem) -> dict[str, Any]:
    payload = item.payload
    found: dict[str, Any] = (
        payload.as_dict() if isinstance(payload, MapAttribute) else dict(payload)
    )
    return found


def _to_timer(item: TimerItem) -> Timer:
    return Timer(
        id=item.timer_id,
        kind=item.timer_kind,
        subject=item.subject,
        due_at=item.due_at,
        payload=payload_of(item),
        attempts=int(item.attempts or 0),
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


DEAD = "dead"
# The backoff: BASE doubling per failed attempt up to CAP, each delay jittered down by up to
# a quarter so timers that failed together do not come back together.
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 6 * 3600


def backoff(timer_id: str, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure. The jitter is derived from the timer and
    attempt (no randomness: a sweep that retries after a crash computes the same moment)."""
    ceiling = min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_CAP_SECONDS)
    spread = zlib.crc32(f"{timer_id}#{attempts}".encode()) / 2**32
    return timedelta(seconds=ceiling * (1 - spread / 4))


def _item(timer_id: str) -> TimerItem:
    return TimerItem(keys.timer_pk(timer_id), keys.TIMER_SK)


def record_failure(timer: Timer, error: str, now: datetime, max_attempts: int) -> bool:
    """Count a failed attempt: the timer comes back after its backoff, or is parked dead
    after `max_attempts`. Conditioned on the due slot read, so a timer re-armed or consumed
    meanwhile is left alone (ConflictError). True when parked."""
    attempts = timer.attempts + 1
    read_slot = keys.timer_gsi3sk(clock.to_rfc3339(timer.due_at), timer.id)
    common: list[Action] = [TimerItem.attempts.set(attempts), TimerItem.last_error.set(error[:500])]
    if attempts >= max_attempts:
        actions: list[Action] = [
            *common,
            TimerItem.state.set(DEAD),
            TimerItem.dead_at.set(now),
            TimerItem.gsi1pk.set(keys.dead_timers_gsi1pk()),
            TimerItem.gsi1sk.set(keys.timer_gsi3sk(clock.to_rfc3339(now), timer.id)),
            TimerItem.gsi3pk.remove(),
            TimerItem.gsi3sk.remove(),
        ]
    else:
        due_at = now + backoff(timer.id, attempts)
        actions = [
            *common,
            TimerItem.due_at.set(due_at),
            TimerItem.gsi3sk.set(keys.timer_gsi3sk(clock.to_rfc3339(due_at), timer.id)),
        ]
    with conflict_on_condition_failure("the timer changed meanwhile"):
        _item(timer.id).update(actions=actions, condition=TimerItem.gsi3sk == read_slot)
    return attempts >= max_attempts


def list_dead(*, limit: int, cursor: str | None) -> tuple[list[TimerItem], str | None]:
    """Parked timers, most recently parked first."""
    from chalicelib.models import pagination

    partition = keys.dead_timers_gsi1pk()
    start = pagination.decode(cursor, {"GSI1PK": partition})
    results = TimerItem.gsi1.query(
        partition, scan_index_forward=False, limit=limit, page_size=limit, last_evaluated_key=start
    )
    found = [item for item in results if isinstance(item, TimerItem)]
    return found, pagination.encode(results.last_evaluated_key)


def get(timer_id: str) -> TimerItem | None:
    try:
        found: TimerItem = TimerItem.get(
            keys.timer_pk(timer_id), keys.TIMER_SK, consistent_read=True
        )
    except TimerItem.DoesNotExist:
        return None
    return found


def retry_dead_in(writes: Writes, timer_id: str, now: datetime) -> TimerItem:
    """Put a parked timer back in the sweep, due now, with its attempts reset (in the
    transaction that audits it). Returns the parked timer as read; 404 / 409 up front."""
    found = get(timer_id)
    if found is None:
        raise NotFoundError("timer not found")
    if found.state != DEAD:
        raise ConflictError("the timer is not dead")
    item = _item(timer_id)
    actions: list[Action] = [
        TimerItem.state.remove(),
        TimerItem.dead_at.remove(),
        TimerItem.attempts.set(0),
        TimerItem.due_at.set(now),
        TimerItem.gsi1pk.remove(),
        TimerItem.gsi1sk.remove(),
        TimerItem.gsi3pk.set(keys.timer_gsi3pk(_shard(timer_id))),
        TimerItem.gsi3sk.set(keys.timer_gsi3sk(clock.to_rfc3339(now), timer_id)),
    ]
    writes.add(
        (item.pk, item.sk),
        "timer",
        lambda transaction: transaction.update(
            item, actions=actions, condition=TimerItem.state == DEAD
        ),
    )
    return found
