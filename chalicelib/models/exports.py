"""CSV exports: the export item (asked by an admin, run by the exports worker), and the time
index the worker pages through.

The index: an exported kind's items carry GSI3 keys `EXPORT#<kind>#<yyyy-mm-dd>` (their
creation day, UTC) and `<created_at>#<id>`, so a range is one Query per day, read page by
page. Payments, payouts, bookings and disputes (their `dispute` process subjects, kind
`dispute`, set in the opening transition by usecases/dispute_effects.py) set them when
created (`export_index`); the audit log has its own time-ordered partition."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib import clock
from chalicelib.errors import NotFoundError
from chalicelib.models.base import Item, connection
from chalicelib.models.writes import Writes, save

RUNNING, READY, FAILED = "running", "ready", "failed"
EXPORT_SK = "EXPORT"


def export_pk(export_id: str) -> str:
    return f"EXPORT#{export_id}"


def index_gsi3pk(kind: str, day: date) -> str:
    return f"EXPORT#{kind}#{day.isoformat()}"


def export_index(kind: str, created_at: datetime, item_id: str) -> dict[str, str]:
    """The GSI3 keys an exported item carries from its creation."""
    return {
        "gsi3pk": index_gsi3pk(kind, created_at.date()),
        "gsi3sk": index_gsi3sk(created_at, item_id),
    }


def index_gsi3sk(created_at: datetime, item_id: str) -> str:
    return f"{clock.to_rfc3339(created_at)}#{item_id}"


class ExportItem(Item, discriminator="export"):
    export_id = UnicodeAttribute()
    export_kind = UnicodeAttribute()
    first_day = UnicodeAttribute()
    last_day = UnicodeAttribute()
    state = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    object_key = UnicodeAttribute(null=True)
    rows = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)


@dataclass(frozen=True)
class Export:
    id: str
    kind: str
    first_day: date
    last_day: date
    state: str
    requested_by: str
    created_at: datetime
    object_key: str | None = None
    rows: int | None = None
    error: str | None = None


def _to_export(item: ExportItem) -> Export:
    return Export(
        item.export_id,
        item.export_kind,
        date.fromisoformat(item.first_day),
        date.fromisoformat(item.last_day),
        item.state,
        item.requested_by,
        item.created_at,
        item.object_key,
        int(item.rows) if item.rows is not None else None,
        item.error,
    )


def create_in(writes: Writes, export: Export) -> None:
    item = ExportItem(
        export_pk(export.id),
        EXPORT_SK,
        export_id=export.id,
        export_kind=export.kind,
        first_day=export.first_day.isoformat(),
        last_day=export.last_day.isoformat(),
        state=export.state,
        requested_by=export.requested_by,
        created_at=export.created_at,
    )
    writes.add((item.pk, item.sk), "export", save(item, ExportItem.pk.does_not_exist()))


def get(export_id: str) -> Export | None:
    try:
        item = ExportItem.get(export_pk(export_id), EXPORT_SK, consistent_read=True)
    except ExportItem.DoesNotExist:
        return None
    return _to_export(item)


def require(export_id: str) -> Export:
    found = get(export_id)
    if found is None:
        raise NotFoundError("export not found")
    return found


def finish(export_id: str, *, state: str, **fields: Any) -> bool:
    """Running → ready or failed, once; False when it had finished already."""
    from chalicelib.errors import ConflictError
    from chalicelib.models.conditions import conflict_on_condition_failure

    item = ExportItem(export_pk(export_id), EXPORT_SK)
    actions: list[Any] = [ExportItem.state.set(state), ExportItem.finished_at.set(clock.now())]
    actions += [getattr(ExportItem, name).set(value) for name, value in fields.items()]
    try:
        with conflict_on_condition_failure("the export finished already"):
            item.update(actions=actions, condition=ExportItem.state == RUNNING)
    except ConflictError:
        return False
    return True


def indexed(kind: str, day: date, page_size: int = 200) -> Iterator[dict[str, Any]]:
    """The raw items of one kind created on one day, oldest first, page by page (low-level:
    a kind may belong to a feature whose model this module does not know)."""
    from chalicelib.settings import get_settings

    request: dict[str, Any] = {
        "TableName": get_settings().table_name,
        "IndexName": "GSI3",
        "KeyConditionExpression": "GSI3PK = :pk",
        "ExpressionAttributeValues": {":pk": {"S": index_gsi3pk(kind, day)}},
        "Limit": page_size,
    }
    while True:
        page = connection().client.query(**request)
        yield from page.get("Items", [])
        if not page.get("LastEvaluatedKey"):
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
