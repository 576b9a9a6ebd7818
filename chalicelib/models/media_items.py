"""Uploaded media: a record per object, `pending` until the validator has looked at the bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist

from chalicelib import clock
from chalicelib.errors import ConflictError
from chalicelib.models import keys
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure

PENDING, VERIFIED, REJECTED = "pending", "verified", "rejected"
# A pending record whose upload never arrives is cleaned up by TTL after this long.
PENDING_LIFETIME = timedelta(days=2)


class MediaItem(Item, discriminator="media"):
    media_id = UnicodeAttribute()
    owner_user_id = UnicodeAttribute()
    purpose = UnicodeAttribute()
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    status = UnicodeAttribute(default=PENDING)
    reason = UnicodeAttribute(null=True)
    object_key = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    checked_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    # Hidden by moderation: only its owner (marked) and admins still see it.
    hidden = BooleanAttribute(null=True)


@dataclass(frozen=True)
class Media:
    id: str
    owner_user_id: str
    purpose: str
    filename: str
    content_type: str
    size: int
    status: str
    reason: str | None
    object_key: str
    created_at: datetime
    checked_at: datetime | None
    hidden: bool = False


def _to_media(item: MediaItem) -> Media:
    return Media(
        id=item.media_id,
        owner_user_id=item.owner_user_id,
        purpose=item.purpose,
        filename=item.filename,
        content_type=item.content_type,
        size=int(item.size),
        status=item.status,
        reason=item.reason,
        object_key=item.object_key,
        created_at=item.created_at,
        checked_at=item.checked_at,
        hidden=bool(item.hidden),
    )


def create(
    media_id: str, *, owner_user_id: str, purpose: str, filename: str, content_type: str, size: int
) -> Media:
    now = clock.now()
    item = MediaItem(
        keys.media_pk(media_id),
        keys.MEDIA_SK,
        media_id=media_id,
        owner_user_id=owner_user_id,
        purpose=purpose,
        filename=filename,
        content_type=content_type,
        size=size,
        status=PENDING,
        object_key=keys.media_object_key(media_id),
        created_at=now,
        expires_at=now + PENDING_LIFETIME,
    )
    with conflict_on_condition_failure("media already exists"):
        item.save(condition=MediaItem.pk.does_not_exist())
    return _to_media(item)


def get(media_id: str) -> Media | None:
    try:
        return _to_media(MediaItem.get(keys.media_pk(media_id), keys.MEDIA_SK))
    except DoesNotExist:
        return None


def settle(media_id: str, status: str, reason: str | None, stored_key: str | None = None) -> bool:
    """Move a pending record to verified or rejected; False if it was already settled
    (a redelivered S3 event), so the validator's work happens once. `stored_key` is where
    the checked bytes now live (verified media)."""
    item = MediaItem(keys.media_pk(media_id), keys.MEDIA_SK)
    actions: list[Any] = [
        MediaItem.status.set(status),
        MediaItem.checked_at.set(clock.now()),
        MediaItem.expires_at.remove(),
    ]
    if reason:
        actions.append(MediaItem.reason.set(reason))
    if stored_key:
        actions.append(MediaItem.object_key.set(stored_key))
    try:
        with conflict_on_condition_failure("media already checked"):
            item.update(actions=actions, condition=MediaItem.status == PENDING)
    except ConflictError:
        return False
    return True


def to_media(item: MediaItem) -> Media:
    """A media item read together with others (a thread's attachment in one BatchGetItem)."""
    return _to_media(item)
