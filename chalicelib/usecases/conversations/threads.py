"""Threads between exactly two people about one thing (a talent, a booking, a job, a
proposal or a contract), their messages and read receipts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.models import keys, subjects, thread_items
from chalicelib.models import media_items as media_store
from chalicelib.models.thread_items import Message, Thread
from chalicelib.models.writes import TransactionConflictError, Writes, save
from chalicelib.usecases import contracting
from chalicelib.usecases import talent as talent_usecase
from chalicelib.usecases.conversations import events, sending
from chalicelib.usecases.conversations.sending import Draft


@dataclass(frozen=True)
class Sent:
    thread: Thread
    message: Message
    created: bool


def _counterpart(principal: Principal, about_type: str, about_id: str) -> str:
    """The other participant of a thread about this, if the caller may talk about it."""
    me = principal.user_id
    if about_type == "talent":
        profile = talent_usecase.visible(about_id, Viewer.of(principal))
        other = profile.owner_user_id
    elif about_type == "job":
        other = contracting.visible_job(about_id, Viewer.of(principal)).owner_user_id
    else:
        subject = subjects.get(about_type, about_id)
        if subject is None or me not in (subject.customer_id, subject.talent_user_id):
            raise NotFoundError(f"{about_type} not found")
        other = subject.talent_user_id if me == subject.customer_id else subject.customer_id
    if other == me:
        raise ValidationError("a thread needs another person")
    return other


def _new_thread(participants: tuple[str, str], about_type: str, about_id: str) -> Thread:
    now = clock.now()
    return Thread(
        id=thread_items.thread_id_for(participants, about_type, about_id),
        about_type=about_type,
        about_id=about_id,
        participants=participants,
        created_at=now,
        last_activity=now,
        last_message=None,
        read_up_to=dict.fromkeys(participants),
        unread=dict.fromkeys(participants, 0),
    )


# Two writers of one thread at the same instant make DynamoDB cancel one transaction with no
# failed condition (TransactionConflict): that one is simply tried again.
_ATTEMPTS = 4


def _retrying(send: Callable[[], Sent]) -> Sent:
    for _ in range(_ATTEMPTS - 1):
        try:
            return send()
        except TransactionConflictError as conflict:
            if conflict.labels:
                raise
    return send()


def open_thread(principal: Principal, about_type: str, about_id: str, draft: Draft) -> Sent:
    """The same two people and the same `about` always meet in the same thread; the body is
    its first message, or a new one when the thread exists."""
    return _retrying(lambda: _open(principal, about_type, about_id, draft))


def _open(principal: Principal, about_type: str, about_id: str, draft: Draft) -> Sent:
    other = _counterpart(principal, about_type, about_id)
    participants = thread_items.ordered(principal.user_id, other)
    candidate = _new_thread(participants, about_type, about_id)
    facts = sending.read_facts(principal, candidate.id, other, draft)
    if facts.thread is not None:
        return _append(principal, facts.thread, draft, facts)
    message = sending.compose(principal, candidate, draft, facts)
    writes = Writes()
    thread_items.create_in(writes, candidate, message)
    published = sending.guard_in(writes, principal, message, facts, opening=True)
    try:
        sending.commit(writes, message, published)
    except TransactionConflictError as conflict:
        if conflict.labels != [sending.THREAD_EXISTS]:
            raise
        # Another first message won the race: this one joins the thread it created.
        return _post(principal, candidate.id, draft)
    return Sent(_after(candidate, message, created=True), message, created=True)


def _after(thread: Thread, message: Message, *, created: bool) -> Thread:
    recipient = message.recipient_id
    unread = dict(thread.unread)
    unread[recipient] = (0 if created else unread.get(recipient, 0)) + 1
    return Thread(
        id=thread.id,
        about_type=thread.about_type,
        about_id=thread.about_id,
        participants=thread.participants,
        created_at=thread.created_at,
        last_activity=message.created_at,
        last_message=message.to_json(),
        read_up_to=thread.read_up_to,
        unread=unread,
        message_count=thread.message_count + 1,
    )


def _append(principal: Principal, thread: Thread, draft: Draft, facts: sending.Facts) -> Sent:
    message = sending.compose(principal, thread, draft, facts)
    writes = Writes()
    thread_items.append_in(writes, thread, message)
    published = sending.guard_in(writes, principal, message, facts, opening=False)
    sending.commit(writes, message, published)
    return Sent(_after(thread, message, created=False), message, created=False)


def _known(value: str, what: str) -> str:
    """An id that is no ULID names nothing (and could exceed DynamoDB's key size): 404."""
    if not ids.is_valid_id(value):
        raise NotFoundError(f"{what} not found")
    return value


def _require_participant(thread: Thread | None, principal: Principal) -> Thread:
    if thread is None or principal.user_id not in thread.participants:
        raise NotFoundError("thread not found")
    return thread


def post(principal: Principal, thread_id: str, draft: Draft) -> Sent:
    return _retrying(lambda: _post(principal, thread_id, draft))


def _post(principal: Principal, thread_id: str, draft: Draft) -> Sent:
    _known(thread_id, "thread")
    facts = sending.read_facts(principal, thread_id, None, draft)
    thread = _require_participant(facts.thread, principal)
    return _append(principal, thread, draft, facts)


def _load(thread_id: str) -> Thread | None:
    found = thread_items.fetch([thread_items.thread_key(thread_id)])
    item = found.get(thread_items.thread_key(thread_id))
    return thread_items.to_thread(item) if isinstance(item, thread_items.ThreadItem) else None


def get(principal: Principal, thread_id: str) -> Thread:
    """Its two participants and admins."""
    _known(thread_id, "thread")
    thread = _load(thread_id)
    if thread is None or not (principal.user_id in thread.participants or principal.is_admin):
        raise NotFoundError("thread not found")
    return thread


def mine(principal: Principal, limit: int, cursor: str | None) -> tuple[list[Thread], str | None]:
    return thread_items.inbox(principal.user_id, limit=limit, cursor=cursor)


def messages(
    principal: Principal, thread_id: str, limit: int, cursor: str | None
) -> tuple[list[Message], str | None]:
    """One Query: every message names its thread's participants, so a page that has any
    proves the caller may read it; only an empty page needs the thread itself."""
    _known(thread_id, "thread")
    found, next_cursor = thread_items.messages(thread_id, limit=limit, cursor=cursor)
    if not found:
        get(principal, thread_id)
    elif not (principal.user_id in found[0].participants or principal.is_admin):
        raise NotFoundError("thread not found")
    # Hidden by moderation: gone for the recipient; its sender sees it marked `hidden`.
    shown = [
        m for m in found if not m.hidden or m.sender_id == principal.user_id or principal.is_admin
    ]
    return shown, next_cursor


def mark_read(principal: Principal, thread_id: str, up_to: str) -> Thread:
    """Moves the caller's `read_up_to` forward (never back) and zeroes their unread count."""
    _known(thread_id, "thread")
    message_key = (keys.thread_pk(thread_id), keys.message_sk(up_to))
    found = thread_items.fetch([thread_items.thread_key(thread_id), message_key])
    item = found.get(thread_items.thread_key(thread_id))
    thread = _require_participant(
        thread_items.to_thread(item) if isinstance(item, thread_items.ThreadItem) else None,
        principal,
    )
    if message_key not in found:
        raise ValidationError("up_to is not a message of this thread", {"up_to": up_to})
    current = thread.read_up_to.get(principal.user_id)
    if current is not None and current >= up_to:
        return thread
    reader, other = principal.user_id, thread.other(principal.user_id)
    writes = Writes()
    thread_items.mark_read_in(writes, thread, reader, up_to)
    event_id = ids.new_id()
    published = events.outbox_entry(
        event_id,
        events.THREAD_READ,
        events.thread_read(event_id, thread.id, reader, other, up_to),
    )
    writes.add((published.pk, published.sk), "outbox", save(published))
    try:
        writes.commit("the thread changed meanwhile; retry")
    except TransactionConflictError as conflict:
        if "read_mark" not in conflict.labels:
            raise
        return get(principal, thread_id)  # a later mark landed first: never move back
    events.announce(published)
    read_up_to = {**thread.read_up_to, reader: up_to}
    unread = {**thread.unread, reader: 0}
    return Thread(
        id=thread.id,
        about_type=thread.about_type,
        about_id=thread.about_id,
        participants=thread.participants,
        created_at=thread.created_at,
        last_activity=thread.last_activity,
        last_message=thread.last_message,
        read_up_to=read_up_to,
        unread=unread,
        message_count=thread.message_count,
    )


def attachment(principal: Principal, thread_id: str, media_id: str) -> media_store.Media:
    """An attachment of this thread, for its participants only (404 to anyone else)."""
    _known(thread_id, "thread")
    _known(media_id, "attachment")
    grant_key = (keys.thread_pk(thread_id), keys.thread_attachment_sk(media_id))
    media_key = (keys.media_pk(media_id), keys.MEDIA_SK)
    found = thread_items.fetch([thread_items.thread_key(thread_id), grant_key, media_key])
    item = found.get(thread_items.thread_key(thread_id))
    _require_participant(
        thread_items.to_thread(item) if isinstance(item, thread_items.ThreadItem) else None,
        principal,
    )
    media = found.get(media_key)
    if grant_key not in found or not isinstance(media, media_store.MediaItem):
        raise NotFoundError("attachment not found")
    if media.status != media_store.VERIFIED:
        raise NotFoundError("attachment not found")
    return media_store.to_media(media)
