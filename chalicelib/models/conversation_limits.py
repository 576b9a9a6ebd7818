"""Anti-spam counters and the facts they depend on.

Counters are items with a TTL, each moved by one conditional update inside the message's
transaction, so a refused message stores nothing and two racing messages cannot both slip
under a limit:

- `SPAM#<user>/THREADS#<day>`: threads a new account opened that UTC day (`ADD n 1` while
  `n < limit`);
- `SPAM#<user>/BODY#<hash>#<hour>`: the set of recipients of one normalised body within a
  clock hour (`ADD recipients :r` while the set is smaller than 2 or already holds `:r`).

Markers the conversation worker writes from domain events (EventBridge -> SQS), read with
the thread in one BatchGetItem:

- `PAIR#<a>#<b>/PAID`: the two share a confirmed booking or a funded milestone (masking
  stops);
- `STANDING#<user>/ESTABLISHED`: the user completed a booking or a contract (no new-account
  limit)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.condition import size

from chalicelib import clock
from chalicelib.errors import ConflictError
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import Writes

NEW_THREADS_LABEL = "spam.new_threads"
SAME_BODY_LABEL = "spam.same_body"
SAME_BODY_MAX_RECIPIENTS = 2  # the third different person within the window is refused
SAME_BODY_WINDOW = timedelta(hours=1)


class CounterItem(Item, discriminator="spam_counter"):
    n = NumberAttribute(null=True)
    recipients = UnicodeSetAttribute(null=True)
    expires_at = TTLAttribute(null=True)


class MarkerItem(Item, discriminator="conversation_marker"):
    reason = UnicodeAttribute()
    at = UTCDateTimeAttribute()


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def hour_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


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


def count_body_in(
    writes: Writes, user_id: str, body_hash: str, recipient_id: str, now: datetime
) -> None:
    start = hour_start(now)
    item = CounterItem(keys.spam_pk(user_id), keys.spam_body_sk(body_hash, clock.to_rfc3339(start)))
    expires = start + 2 * SAME_BODY_WINDOW
    writes.add(
        (item.pk, item.sk),
        SAME_BODY_LABEL,
        lambda t: t.update(
            item,
            actions=[
                CounterItem.kind.set(CounterItem),
                CounterItem.recipients.add({recipient_id}),
                CounterItem.expires_at.set(expires),
            ],
            condition=CounterItem.recipients.does_not_exist()
            | (size(CounterItem.recipients) < SAME_BODY_MAX_RECIPIENTS)
            | CounterItem.recipients.contains(recipient_id),
        ),
    )


def pair_key(user_a: str, user_b: str) -> tuple[str, str]:
    return keys.pair_pk(user_a, user_b), keys.PAIR_PAID_SK


def standing_key(user_id: str) -> tuple[str, str]:
    return keys.user_standing_pk(user_id), keys.ESTABLISHED_SK


def _mark(key: tuple[str, str], reason: str) -> None:
    item = MarkerItem(key[0], key[1], reason=reason, at=clock.now())
    try:
        with conflict_on_condition_failure("already marked"):
            item.save(condition=MarkerItem.pk.does_not_exist())
    except ConflictError:
        return  # the first reason stands; a redelivered event changes nothing


def mark_paid(user_a: str, user_b: str, reason: str) -> None:
    _mark(pair_key(user_a, user_b), reason)


def mark_established(user_id: str, reason: str) -> None:
    _mark(standing_key(user_id), reason)
