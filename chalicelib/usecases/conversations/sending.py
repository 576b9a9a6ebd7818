"""Sending a message: what it checks is read in one BatchGetItem (the thread, the
attachments; when opening a thread also whether the two share a paid relation and whether
the sender is established; a post whose body has contacts to mask looks the pair up), and
everything it changes is one transaction (the message, the thread, both inbox entries, the
spam counters, the blocks it must not cross, the `message.created` domain event). A refusal
therefore stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.domain import contact_masking
from chalicelib.domain import conversations as rules
from chalicelib.errors import RateLimitedError, ValidationError
from chalicelib.models import blocks, keys, timer_items
from chalicelib.models import conversation_limits as limits
from chalicelib.models.media_items import VERIFIED, MediaItem
from chalicelib.models.thread_items import Message, Thread, ThreadItem, fetch, to_thread
from chalicelib.models.writes import TransactionConflictError, Writes, save
from chalicelib.settings import get_settings
from chalicelib.usecases.conversations import events

THREAD_EXISTS = "thread"


@dataclass(frozen=True)
class Draft:
    body: str
    attachments: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """What one BatchGetItem told about a send. `paid` is None when it was not asked: a post
    in an existing thread looks the pair up only if its body has something to mask."""

    thread: Thread | None
    paid: bool | None
    established: bool
    media: dict[str, MediaItem]
    # The sender's recent recipients of this body; None for a body too short to count.
    same_body: limits.BodyWindow | None


def read_facts(
    principal: Principal, thread_id: str, counterpart: str | None, draft: Draft
) -> Facts:
    """`counterpart` is known when opening a thread (then the pair and the sender's standing
    are read too); a post learns it from the thread."""
    thread_key = (keys.thread_pk(thread_id), keys.THREAD_SK)
    media_keys = [(keys.media_pk(m), keys.MEDIA_SK) for m in draft.attachments]
    extra = []
    if counterpart is not None:
        extra = [
            limits.standing_key(principal.user_id),
            limits.pair_key(principal.user_id, counterpart),
        ]
    fingerprint = rules.body_fingerprint(draft.body)
    window_key = (
        limits.body_window_key(principal.user_id, fingerprint) if fingerprint is not None else None
    )
    found = fetch([thread_key, *media_keys, *extra, *([window_key] if window_key else [])])
    item = found.get(thread_key)
    media = {m.media_id: m for key in media_keys if isinstance(m := found.get(key), MediaItem)}
    return Facts(
        thread=to_thread(item) if isinstance(item, ThreadItem) else None,
        paid=(extra[1] in found) if extra else None,
        established=bool(extra) and extra[0] in found,
        media=media,
        same_body=(
            limits.to_body_window(window_key, found.get(window_key)) if window_key else None
        ),
    )


def _paid(facts: Facts, thread: Thread) -> bool:
    if facts.paid is not None:
        return facts.paid
    pair = limits.pair_key(*thread.participants)
    return pair in fetch([pair])


def _check_attachments(principal: Principal, draft: Draft, media: dict[str, MediaItem]) -> None:
    if len(draft.attachments) > rules.MAX_ATTACHMENTS:
        raise ValidationError(f"at most {rules.MAX_ATTACHMENTS} attachments")
    if len(set(draft.attachments)) != len(draft.attachments):
        raise ValidationError("an attachment is listed twice")
    for media_id in draft.attachments:
        item = media.get(media_id)
        if (
            item is None
            or item.owner_user_id != principal.user_id
            or item.purpose != rules.ATTACHMENT_PURPOSE
            or item.status != VERIFIED
        ):
            raise ValidationError(
                "attachments must be your own verified uploads of purpose 'attachment'",
                {"media_id": media_id},
            )


def compose(principal: Principal, thread: Thread, draft: Draft, facts: Facts) -> Message:
    _check_attachments(principal, draft, facts.media)
    body, masked = draft.body, False
    result = contact_masking.mask_contacts(body)
    if result.masked and not _paid(facts, thread):
        body, masked = result.text, True
    return Message(
        id=ids.new_id(),
        thread_id=thread.id,
        sender_id=principal.user_id,
        participants=thread.participants,
        body=body,
        attachments=draft.attachments,
        masked=masked,
        created_at=clock.now(),
    )


def guard_in(
    writes: Writes, principal: Principal, message: Message, facts: Facts, *, opening: bool
) -> timer_items.TimerItem:
    """The conditions a send must meet, as actions of its own transaction."""
    sender, recipient = message.sender_id, message.recipient_id
    blocks.require_not_blocked_in(writes, blocker_id=recipient, blocked_id=sender)
    blocks.require_not_blocked_in(writes, blocker_id=sender, blocked_id=recipient)
    if facts.same_body is not None:
        verdict = rules.same_body_verdict(facts.same_body.recent, recipient, message.created_at)
        if verdict.retry_at is not None:
            raise RateLimitedError(
                "the same message was already sent to other people within the hour",
                rules.seconds_until(verdict.retry_at, message.created_at),
            )
        limits.save_body_window_in(writes, facts.same_body, verdict.recent, message.created_at)
    new_account = rules.is_new_account(
        principal.user.created_at, message.created_at, facts.established
    )
    if opening and new_account:
        limit = get_settings().new_threads_per_day
        limits.count_new_thread_in(writes, sender, message.created_at, limit)
    published = events.outbox_entry(
        message.id, events.MESSAGE_CREATED, events.message_created(message)
    )
    writes.add((published.pk, published.sk), "outbox", save(published))
    return published


def commit(writes: Writes, message: Message, published: timer_items.TimerItem) -> None:
    try:
        writes.commit("the thread changed meanwhile; retry")
    except TransactionConflictError as conflict:
        refusal = blocks.refusal(conflict) or _rate_limit(conflict, message.created_at)
        if refusal is not None:
            raise refusal from None
        if limits.SAME_BODY_LABEL in conflict.labels:
            # A send of the same body moved the window since it was read: read and try again.
            raise TransactionConflictError("the same body was sent meanwhile; retry", []) from None
        raise
    events.announce(published)


def _rate_limit(conflict: TransactionConflictError, now: datetime) -> RateLimitedError | None:
    if limits.NEW_THREADS_LABEL in conflict.labels:
        tomorrow = limits.day_start(now) + timedelta(days=1)
        return RateLimitedError(
            "new accounts open a limited number of threads a day",
            rules.seconds_until(tomorrow, now),
        )
    return None
