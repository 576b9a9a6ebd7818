"""What moderation acts on: a reported target's item (a talent profile, a message, a media
item, a job; reviews keep their own hide/restore with the reviewee's sums), who owns it, and
the conditional write of its `hidden` mark inside the decision's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib import ids
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.models import jobs, keys, media_items, search_outbox, thread_items
from chalicelib.models import review_items as review_store
from chalicelib.models import talent as talent_store
from chalicelib.models import user as users
from chalicelib.models.writes import Writes, save

# Target types whose item carries a `hidden` attribute of its own.
_ITEM_CLASSES: dict[str, Any] = {
    "talent": talent_store.TalentItem,
    "message": thread_items.MessageItem,
    "media": media_items.MediaItem,
    "job": jobs.JobItem,
}


@dataclass(frozen=True)
class Target:
    type: str
    id: str
    owner_user_id: str
    hidden: bool
    key: tuple[str, str] | None  # the item that holds `hidden` (None: a user)
    review: review_store.Review | None = None


def _talent(target_id: str) -> Target:
    found = talent_store.get(target_id, with_portfolio=False)
    if found is None:
        raise NotFoundError("talent not found")
    key = (keys.talent_pk(found.id), keys.PROFILE_SK)
    return Target("talent", found.id, found.owner_user_id, found.hidden, key)


def _message(target_id: str) -> Target:
    found = thread_items.message_by_id(target_id)
    if found is None:
        raise NotFoundError("message not found")
    key = (keys.thread_pk(found.thread_id), keys.message_sk(found.id))
    return Target("message", found.id, found.sender_id, found.hidden, key)


def _media(target_id: str) -> Target:
    found = media_items.get(target_id)
    if found is None:
        raise NotFoundError("media not found")
    key = (keys.media_pk(found.id), keys.MEDIA_SK)
    return Target("media", found.id, found.owner_user_id, found.hidden, key)


def _job(target_id: str) -> Target:
    found = jobs.require(target_id)
    return Target(
        "job", found.id, found.owner_user_id, found.hidden, (keys.job_pk(found.id), keys.JOB_SK)
    )


def _review(target_id: str) -> Target:
    found = review_store.get(target_id)
    if found is None:
        raise NotFoundError("review not found")
    return Target("review", found.id, found.author_id, found.hidden, None, found)


def _user(target_id: str) -> Target:
    found = users.get_by_id(target_id)
    return Target("user", found.id, found.id, False, None)


_LOADERS = {
    "talent": _talent,
    "message": _message,
    "media": _media,
    "job": _job,
    "review": _review,
    "user": _user,
}


def load(target_type: str, target_id: str) -> Target:
    if target_type not in _LOADERS:
        raise ValueError(f"unknown moderation target {target_type!r}")
    if not ids.is_valid_id(target_id):
        raise NotFoundError(f"{target_type} not found")
    return _LOADERS[target_type](target_id)


def set_hidden_in(writes: Writes, target: Target, hidden: bool, at: datetime) -> None:
    """Hide the target (or put it back), only from the other state; a talent's search
    postings follow through the search outbox armed in the same transaction."""
    if target.type == "user":
        raise ConflictError("a user is suspended, not hidden")
    if target.type == "review":
        assert target.review is not None
        if target.review.published_at is None:
            raise ConflictError("only a published review is hidden or restored")
        review_store.set_hidden_in(writes, target.review, hidden, at)
        return
    assert target.key is not None
    cls = _ITEM_CLASSES[target.type]
    item = cls(*target.key)
    shown = cls.hidden.does_not_exist() | (cls.hidden == False)  # noqa: E712
    was = (cls.hidden == True) if not hidden else shown  # noqa: E712
    writes.add(
        target.key,
        target.type,
        lambda t: t.update(item, actions=[cls.hidden.set(hidden)], condition=cls.pk.exists() & was),
    )
    if target.type == "talent":
        mark_stale_in(writes, target.id)
    if target.type == "message":
        _mark_last_message_in(writes, target.id, hidden)


def _mark_last_message_in(writes: Writes, message_id: str, hidden: bool) -> None:
    """When the message is its thread's last, the thread's and both inbox entries' copies
    (what thread lists show) carry the mark too; conditioned on the copy read, so a message
    sent meanwhile makes the decision a conflict to retry rather than a stale preview."""
    message = thread_items.message_by_id(message_id)
    if message is None:
        return
    found = thread_items.fetch([thread_items.thread_key(message.thread_id)])
    thread = found.get(thread_items.thread_key(message.thread_id))
    if not isinstance(thread, thread_items.ThreadItem) or not thread.last_message:
        return
    last = json.loads(thread.last_message)
    if last.get("id") != message_id:
        return
    last["hidden"] = hidden
    new = json.dumps(last, separators=(",", ":"))
    old = thread.last_message
    items: list[Any] = [thread_items.ThreadItem(thread.pk, thread.sk)]
    items += [
        thread_items.InboxItem(keys.inbox_pk(user), keys.inbox_sk(message.thread_id))
        for user in message.participants
    ]
    for item in items:
        cls = type(item)
        writes.add(
            (item.pk, item.sk),
            "last_message",
            _set_last(item, cls, new, old),
        )


def _set_last(item: Any, cls: Any, new: str, old: str) -> Any:
    return lambda t: t.update(
        item, actions=[cls.last_message.set(new)], condition=cls.last_message == old
    )


def mark_stale_in(writes: Writes, talent_id: str) -> None:
    stale = search_outbox.timer_item(talent_id)
    writes.add_or_keep((stale.pk, stale.sk), "reindex", save(stale))


def suspend_talent_in(writes: Writes, talent_id: str, suspended: bool) -> None:
    """The owner's suspension shows on the profile (out of search and public views)."""
    cls = talent_store.TalentItem
    item = cls(keys.talent_pk(talent_id), keys.PROFILE_SK)
    writes.add(
        (item.pk, item.sk),
        "talent",
        lambda t: t.update(
            item, actions=[cls.is_suspended.set(suspended)], condition=cls.pk.exists()
        ),
    )
    mark_stale_in(writes, talent_id)
