"""Blocks: one item per (blocker, blocked). Writes that the blocked user must not make to
the blocker (a message, a booking) carry a ConditionCheck that the item is absent, so the
refusal and the write are one atomic decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.errors import ConflictError, ForbiddenError
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure
from chalicelib.models.writes import TransactionConflictError, Writes

LABEL = "block"


class BlockItem(Item, discriminator="block"):
    blocker_id = UnicodeAttribute()
    blocked_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class Block:
    user_id: str
    created_at: datetime


def block(blocker_id: str, blocked_id: str) -> tuple[Block, bool]:
    """Block once; returns (the block, whether this call created it)."""
    now = clock.now()
    item = BlockItem(
        keys.block_pk(blocker_id),
        keys.block_sk(blocked_id),
        blocker_id=blocker_id,
        blocked_id=blocked_id,
        created_at=now,
    )
    try:
        with conflict_on_condition_failure("already blocked"):
            item.save(condition=BlockItem.pk.does_not_exist())
    except ConflictError:
        existing = BlockItem.get(item.pk, item.sk, consistent_read=True)
        return Block(blocked_id, existing.created_at), False
    return Block(blocked_id, now), True


def unblock(blocker_id: str, blocked_id: str) -> None:
    BlockItem(keys.block_pk(blocker_id), keys.block_sk(blocked_id)).delete()


def list_blocked(
    blocker_id: str, *, limit: int, cursor: str | None
) -> tuple[list[Block], str | None]:
    partition = keys.block_pk(blocker_id)
    start = pagination.decode(cursor, {"PK": partition})
    results = BlockItem.query(partition, limit=limit, last_evaluated_key=start, page_size=limit)
    found = [
        Block(item.blocked_id, item.created_at) for item in results if isinstance(item, BlockItem)
    ]
    return found, pagination.encode(results.last_evaluated_key)


def require_not_blocked_in(writes: Writes, *, blocker_id: str, blocked_id: str) -> None:
    """In the transaction: `blocked_id` is not blocked by `blocker_id`."""
    key = (keys.block_pk(blocker_id), keys.block_sk(blocked_id))
    writes.add(
        key,
        LABEL,
        lambda t: t.condition_check(BlockItem, key[0], key[1], BlockItem.pk.does_not_exist()),
    )


def refusal(conflict: TransactionConflictError) -> ForbiddenError | None:
    """A transaction refused because of a block is a 403, not a 409."""
    if LABEL in conflict.labels:
        return ForbiddenError("this user does not accept your messages or bookings")
    return None
