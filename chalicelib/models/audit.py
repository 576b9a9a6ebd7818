"""The admin audit log: append-only entries, each written in the same transaction as the
admin action it records, so an action without its entry (or an entry without its action)
cannot exist.

Layout: every entry lives in one time-ordered partition (`AUDIT`, sort key
`<created>#<id>`), which serves the unfiltered list and date-range exports; GSI1 lists an
actor's entries and GSI2 a target's. Admin actions are a few per minute, far below one
partition's write limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock, ids
from chalicelib.models import pagination
from chalicelib.models.base import Item
from chalicelib.models.writes import Writes, save

AUDIT_PK = "AUDIT"


def _entry_sk(created_iso: str, entry_id: str) -> str:
    return f"{created_iso}#{entry_id}"


def _by_actor_gsi1pk(actor_id: str) -> str:
    return f"AUDIT_ACTOR#{actor_id}"


def _by_target_gsi2pk(target_type: str, target_id: str) -> str:
    return f"AUDIT_TARGET#{target_type}#{target_id}"


class AuditItem(Item, discriminator="audit"):
    entry_id = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    action = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    before = JSONAttribute(null=True)
    after = JSONAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


@dataclass(frozen=True)
class AuditEntry:
    id: str
    actor_id: str
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    created_at: datetime


def record(
    writes: Writes,
    *,
    actor_id: str,
    action: str,
    target_type: str,
    target_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
) -> AuditEntry:
    """Adds the entry to the action's own transaction. `before`/`after` are small JSON
    snapshots of what the action changed (states, amounts, roles), not whole items."""
    entry = AuditEntry(
        ids.new_id(),
        actor_id,
        action,
        target_type,
        target_id,
        before,
        after,
        reason,
        clock.now(),
    )
    created = clock.to_rfc3339(entry.created_at)
    sort_key = _entry_sk(created, entry.id)
    item = AuditItem(
        AUDIT_PK,
        sort_key,
        entry_id=entry.id,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
        reason=reason,
        created_at=entry.created_at,
        gsi1pk=_by_actor_gsi1pk(actor_id),
        gsi1sk=sort_key,
        gsi2pk=_by_target_gsi2pk(target_type, target_id),
        gsi2sk=sort_key,
    )
    writes.add((AUDIT_PK, sort_key), "audit", save(item, AuditItem.pk.does_not_exist()))
    return entry


def _entry(item: AuditItem) -> AuditEntry:
    return AuditEntry(
        item.entry_id,
        item.actor_id,
        item.action,
        item.target_type,
        item.target_id,
        item.before,
        item.after,
        item.reason,
        item.created_at,
    )


def list_entries(
    *,
    actor_id: str | None,
    target: tuple[str, str] | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[AuditEntry], str | None]:
    """Newest first, one Query: by target (GSI2), by actor (GSI1), or all. With both an
    actor and a target, the target's (short) history is filtered by actor."""
    results: Any
    if target is not None:
        partition = _by_target_gsi2pk(*target)
        results = AuditItem.gsi2.query(
            partition,
            filter_condition=(AuditItem.actor_id == actor_id) if actor_id else None,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=pagination.decode(cursor, {"GSI2PK": partition}),
        )
    elif actor_id is not None:
        partition = _by_actor_gsi1pk(actor_id)
        results = AuditItem.gsi1.query(
            partition,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=pagination.decode(cursor, {"GSI1PK": partition}),
        )
    else:
        results = AuditItem.query(
            AUDIT_PK,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
            last_evaluated_key=pagination.decode(cursor, {"PK": AUDIT_PK}),
        )
    found = [_entry(item) for item in results if isinstance(item, AuditItem)]
    return found, pagination.encode(results.last_evaluated_key)


def entries_between(first: datetime, last: datetime, *, page_size: int = 200) -> Any:
    """Oldest first within [first, last], lazily paged (exports never hold it all)."""
    low = clock.to_rfc3339(first)
    high = clock.to_rfc3339(last) + "~"
    for item in AuditItem.query(AUDIT_PK, AuditItem.sk.between(low, high), page_size=page_size):
        if isinstance(item, AuditItem):
            yield _entry(item)
