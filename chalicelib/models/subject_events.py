"""A process subject's history: one event per transition, in the subject's partition
(`<TYPE>#<id>`, sort key `EVENT#<version 000001>`), written in the transition's
transaction (chalicelib/usecases/subject_writes.py) and read oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item


class EventItem(Item, discriminator="subject_event"):
    event_id = UnicodeAttribute()
    subject_type = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    version = NumberAttribute()
    transition = UnicodeAttribute()
    actor = UnicodeAttribute()
    actor_user_id = UnicodeAttribute(null=True)
    from_state = UnicodeAttribute(null=True)
    to_state = UnicodeAttribute()
    params = JSONAttribute(default=dict)
    at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Event:
    id: str
    subject_type: str
    subject_id: str
    version: int
    transition: str
    actor: str
    actor_user_id: str | None
    from_state: str | None
    to_state: str
    params: dict[str, Any]
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": {"type": self.subject_type, "id": self.subject_id},
            "version": self.version,
            "transition": self.transition,
            "actor": self.actor,
            "actor_user_id": self.actor_user_id,
            "from": self.from_state,
            "to": self.to_state,
            "params": self.params,
            "at": clock.to_rfc3339(self.at),
        }


def event_item(event: Event) -> EventItem:
    return EventItem(
        keys.subject_pk(event.subject_type, event.subject_id),
        keys.event_sk(event.version),
        event_id=event.id,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        version=event.version,
        transition=event.transition,
        actor=event.actor,
        actor_user_id=event.actor_user_id,
        from_state=event.from_state,
        to_state=event.to_state,
        params=event.params,
        at=event.at,
    )


def _to_event(item: EventItem) -> Event:
    return Event(
        id=item.event_id,
        subject_type=item.subject_type,
        subject_id=item.subject_id,
        version=int(item.version),
        transition=item.transition,
        actor=item.actor,
        actor_user_id=item.actor_user_id,
        from_state=item.from_state,
        to_state=item.to_state,
        params=dict(item.params or {}),
        at=item.at,
    )


def record_event_in(transaction: TransactWrite, event: Event) -> None:
    transaction.save(event_item(event), condition=EventItem.pk.does_not_exist())


def events(
    subject_type: str, subject_id: str, *, limit: int, cursor: str | None
) -> tuple[list[Event], str | None]:
    partition = keys.subject_pk(subject_type, subject_id)
    start = pagination.decode(cursor, {"PK": partition})
    results = EventItem.query(
        partition,
        EventItem.sk.startswith(keys.EVENT_PREFIX),
        limit=limit,
        page_size=limit,
        last_evaluated_key=start,
    )
    found = [_to_event(item) for item in results if isinstance(item, EventItem)]
    return found, pagination.encode(results.last_evaluated_key)
