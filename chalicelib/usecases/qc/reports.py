"""The talent's delivery report: posted once the booking is `delivered` or `completed`,
replaced only while QC says `revise`. One GetItem (the booking) and one transaction: the
report and QC `pending` on the booking (conditioned on what was read) and the
`qc.report_submitted` event in the outbox, which EventBridge routes to the QC queue.

A booking whose service does not require a report refuses one (409): API.md keeps such
bookings exactly as before, and a report nobody checks would promise the customer a QC
that never happens."""

from __future__ import annotations

from typing import Any

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.domain import qc as rules
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError
from chalicelib.models import outbox, qc_items, subjects
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes, save
from chalicelib.schemas.qc import DeliveryReportCreate
from chalicelib.usecases.process_registry import Caller
from chalicelib.usecases.qc import gate

REPORT_SUBMITTED = "qc.report_submitted"


def _reportable(booking: Subject, principal: Principal) -> None:
    roles = Caller(principal).roles_on(booking)
    if not roles:
        raise NotFoundError("booking not found")
    if "talent" not in roles:
        raise ForbiddenError("only the booking's talent writes its delivery report")
    if not booking.data.get("report_required"):
        raise ConflictError(
            "this booking's service does not require a delivery report",
            {"report_required": False},
        )
    if booking.state not in rules.REPORTABLE_STATES or not gate.awaits_report(booking):
        raise ConflictError(
            "a report is written once the booking is delivered", {"state": booking.state}
        )
    status = booking.qc_status
    if status is not None and status not in rules.REPLACEABLE:
        raise ConflictError(
            f"the report can be replaced only while QC asks for a revision (QC: {status})",
            {"qc_status": status},
        )


def submitted_detail(booking: Subject, event_id: str, version: int) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "at": clock.to_rfc3339(clock.now()),
        "subject": {"type": "booking", "id": booking.id},
        "report_version": version,
        "customer_id": booking.customer_id,
        "talent_id": booking.talent_id,
        "talent_user_id": booking.talent_user_id,
    }


def submit(principal: Principal, booking_id: str, body: DeliveryReportCreate) -> Subject:
    booking = subjects.require("booking", booking_id)
    _reportable(booking, principal)
    now = clock.now()
    version = booking.report_version + 1
    report = {
        "summary": body.summary,
        "action_items": list(body.action_items),
        "rating": body.rating,
        "version": version,
        "submitted_at": clock.to_rfc3339(now),
    }
    qc: dict[str, Any] = {
        "status": "pending",
        "reasons": [],
        "explanations": [],
        "checked_at": None,
        "report_version": version,
        "decided_by": None,
        "note": None,
    }
    writes = Writes()
    qc_items.submit_in(writes, booking, report, qc)
    event_id = ids.new_id()
    event = outbox.event_timer(
        event_id, REPORT_SUBMITTED, submitted_detail(booking, event_id, version)
    )
    writes.add((event.pk, event.sk), "outbox", save(event))
    writes.commit("the booking or its report changed meanwhile; reload and retry")
    return booking.with_changes(report=report, report_version=version, qc=qc)
