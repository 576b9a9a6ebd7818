"""Threads, their messages and each participant's inbox entry.

A thread (`THREAD#<id>/THREAD`) holds its two participants in a fixed (sorted) order and,
per position, the reader's `read_up_to` and unread count, so showing a thread is one
GetItem. Its messages share the partition (`MSG#<ulid>`, time-ordered). Each participant
has an inbox entry (`INBOX#<user>/THREAD#<id>`) sorted on GSI1 by latest activity, so the
inbox is one Query. A message moves all three in one transaction. The thread id is derived from the
participants and `about`, so the first messages between two people about one thing create
one thread however many race (a conditional put on that one key)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib import clock, ids
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item
from chalicelib.models.writes import Writes, save


class ThreadItem(Item, discriminator="thread"):
    thread_id = UnicodeAttribute()
    about_type = UnicodeAttribute()
    about_id = UnicodeAttribute()
    participants = ListAttribute[str]()
    created_at = UTCDateTimeAttribute()
    last_activity = UTCDateTimeAttribute()
    last_message = UnicodeAttribute(null=True)  # JSON of the message as served
    read_up_to_0 = UnicodeAttribute(null=True)
    read_up_to_1 = UnicodeAttribute(null=True)
    unread_0 = NumberAttribute(default=0)
    unread_1 = NumberAttribute(default=0)
    message_count = NumberAttribute(default=0)


class MessageItem(Item, discriminator="message"):
    message_id = UnicodeAttribute()
    thread_id = UnicodeAttribute()
    sender_id = UnicodeAttribute()
    participants = ListAttribute[str]()
    body = UnicodeAttribute()
    attachments = ListAttribute[str](default=list)
    masked = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    # Hidden by moderation: only its sender (marked) and admins still see it.
    hidden = BooleanAttribute(null=True)


class AttachmentGrantItem(Item, discriminator="thread_attachment"):
    """A media id attached in a thread: both participants may download it."""

    media_id = UnicodeAttribute()
    message_id = UnicodeAttribute()


class InboxItem(Item, discriminator="inbox"):
    user_id = UnicodeAttribute()
    thread_id = UnicodeAttribute()
    about_type = UnicodeAttribute()
    about_id = UnicodeAttribute()
    participants = ListAttribute[str]()
    created_at = UTCDateTimeAttribute()
    last_activity = UTCDateTimeAttribute()
    last_message = UnicodeAttribute(null=True)
    unread_count = NumberAttribute(default=0)


@dataclass(frozen=True)
class Message:
    id: str
    thread_id: str
    sender_id: str
    participants: tuple[str, str]
    body: str
    attachments: tuple[str, ...]
    masked: bool
    created_at: datetime
    hidden: bool = False

    @property
    def recipient_id(self) -> str:
        first, second = self.participants
        return second if self.sender_id == first else first

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "thread_id": self.thread_id,
            "sender_id": self.sender_id,
            "body": self.body,
            "attachments": list(self.attachments),
            "masked": self.masked,
            "created_at": clock.to_rfc3339(self.created_at),
            "hidden": self.hidden,
        }


@dataclass(frozen=True)
class Thread:
    id: str
    about_type: str
    about_id: str
    participants: tuple[str, str]
    created_at: datetime
    last_activity: datetime
    last_message: dict[str, Any] | None
    read_up_to: dict[str, str | None]
    unread: dict[str, int]
    message_count: int = 0

    def position(self, user_id: str) -> int:
        return self.participants.index(user_id)

    def other(self, user_id: str) -> str:
        first, second = self.participants
        return second if user_id == first else first


@dataclass(frozen=True)
class InboxEntry:
    user_id: str
    thread: Thread


def ordered(user_a: str, user_b: str) -> tuple[str, str]:
    first, second = sorted((user_a, user_b))
    return first, second


def thread_id_for(participants: tuple[str, str], about_type: str, about_id: str) -> str:
    return ids.derived_id("|".join(("thread", *participants, about_type, about_id)))


def thread_key(thread_id: str) -> tuple[str, str]:
    return keys.thread_pk(thread_id), keys.THREAD_SK


def _last(raw: str | None) -> dict[str, Any] | None:
    return json.loads(raw) if raw else None


def to_thread(item: ThreadItem) -> Thread:
    first, second = item.participants
    return Thread(
        id=item.thread_id,
        about_type=item.about_type,
        about_id=item.about_id,
        participants=(first, second),
        created_at=item.created_at,
        last_activity=item.last_activity,
        last_message=_last(item.last_message),
        read_up_to={first: item.read_up_to_0, second: item.read_up_to_1},
        unread={first: int(item.unread_0 or 0), second: int(item.unread_1 or 0)},
        message_count=int(item.message_count or 0),
    )


def to_message(item: MessageItem) -> Message:
    first, second = item.participants
    return Message(
        id=item.message_id,
        thread_id=item.thread_id,
        sender_id=item.sender_id,
        participants=(first, second),
        body=item.body,
        attachments=tuple(item.attachments or ()),
        masked=bool(item.masked),
        created_at=item.created_at,
        hidden=bool(item.hidden),
    )


def _inbox_entry(item: InboxItem) -> InboxEntry:
    first, second = item.participants
    unread = int(item.unread_count or 0)
    return InboxEntry(
        user_id=item.user_id,
        thread=Thread(
            id=item.thread_id,
            about_type=item.about_type,
            about_id=item.about_id,
            participants=(first, second),
            created_at=item.created_at,
            last_activity=item.last_activity,
            last_message=_last(item.last_message),
            read_up_to={},
            unread={item.user_id: unread},
        ),
    )


def fetch(item_keys: list[tuple[str, str]]) -> dict[tuple[str, str], Item]:
    """Several items of any kind in one BatchGetItem (a send reads everything it checks at once)."""
    unique = list(dict.fromkeys(item_keys))
    found: dict[tuple[str, str], Item] = {}
    for item in Item.batch_get(unique, consistent_read=True):
        found[(item.pk, item.sk)] = item
    return found


def _message_item(message: Message) -> MessageItem:
    return MessageItem(
        keys.thread_pk(message.thread_id),
        keys.message_sk(message.id),
        message_id=message.id,
        thread_id=message.thread_id,
        sender_id=message.sender_id,
        participants=list(message.participants),
        body=message.body,
        attachments=list(message.attachments),
        masked=message.masked,
        created_at=message.created_at,
        gsi1pk=keys.message_gsi1pk(message.id),
        gsi1sk=keys.message_gsi1pk(message.id),
    )


def _inbox_item(user_id: str, thread: Thread, message: Message) -> InboxItem:
    activity = clock.to_rfc3339(message.created_at)
    return InboxItem(
        keys.inbox_pk(user_id),
        keys.inbox_sk(thread.id),
        user_id=user_id,
        thread_id=thread.id,
        about_type=thread.about_type,
        about_id=thread.about_id,
        participants=list(thread.participants),
        created_at=thread.created_at,
        last_activity=message.created_at,
        last_message=json.dumps(message.to_json(), separators=(",", ":")),
        unread_count=0 if user_id == message.sender_id else 1,
        gsi1pk=keys.inbox_pk(user_id),
        gsi1sk=keys.inbox_by_activity_gsi1sk(activity, thread.id),
    )


def _add_message_and_grants(writes: Writes, message: Message) -> None:
    item = _message_item(message)
    writes.add((item.pk, item.sk), "message", save(item, MessageItem.pk.does_not_exist()))
    for media_id in message.attachments:
        grant = AttachmentGrantItem(
            keys.thread_pk(message.thread_id),
            keys.thread_attachment_sk(media_id),
            media_id=media_id,
            message_id=message.id,
        )
        writes.add((grant.pk, grant.sk), "attachment", save(grant))


def create_in(writes: Writes, thread: Thread, first: Message) -> None:
    """A new thread with its first message; its id is derived from the participants and
    `about`, so of racing creators exactly one passes the condition."""
    recipient = thread.participants.index(first.recipient_id)
    item = ThreadItem(
        keys.thread_pk(thread.id),
        keys.THREAD_SK,
        thread_id=thread.id,
        about_type=thread.about_type,
        about_id=thread.about_id,
        participants=list(thread.participants),
        created_at=thread.created_at,
        last_activity=first.created_at,
        last_message=json.dumps(first.to_json(), separators=(",", ":")),
        unread_0=1 if recipient == 0 else 0,
        unread_1=1 if recipient == 1 else 0,
        message_count=1,
    )
    writes.add((item.pk, item.sk), "thread", save(item, ThreadItem.pk.does_not_exist()))
    _add_message_and_grants(writes, first)
    for user_id in thread.participants:
        inbox = _inbox_item(user_id, thread, first)
        writes.add((inbox.pk, inbox.sk), "inbox", save(inbox))


def _update_existing(item: InboxItem, actions: list[Any]) -> Callable[[Any], None]:
    return lambda t: t.update(item, actions=actions, condition=InboxItem.pk.exists())


def append_in(writes: Writes, thread: Thread, message: Message) -> None:
    """A message in an existing thread: the thread and both inbox entries move with it."""
    last = json.dumps(message.to_json(), separators=(",", ":"))
    unread = (
        ThreadItem.unread_0 if thread.position(message.recipient_id) == 0 else ThreadItem.unread_1
    )
    thread_item = ThreadItem(*thread_key(thread.id))
    writes.add(
        (thread_item.pk, thread_item.sk),
        "thread",
        lambda t: t.update(
            thread_item,
            actions=[
                ThreadItem.last_message.set(last),
                ThreadItem.last_activity.set(message.created_at),
                unread.add(1),
                ThreadItem.message_count.add(1),
            ],
            condition=ThreadItem.pk.exists(),
        ),
    )
    _add_message_and_grants(writes, message)
    activity = clock.to_rfc3339(message.created_at)
    for user_id in thread.participants:
        inbox = InboxItem(keys.inbox_pk(user_id), keys.inbox_sk(thread.id))
        actions: list[Any] = [
            InboxItem.last_message.set(last),
            InboxItem.last_activity.set(message.created_at),
            InboxItem.gsi1sk.set(keys.inbox_by_activity_gsi1sk(activity, thread.id)),
        ]
        if user_id == message.recipient_id:
            actions.append(InboxItem.unread_count.add(1))
        writes.add((inbox.pk, inbox.sk), "inbox", _update_existing(inbox, actions))


def mark_read_in(writes: Writes, thread: Thread, reader_id: str, up_to: str) -> None:
    """Moves the reader's mark forward only: a mark behind the stored one fails its condition."""
    position = thread.position(reader_id)
    mark = ThreadItem.read_up_to_0 if position == 0 else ThreadItem.read_up_to_1
    unread = ThreadItem.unread_0 if position == 0 else ThreadItem.unread_1
    thread_item = ThreadItem(*thread_key(thread.id))
    writes.add(
        (thread_item.pk, thread_item.sk),
        "read_mark",
        lambda t: t.update(
            thread_item,
            actions=[mark.set(up_to), unread.set(0)],
            condition=ThreadItem.pk.exists() & (mark.does_not_exist() | (mark < up_to)),
        ),
    )
    inbox = InboxItem(keys.inbox_pk(reader_id), keys.inbox_sk(thread.id))
    writes.add(
        (inbox.pk, inbox.sk),
        "inbox",
        lambda t: t.update(
            inbox, actions=[InboxItem.unread_count.set(0)], condition=InboxItem.pk.exists()
        ),
    )


def message_by_id(message_id: str) -> Message | None:
    for item in MessageItem.gsi1.query(keys.message_gsi1pk(message_id), limit=1):
        if isinstance(item, MessageItem):
            return to_message(item)
    return None


def inbox(user_id: str, *, limit: int, cursor: str | None) -> tuple[list[Thread], str | None]:
    """The user's threads, latest activity first: one Query on GSI1."""
    partition = keys.inbox_pk(user_id)
    start = pagination.decode(cursor, {"GSI1PK": partition})
    results = InboxItem.gsi1.query(
        partition, scan_index_forward=False, limit=limit, last_evaluated_key=start, page_size=limit
    )
    entries = [_inbox_entry(item).thread for item in results if isinstance(item, InboxItem)]
    return entries, pagination.encode(results.last_evaluated_key)


def messages(thread_id: str, *, limit: int, cursor: str | None) -> tuple[list[Message], str | None]:
    """Newest first; the cursor pages back in time."""
    partition = keys.thread_pk(thread_id)
    start = pagination.decode(cursor, {"PK": partition})
    results = MessageItem.query(
        partition,
        MessageItem.sk.startswith(keys.MESSAGE_PREFIX),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=start,
        page_size=limit,
    )
    found = [to_message(item) for item in results if isinstance(item, MessageItem)]
    return found, pagination.encode(results.last_evaluated_key)
