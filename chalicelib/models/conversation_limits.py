"""Anti-spam counters and the facts they depend on.

Counters are items with a TTL, each moved by one conditional update inside the message's
transaction, so a refused message stores nothing and two racing messages cannot both slip
under a limit:

- `SPAM#<user>/THREADS#<day>`: threads a new account opened that UTC day (`ADD n 1` while
  `n < limit`);
- `SPAM#<user>/BODY#<hash>`: the recent recipients of one normalised body, each with the
  time it was last sent to them (a sliding hour: `domain.conversations.same_body_verdict`).
  Read in the send's BatchGetItem, written back in its transaction on the condition that
  its `version` is still the one read (a racing send with the same body retries).

Markers the conversation worker writes from domain events (EventBridge -> SQS), read with
the thread in one BatchGetItem:

- `PAIR#<a>#<b>/PAID`: the two share a confirmed booking or a funded milestone (masking
  stops);
- `STANDING#<user>/ESTABLISHED`: the user completed a booking or a contract (no new-account
  limit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib import clock
from chalicelib.domain.conversations import SAME_BODY_WINDOW
from chalicelib.errors import ConflictError
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import Writes, save

NEW_THREADS_LABEL = "spam.new_threads"
SAME_BODY_LABEL = "spam.same_body"


def body_window_key(user_id: str, body_hash: str) -> tuple[str, str]:
    return keys.spam_pk(user_id), keys.spam_body_sk(body_hash)


class CounterItem(Item, discriminator="spam_counter"):
    n = NumberAttribute(null=True)
    # Only on the hourly body counters written before the sliding window; they expire.
    recipients = UnicodeSetAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class BodyWindowItem(Item, discriminator="spam_body_window"):
    # recipient user id -> RFC 3339 time of the last send of this body to them
    recent = MapAttribute[str, Any](default=dict)
    version = NumberAttribute()
    expires_at = TTLAttribute()


@dataclass(frozen=True)
class BodyWindow:
    """One sender's recent recipients of one body, as read (`version` 0: none yet)."""

    key: tuple[str, str]
    recent: dict[str, datetime]
    version: int


def to_body_window(key: tuple[str, str], item: object) -> BodyWindow:
    if not isinstance(item, BodyWindowItem):
        return BodyWindow(key, {}, 0)
    raw = item.recent.as_dict() if isinstance(item.recent, MapAttribute) else dict(item.recent)
    recent = {who: clock.parse_rfc3339(at) for who, at in raw.items()}
    return BodyWindow(key, recent, int(item.version))


class MarkerItem(Item, discriminator="conversation_marker"):
    reason = UnicodeAttribute()
    at = UTCDateTimeAttribute()


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def count_new_thread_in(writes: Writes, user_id: str, now: datetime, limit: int) -> None:
    start = day_start(now)
    item = CounterItem(keys.spam_pk(user_id), keys.spam_threads_sk(start.date().isoformat()))
    expires = start + timedelta(days=2)
    writes.add(
        (item.pk, item.sk),
        NEW_THREADS_LABEL,
        lambda t: t.update(
            item,
            actions=[
                CounterItem.kind.set(CounterItem),  # an upsert: the discriminator too
                CounterItem.n.add(1),
                CounterItem.expires_at.set(expires),
            ],
            condition=CounterItem.n.does_not_exist() | (CounterItem.n < limit),
        ),
    )


def save_body_window_in(
    writes: Writes, window: BodyWindow, recent: dict[str, datetime], now: datetime
) -> None:
    """Writes the window back, on the condition nobody else did since it was read."""
    item = BodyWindowItem(
        window.key[0],
        window.key[1],
        recent={who: clock.to_rfc3339_precise(at) for who, at in recent.items()},
        version=window.version + 1,
        expires_at=now + SAME_BODY_WINDOW,  # every entry has left the window by then
    )
    condition = (
        BodyWindowItem.version == window.version
        if window.version
        else BodyWindowItem.pk.does_not_exist()
    )
    writes.add(window.key, SAME_BODY_LABEL, save(item, condition))


def pair_key(user_a: str, user_b: str) -> tuple[str, str]:
    return keys.pair_pk(user_a, user_b), keys.PAIR_PAID_SK


def standing_key(user_id: str) -> tuple[str, str]:
    return keys.user_standing_pk(user_id), keys.ESTABLISHED_SK


def _mark(key: tuple[str, str], reason: str) -> bool:
    """True when this call wrote the marker."""
    item = MarkerItem(key[0], key[1], reason=reason, at=clock.now())
    try:
        with conflict_on_condition_failure("already marked"):
            item.save(condition=MarkerItem.pk.does_not_exist())
    except ConflictError:
        return False  # the first reason stands; a redelivered event changes nothing
    return True


def mark_paid(user_a: str, user_b: str, reason: str) -> bool:
    return _mark(pair_key(user_a, user_b), reason)


def mark_established(user_id: str, reason: str) -> bool:
    return _mark(standing_key(user_id), reason)
