"""The QC worker's logic: a `qc.report_submitted` event -> the configured evaluator judges
the booking's report -> the verdict is written conditioned on the report's version (and
QC still `pending`, and the booking's own version), so a stale evaluation never overwrites
a newer report's, and a redelivered event changes nothing. A pass opens the gate in the
same transaction (gate.release_in). One GetItem and one transaction per report."""

from __future__ import annotations

from typing import Any

from chalicelib import clock, ids
from chalicelib.domain import qc as rules
from chalicelib.errors import ConflictError
from chalicelib.models import outbox, qc_items, subjects
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes, save
from chalicelib.usecases.qc import evaluators, gate

PASSED_EVENT = "qc.passed"
REVISE_EVENT = "qc.revise_requested"
# A transition that moved the booking between our read and our write: read again.
ATTEMPTS = 3


def _judgeable(booking: Subject | None, version: int) -> bool:
    return (
        booking is not None
        and booking.report is not None
        and booking.report_version == version
        and booking.qc_status == "pending"
    )


def report_of(booking: Subject) -> rules.Report:
    report = booking.report or {}
    rating = report.get("rating")
    return rules.Report(
        summary=str(report.get("summary", "")),
        action_items=tuple(str(item) for item in report.get("action_items") or ()),
        rating=None if rating is None else int(rating),
    )


def verdict_event_in(writes: Writes, booking: Subject, qc: dict[str, Any]) -> None:
    """Tells the talent (and, on a pass, the customer) through the notifications table."""
    event_id = ids.new_id()
    detail = {
        "event_id": event_id,
        "at": clock.to_rfc3339(clock.now()),
        "subject": {"type": "booking", "id": booking.id},
        "status": qc["status"],
        "reasons": qc["reasons"],
        "customer_id": booking.customer_id,
        "talent_id": booking.talent_id,
        "talent_user_id": booking.talent_user_id,
    }
    detail_type = PASSED_EVENT if qc["status"] in rules.OPEN else REVISE_EVENT
    event = outbox.event_timer(event_id, detail_type, detail)
    writes.add((event.pk, event.sk), "outbox", save(event))


def decide_in(writes: Writes, booking: Subject, qc: dict[str, Any]) -> bool:
    """The verdict on `booking` as read; an open gate releases what completion held and
    leaves the admin's queue. Returns whether money was released."""
    qc_items.verdict_in(writes, booking, qc)
    released = False
    if qc["status"] in rules.OPEN:
        released = gate.release_in(writes, booking, clock.now())
        qc_items.unescalate_in(writes, booking.id)
    verdict_event_in(writes, booking, qc)
    return released


def evaluate(booking_id: str, version: int) -> str:
    """Judge report `version` of the booking; returns what happened (for logs and tests):
    `passed`, `revise`, or `stale` (a newer report, a decided QC, an unknown booking)."""
    for _ in range(ATTEMPTS):
        booking = subjects.get("booking", booking_id)
        if booking is None or not _judgeable(booking, version):
            return "stale"
        evaluator = evaluators.current()
        verdict = evaluator.evaluate(report_of(booking), booking.data.get("service_category"))
        qc = {
            "status": verdict.status,
            "reasons": list(verdict.reasons),
            "explanations": list(verdict.explanations),
            "checked_at": clock.to_rfc3339(clock.now()),
            "report_version": version,
            "decided_by": evaluator.name,
            "note": None,
        }
        writes = Writes()
        decide_in(writes, booking, qc)
        try:
            writes.commit("the booking or its report changed during QC")
        except ConflictError:
            continue  # re-read: stale now, or a transition moved the booking
        return verdict.status
    raise ConflictError(f"booking {booking_id} kept moving during QC; the queue retries")
