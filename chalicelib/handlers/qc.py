"""Delivery reports and the QC gate: the talent's report, an admin's verdict and queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.lazy import lazy_import
from chalicelib.schemas.qc import (
    DeliveryReportCreate,
    DeliveryReportPosted,
    QcDecision,
    QcQueueList,
    QcQueueQuery,
)
from chalicelib.schemas.transactions import SubjectOut
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.handlers import subject_views
    from chalicelib.usecases import transitions
    from chalicelib.usecases.qc import admin, reports
else:
    admin = lazy_import("chalicelib.usecases.qc.admin")
    reports = lazy_import("chalicelib.usecases.qc.reports")
    subject_views = lazy_import("chalicelib.handlers.subject_views")
    transitions = lazy_import("chalicelib.usecases.transitions")

api = Api(__name__, tag="qc")


@api.post(
    "/v1/bookings/{booking_id}/report",
    operation_id="submitBookingReport",
    summary=(
        "The talent's delivery report, once delivered or completed; replaces the last one "
        "while QC says revise. QC runs asynchronously"
    ),
    body=DeliveryReportCreate,
    response=DeliveryReportPosted,
    status=201,
    errors=(400, 403, 404, 409),
)
def post_report(ctx: RequestContext, booking_id: str) -> dict[str, Any]:
    booking = reports.submit(ctx.principal, booking_id, ctx.body)
    return {"report": booking.report, "qc": booking.qc}


@api.post(
    "/v1/admin/bookings/{booking_id}/qc",
    operation_id="decideBookingQc",
    summary="Pass or waive a booking's QC (admin): releases what it held; audited",
    auth="admin",
    body=QcDecision,
    response=SubjectOut,
    errors=(400, 404, 409),
)
def decide_qc(ctx: RequestContext, booking_id: str) -> dict[str, Any]:
    body: QcDecision = ctx.body
    booking = admin.decide(ctx.principal, booking_id, body.status, body.note)
    return subject_views.subject_json(booking, transitions.Caller(ctx.principal))


@api.get(
    "/v1/admin/qc",
    operation_id="listQcQueue",
    summary="Bookings 7 days past delivery without a passing report, oldest first (admin)",
    auth="admin",
    query=QcQueueQuery,
    response=QcQueueList,
)
def qc_queue(ctx: RequestContext) -> dict[str, Any]:
    query: QcQueueQuery = ctx.query
    return admin.queue(query.status, query.limit, query.cursor)
