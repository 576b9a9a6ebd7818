"""The QC queue's consumer (EventBridge `qc.report_submitted` -> SQS -> here) and the QC
timers (nudges, escalation): thin, the logic is in usecases/qc."""

from __future__ import annotations

from typing import Any

from chalicelib import observability
from chalicelib.models import timer_items
from chalicelib.usecases.qc import evaluation, nudges
from chalicelib.usecases.qc.reports import REPORT_SUBMITTED
from chalicelib.workers import queues
from chalicelib.workers.sqs import message_body
from chalicelib.workers.timer_sweep import register


@queues.qc.register(REPORT_SUBMITTED)
def evaluate_report(message: dict[str, Any]) -> None:
    detail = message["event"].get("detail") or {}
    booking_id = str((detail.get("subject") or {})["id"])
    outcome = evaluation.evaluate(booking_id, int(detail["report_version"]))
    observability.logger().info(
        "qc evaluated", extra={"booking_id": booking_id, "outcome": outcome}
    )


def handle_record(record: dict[str, Any]) -> None:
    """EventBridge delivers {"detail-type": ..., "detail": {...}, "id": ...}."""
    event = message_body(record)
    queues.qc.dispatch({"type": event.get("detail-type"), "event": event})


@register(nudges.NUDGE_TIMER)
def nudge(timer: timer_items.Timer) -> None:
    nudges.fire_nudge(timer)


@register(nudges.ESCALATE_TIMER)
def escalate(timer: timer_items.Timer) -> None:
    nudges.fire_escalation(timer)
