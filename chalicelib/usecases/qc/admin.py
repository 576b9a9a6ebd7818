"""Admins and the QC gate: the queue of bookings 7 days past delivery without a passing
report, and passing or waiving a booking's QC, with its audit entry in the same
transaction as the verdict (and the release of the held money, when there is some)."""

from __future__ import annotations

from typing import Any

from chalicelib import clock
from chalicelib.auth.principal import Principal
from chalicelib.domain import qc as rules
from chalicelib.errors import ConflictError
from chalicelib.models import audit, qc_items, subjects
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes
from chalicelib.usecases.qc import evaluation

ACTION = "booking.qc_decided"


def decide(principal: Principal, booking_id: str, status: str, note: str) -> Subject:
    """`passed` (a report exists and the admin judges it good) or `waived` (no report is
    needed after all). 409 when the booking requires no report, QC is already open, or
    there is no report to pass."""
    booking = subjects.require("booking", booking_id)
    if not booking.data.get("report_required"):
        raise ConflictError("this booking's service does not require a delivery report")
    before = booking.qc_status
    if before in rules.OPEN:
        raise ConflictError(f"QC is already {before}", {"qc_status": before})
    if status == "passed" and booking.report is None:
        raise ConflictError("there is no report to pass; waive QC instead", {"qc_status": None})
    now = clock.now()
    qc: dict[str, Any] = {
        "status": status,
        "reasons": [],
        "explanations": [],
        "checked_at": clock.to_rfc3339(now),
        "report_version": booking.report_version or None,
        "decided_by": "admin",
        "note": note,
    }
    writes = Writes()
    released = evaluation.decide_in(writes, booking, qc)
    hold = booking.data.get("qc_hold") if released else None
    audit.record(
        writes,
        actor_id=principal.user_id,
        action=ACTION,
        target_type="booking",
        target_id=booking.id,
        before={"qc_status": before, "report_version": booking.report_version},
        after={"qc_status": status, "released": hold},
        reason=note,
    )
    writes.commit("the booking or its QC changed meanwhile; reload and retry")
    return booking.with_changes(qc=qc)


def queue(status: str, limit: int, cursor: str | None) -> dict[str, Any]:
    found, next_cursor = qc_items.queue(status, limit=limit, cursor=cursor)
    return {
        "items": [
            {
                "booking_id": e.booking_id,
                "talent_id": e.talent_id,
                "talent_user_id": e.talent_user_id,
                "customer_id": e.customer_id,
                "qc_status": e.qc_status,
                "escalated_at": clock.to_rfc3339(e.escalated_at),
            }
            for e in found
        ],
        "next_cursor": next_cursor,
    }
