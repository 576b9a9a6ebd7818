"""Asynchronous CSV exports for admins: `start` records the export (with its audit entry)
and queues it; the exports worker (`run`) pages through the kind's time index one day at a
time, streams rows into a spooled temporary file (never the whole table in memory) and
uploads it to S3 under `exports/`; `GET` then hands out a short-lived presigned link."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any

from chalicelib import clients, clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.domain import csv_cells
from chalicelib.errors import NotFoundError
from chalicelib.models import audit, stats
from chalicelib.models import exports as store
from chalicelib.models.writes import Writes
from chalicelib.settings import get_settings

logger = logging.getLogger(__name__)

OBJECT_PREFIX = "exports/"
DOWNLOAD_WINDOW = timedelta(minutes=15)
SPOOL_BYTES = 8 * 1024 * 1024
MESSAGE_TYPE = "export.run"

# Each kind's columns: (header, attribute of the stored item). Amounts are integers in the
# currency's minor units, as in the API.
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "payments": (
        ("id", "payment_id"),
        ("created_at", "created_at"),
        ("state", "state"),
        ("amount", "amount"),
        ("currency", "currency"),
        ("provider", "provider"),
        ("purpose", "purpose"),
        ("subject_type", "subject_type"),
        ("subject_id", "subject_id"),
        ("payer_user_id", "payer_user_id"),
        ("talent_id", "talent_id"),
    ),
    "payouts": (
        ("id", "payout_id"),
        ("created_at", "created_at"),
        ("state", "state"),
        ("amount", "amount"),
        ("currency", "currency"),
        ("method", "method"),
        ("talent_id", "talent_id"),
        ("provider_ref", "provider_ref"),
        ("failure", "failure"),
        ("paid_at", "paid_at"),
    ),
    "bookings": (
        ("id", "subject_id"),
        ("created_at", "created_at"),
        ("state", "state"),
        ("customer_id", "customer_id"),
        ("talent_id", "talent_id"),
        ("start", "start_at"),
        ("end", "end_at"),
        ("price", "data.price.amount"),
        ("currency", "data.price.currency"),
    ),
    "disputes": (  # the `dispute` process subjects (models/dispute_items.py)
        ("id", "subject_id"),
        ("created_at", "created_at"),
        ("state", "state"),
        ("subject_type", "data.subject.type"),
        ("subject_id", "data.subject.id"),
        ("opened_by", "data.opened_by"),
        ("category", "data.category"),
        ("amount_in_dispute", "data.amount_in_dispute.amount"),
        ("currency", "data.amount_in_dispute.currency"),
    ),
    "audit": (
        ("id", "id"),
        ("created_at", "created_at"),
        ("actor_id", "actor_id"),
        ("action", "action"),
        ("target_type", "target_type"),
        ("target_id", "target_id"),
        ("reason", "reason"),
        ("before", "before"),
        ("after", "after"),
    ),
}
# The time index partition of each kind (models/exports.py).
INDEX_KIND = {
    "payments": "payment",
    "payouts": "payout",
    "bookings": "booking",
    "disputes": "dispute",
}


def start(actor: Principal, kind: str, first: date, last: date) -> store.Export:
    export = store.Export(
        id=ids.new_id(),
        kind=kind,
        first_day=first,
        last_day=last,
        state=store.RUNNING,
        requested_by=actor.user_id,
        created_at=clock.now(),
    )
    writes = Writes()
    store.create_in(writes, export)
    audit.record(
        writes,
        actor_id=actor.user_id,
        action="export.start",
        target_type="export",
        target_id=export.id,
        before=None,
        after={"kind": kind, "from": first.isoformat(), "to": last.isoformat()},
    )
    writes.commit("export already started")
    message = {"type": MESSAGE_TYPE, "export_id": export.id}
    try:
        clients.client("sqs").send_message(
            QueueUrl=get_settings().queue_url("exports"), MessageBody=json.dumps(message)
        )
    except Exception as error:
        store.finish(export.id, state=store.FAILED, error=f"could not be queued: {error}"[:500])
        raise
    return export


def require(export_id: str) -> store.Export:
    if not ids.is_valid_id(export_id):
        raise NotFoundError("export not found")
    return store.require(export_id)


def _link(export: store.Export) -> str | None:
    if export.state != store.READY or not export.object_key:
        return None
    filename = f"{export.kind}-{export.first_day.isoformat()}-{export.last_day.isoformat()}.csv"
    url = clients.client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().media_bucket,
            "Key": export.object_key,
            "ResponseContentType": "text/csv; charset=utf-8",
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=int(DOWNLOAD_WINDOW.total_seconds()),
    )
    return str(url)


def to_json(export: store.Export, *, with_link: bool = False) -> dict[str, Any]:
    return {
        "id": export.id,
        "kind": export.kind,
        "state": export.state,
        "from": export.first_day.isoformat(),
        "to": export.last_day.isoformat(),
        "rows": export.rows,
        "error": export.error,
        "download_url": _link(export) if with_link else None,
        "created_at": clock.to_rfc3339(export.created_at),
    }


# --- the worker --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _deserialized(raw: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {name: _plain(deserializer.deserialize(value)) for name, value in raw.items()}


# How pynamodb stores a UTCDateTimeAttribute.
_STORED_TIME = "%Y-%m-%dT%H:%M:%S.%f%z"


def _field(item: dict[str, Any], path: str) -> Any:
    value: Any = item
    for part in path.split("."):
        if isinstance(value, str) and value.startswith("{"):
            value = json.loads(value)  # a JSONAttribute (a subject's `data`) is stored as text
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, str) and len(value) == 31 and value[10:11] == "T":
        try:
            return clock.to_rfc3339(datetime.strptime(value, _STORED_TIME))
        except ValueError:
            return value
    return value


def _indexed_rows(kind: str, first: date, last: date) -> Iterator[dict[str, Any]]:
    for day in stats.days(first, last):
        for raw in store.indexed(INDEX_KIND[kind], day):
            yield _deserialized(raw)


def _audit_rows(first: date, last: date) -> Iterator[dict[str, Any]]:
    low = datetime.combine(first, time.min, tzinfo=UTC)
    high = datetime.combine(last, time.max, tzinfo=UTC)
    for entry in audit.entries_between(low, high):
        yield {
            "id": entry.id,
            "created_at": clock.to_rfc3339(entry.created_at),
            "actor_id": entry.actor_id,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "reason": entry.reason,
            "before": entry.before,
            "after": entry.after,
        }


def rows_of(kind: str, first: date, last: date) -> Iterator[dict[str, Any]]:
    if kind == "audit":
        return _audit_rows(first, last)
    if kind not in INDEX_KIND:
        raise ValueError(f"no export of {kind!r}")
    return _indexed_rows(kind, first, last)


def write_csv(kind: str, rows: Iterator[dict[str, Any]], out: IO[bytes]) -> int:
    columns = COLUMNS[kind]
    out.write((csv_cells.BOM + csv_cells.line(h for h, _ in columns)).encode("utf-8"))
    count = 0
    for row in rows:
        out.write(csv_cells.line(_field(row, path) for _, path in columns).encode("utf-8"))
        count += 1
    return count


RowSource = Callable[[str, date, date], Iterator[dict[str, Any]]]


def run(export_id: str, source: RowSource = rows_of) -> None:
    """Idempotent: a finished export is left alone. A failure marks it failed (with the
    error, for the admin to see) and is raised again, so the worker reports it."""
    export = store.get(export_id)
    if export is None:
        raise LookupError(f"export {export_id} not found")
    if export.state != store.RUNNING:
        logger.info("export %s already %s", export_id, export.state)
        return
    key = f"{OBJECT_PREFIX}{export.id}.csv"
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b") as spool:
            count = write_csv(
                export.kind, source(export.kind, export.first_day, export.last_day), spool
            )
            spool.seek(0)
            clients.client("s3").upload_fileobj(
                spool,
                get_settings().media_bucket,
                key,
                ExtraArgs={"ContentType": "text/csv; charset=utf-8"},
            )
    except Exception as error:
        logger.exception("export %s (%s) failed", export_id, export.kind)
        store.finish(export_id, state=store.FAILED, error=f"{type(error).__name__}: {error}"[:500])
        raise
    store.finish(export_id, state=store.READY, object_key=key, rows=count)
