"""Talent a user saved: one item per (user, talent), so saving twice cannot duplicate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.errors import ConflictError
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure


class SavedTalentItem(Item, discriminator="saved_talent"):
    user_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    saved_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class SavedTalent:
    talent_id: str
    saved_at: datetime


def save(user_id: str, talent_id: str) -> tuple[SavedTalent, bool]:
    """Save once; returns (the saved entry, whether this call created it)."""
    now = clock.now()
    item = SavedTalentItem(
        keys.saved_pk(user_id),
        keys.saved_sk(talent_id),
        user_id=user_id,
        talent_id=talent_id,
        saved_at=now,
        gsi1pk=keys.saved_pk(user_id),
        gsi1sk=keys.saved_by_time_gsi1sk(clock.to_rfc3339(now), talent_id),
    )
    try:
        with conflict_on_condition_failure("already saved"):
            item.save(condition=SavedTalentItem.pk.does_not_exist())
    except ConflictError:
        existing = SavedTalentItem.get(keys.saved_pk(user_id), keys.saved_sk(talent_id))
        return SavedTalent(existing.talent_id, existing.saved_at), False
    return SavedTalent(talent_id, now), True


def unsave(user_id: str, talent_id: str) -> None:
    SavedTalentItem(keys.saved_pk(user_id), keys.saved_sk(talent_id)).delete()


def list_for_user(
    user_id: str, *, limit: int, cursor: str | None
) -> tuple[list[SavedTalent], str | None]:
    """Most recently saved first (GSI1 orders by save time)."""
    partition = keys.saved_pk(user_id)
    start = pagination.decode(cursor, {"GSI1PK": partition})
    results = SavedTalentItem.gsi1.query(
        partition, scan_index_forward=False, limit=limit, last_evaluated_key=start, page_size=limit
    )
    entries = [
        SavedTalent(item.talent_id, item.saved_at)
        for item in results
        if isinstance(item, SavedTalentItem)
    ]
    return entries, pagination.encode(results.last_evaluated_key)
