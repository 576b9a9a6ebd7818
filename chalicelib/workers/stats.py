"""The stats worker: domain events (EventBridge -> stats rule -> stats queue, with its DLQ)
move the admin dashboard's counters and daily aggregates, once per event id
(usecases/console/stats.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.usecases.console import stats
from chalicelib.workers.sqs import message_body


def handle_record(record: dict[str, Any]) -> None:
    """EventBridge delivers {"detail-type": ..., "detail": {...}}."""
    event = message_body(record)
    stats.handle(str(event.get("detail-type")), dict(event["detail"]))
