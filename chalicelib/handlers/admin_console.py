"""Admin console: the audit log, the dashboard and exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.admin import (
    AuditList,
    AuditQuery,
    DashboardOut,
    DashboardQuery,
    ExportIn,
    ExportOut,
)
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import audit
    from chalicelib.usecases.console import dashboard, exports
else:
    audit = lazy_import("chalicelib.models.audit")
    dashboard = lazy_import("chalicelib.usecases.console.dashboard")
    exports = lazy_import("chalicelib.usecases.console.exports")

api = Api(__name__, tag="admin")


def entry_json(entry: audit.AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "target": {"type": entry.target_type, "id": entry.target_id},
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "created_at": clock.to_rfc3339(entry.created_at),
    }


@api.get(
    "/v1/admin/audit",
    operation_id="listAuditEntries",
    summary="The audit log, newest first; `actor=<user id>`, `target=<type>:<id>` filter it",
    auth="admin",
    query=AuditQuery,
    response=AuditList,
)
def list_audit(ctx: RequestContext) -> dict[str, Any]:
    query: AuditQuery = ctx.query
    target = None
    if query.target is not None:
        kind, _, target_id = query.target.partition(":")
        target = (kind, target_id)
    found, cursor = audit.list_entries(
        actor_id=query.actor, target=target, limit=query.limit, cursor=query.cursor
    )
    return {"items": [entry_json(e) for e in found], "next_cursor": cursor}


@api.get(
    "/v1/admin/dashboard",
    operation_id="getDashboard",
    summary="Figures for a range of days (inclusive, UTC, at most 366): from daily "
    "aggregates and current-state counters, one BatchGetItem per 100 days",
    auth="admin",
    query=DashboardQuery,
    response=DashboardOut,
)
def show_dashboard(ctx: RequestContext) -> dict[str, Any]:
    query: DashboardQuery = ctx.query
    return dashboard.figures(query.from_, query.to)


@api.post(
    "/v1/admin/exports",
    operation_id="startExport",
    summary="Start a CSV export of payments, payouts, bookings, disputes or the audit log",
    auth="admin",
    body=ExportIn,
    response=ExportOut,
    status=202,
    errors=(400,),
)
def start_export(ctx: RequestContext) -> dict[str, Any]:
    body: ExportIn = ctx.body
    return exports.to_json(exports.start(ctx.principal, body.kind, body.first, body.last))


@api.get(
    "/v1/admin/exports/{export_id}",
    operation_id="getExport",
    summary="An export's state; once ready, a short-lived download link to its CSV",
    auth="admin",
    response=ExportOut,
    errors=(404,),
)
def get_export(ctx: RequestContext, export_id: str) -> dict[str, Any]:
    return exports.to_json(exports.require(export_id), with_link=True)
