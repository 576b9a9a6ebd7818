"""In-app notifications, the unread counter, and the per-thread message-email throttle.

A notification (`NOTIFS#<user>/NOTIF#<id>`) and the `UNREAD` counter beside it are written
in ONE transaction, the notification conditioned on not existing: its id derives from the
event id and the recipient, so a redelivered event writes nothing and counts nothing.
Unread notifications carry sparse GSI1 keys (`?unread=true` is one Query); reading one
removes them and takes one off the counter in one transaction. Notifications expire after
180 days (TTL `expires_at`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib import clock, ids
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item
from chalicelib.models.writes import TransactionConflictError, Writes

RETENTION = timedelta(days=180)
MAX_READ_PER_TRANSACTION = 99  # plus the counter: DynamoDB's 100 actions


class NotificationItem(Item, discriminator="notification"):
    notification_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    link_type = UnicodeAttribute()
    link_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    read_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute()


class UnreadCounterItem(Item, discriminator="notification_unread"):
    unread_count = NumberAttribute(default=0)


class MessageEmailThrottleItem(Item, discriminator="message_email_throttle"):
    """A thread's last message email to a user: no other within 15 minutes."""

    until = UnicodeAttribute()
    expires_at = TTLAttribute()


@dataclass(frozen=True)
class Notification:
    id: str
    user_id: str
    type: str
    title: str
    body: str
    link_type: str
    link_id: str
    created_at: datetime
    read_at: datetime | None


def derive_id(event_id: str, recipient_id: str, at: datetime) -> str:
    """A ULID (sortable by the event's time: the event id's own millisecond when it is a
    ULID, since `at` keeps whole seconds) whose random part is a digest of the event id and
    the recipient: the same event told to the same person always has the same id."""
    from ulid import ULID

    millis = int(at.timestamp() * 1000)
    if ids.is_valid_id(event_id):
        millis = ULID.from_str(event_id).milliseconds
    digest = hashlib.sha256(f"{event_id}|{recipient_id}".encode()).digest()[:10]
    return str(ULID.from_bytes(millis.to_bytes(6, "big") + digest))


def _to_notification(item: NotificationItem) -> Notification:
    return Notification(
        id=item.notification_id,
        user_id=item.user_id,
        type=item.type,
        title=item.title,
        body=item.body,
        link_type=item.link_type,
        link_id=item.link_id,
        created_at=item.created_at,
        read_at=item.read_at,
    )


def _counter(user_id: str) -> UnreadCounterItem:
    return UnreadCounterItem(keys.notifications_pk(user_id), keys.UNREAD_COUNTER_SK)


def write(notification: Notification, event_id: str) -> bool:
    """The notification and +1 unread, in one transaction; False when it already exists."""
    user_id = notification.user_id
    item = NotificationItem(
        keys.notifications_pk(user_id),
        keys.notification_sk(notification.id),
        notification_id=notification.id,
        user_id=user_id,
        event_id=event_id,
        type=notification.type,
        title=notification.title,
        body=notification.body,
        link_type=notification.link_type,
        link_id=notification.link_id,
        created_at=notification.created_at,
        expires_at=notification.created_at + RETENTION,
        gsi1pk=keys.unread_notifications_gsi1pk(user_id),
        gsi1sk=keys.notification_sk(notification.id),
    )
    counter = _counter(user_id)
    writes = Writes()
    writes.add(
        (item.pk, item.sk),
        "notification",
        lambda t: t.save(item, condition=NotificationItem.pk.does_not_exist()),
    )
    writes.add(
        (counter.pk, counter.sk),
        "counter",
        lambda t: t.update(
            counter,
            actions=[
                UnreadCounterItem.kind.set(UnreadCounterItem),  # an upsert: the discriminator too
                UnreadCounterItem.unread_count.add(1),
            ],
        ),
    )
    try:
        writes.commit("notification already written")
    except TransactionConflictError as conflict:
        if conflict.labels == ["notification"]:
            return False
        raise
    return True


def unread_count(user_id: str) -> int:
    try:
        counter = UnreadCounterItem.get(
            keys.notifications_pk(user_id), keys.UNREAD_COUNTER_SK, consistent_read=True
        )
    except UnreadCounterItem.DoesNotExist:
        return 0
    return max(0, int(counter.unread_count or 0))


def list_for(
    user_id: str, *, unread_only: bool, limit: int, cursor: str | None
) -> tuple[list[Notification], str | None]:
    """Newest first: one Query on the user's partition, or on the unread index."""
    if unread_only:
        partition = keys.unread_notifications_gsi1pk(user_id)
        start = pagination.decode(cursor, {"GSI1PK": partition})
        results: Any = NotificationItem.gsi1.query(
            partition,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=start,
        )
    else:
        partition = keys.notifications_pk(user_id)
        start = pagination.decode(cursor, {"PK": partition})
        results = NotificationItem.query(
            partition,
            NotificationItem.sk.startswith(keys.NOTIFICATION_PREFIX),
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=start,
        )
    found = [_to_notification(item) for item in results if isinstance(item, NotificationItem)]
    return found, pagination.encode(results.last_evaluated_key)


def _unread_ids(user_id: str, ids: list[str]) -> list[str]:
    item_keys = [(keys.notifications_pk(user_id), keys.notification_sk(i)) for i in ids]
    found = NotificationItem.batch_get(item_keys, consistent_read=True)
    return [
        item.notification_id
        for item in found
        if isinstance(item, NotificationItem) and item.read_at is None
    ]


def _all_unread_ids(user_id: str) -> list[str]:
    results = NotificationItem.gsi1.query(
        keys.unread_notifications_gsi1pk(user_id), scan_index_forward=False
    )
    return [item.notification_id for item in results if isinstance(item, NotificationItem)]


def mark_read(user_id: str, ids: list[str] | None) -> int:
    """Marks the given (or all) unread notifications of the user read; each chunk is one
    transaction conditioned on every notification still being unread, so the counter moves
    by exactly what was read. A racing reader makes the chunk retry on fresh reads."""
    wanted = list(dict.fromkeys(ids)) if ids is not None else None
    marked = 0
    for _ in range(5):
        pending = _all_unread_ids(user_id) if wanted is None else _unread_ids(user_id, wanted)
        if not pending:
            return marked
        try:
            for start in range(0, len(pending), MAX_READ_PER_TRANSACTION):
                chunk = pending[start : start + MAX_READ_PER_TRANSACTION]
                _mark_chunk(user_id, chunk)
                marked += len(chunk)
        except TransactionConflictError:
            continue
        if wanted is not None:
            return marked
    raise TransactionConflictError("notifications kept changing; retry", ["notification"])


def _read_action(item: NotificationItem, now: datetime) -> Any:
    return lambda t: t.update(
        item,
        actions=[
            NotificationItem.read_at.set(now),
            NotificationItem.gsi1pk.remove(),
            NotificationItem.gsi1sk.remove(),
        ],
        condition=NotificationItem.pk.exists() & NotificationItem.read_at.does_not_exist(),
    )


def _mark_chunk(user_id: str, chunk: list[str]) -> None:
    now = clock.now()
    writes = Writes()
    for notification_id in chunk:
        item = NotificationItem(
            keys.notifications_pk(user_id), keys.notification_sk(notification_id)
        )
        writes.add((item.pk, item.sk), "notification", _read_action(item, now))
    counter = _counter(user_id)
    writes.add(
        (counter.pk, counter.sk),
        "counter",
        lambda t: t.update(counter, actions=[UnreadCounterItem.unread_count.add(-len(chunk))]),
    )
    writes.commit("a notification was read meanwhile")


def message_email_throttle(
    user_id: str, thread_id: str, now: datetime, window: timedelta
) -> MessageEmailThrottleItem:
    until = now + window
    return MessageEmailThrottleItem(
        keys.notifications_pk(user_id),
        keys.message_email_throttle_sk(thread_id),
        until=clock.to_rfc3339(until),
        expires_at=until + timedelta(days=1),
    )


def claim_throttle_action(item: MessageEmailThrottleItem, now: datetime) -> Any:
    """Takes the thread's slot if it is free (never taken, or its 15 minutes are over)."""
    condition = MessageEmailThrottleItem.pk.does_not_exist() | (
        MessageEmailThrottleItem.until <= clock.to_rfc3339(now)
    )
    return lambda t: t.save(item, condition=condition)
