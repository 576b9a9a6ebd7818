"""Admin console: the moderation queue and users (search, suspension, roles)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.admin import (
    AdminReportList,
    AdminReportOut,
    AdminUserList,
    AdminUserOut,
    ReportDecision,
    ReportQuery,
    RolesIn,
    SuspensionIn,
    UserQuery,
)
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import reports
    from chalicelib.models.reports import Report
    from chalicelib.usecases.console import moderation, users
else:
    reports = lazy_import("chalicelib.models.reports")
    moderation = lazy_import("chalicelib.usecases.console.moderation")
    users = lazy_import("chalicelib.usecases.console.users")

api = Api(__name__, tag="admin")


def report_json(report: Report) -> dict[str, Any]:
    return {
        "id": report.id,
        "target": {"type": report.target_type, "id": report.target_id},
        "reason": report.reason,
        "details": report.details,
        "state": report.state,
        "reporter_id": report.reporter_id,
        "created_at": clock.to_rfc3339(report.created_at),
        "appeal": report.reason == reports.APPEAL_REASON,
        "decision": report.decision,
        "note": report.note,
        "decided_by": report.decided_by,
        "decided_at": clock.to_rfc3339(report.decided_at) if report.decided_at else None,
    }


@api.get(
    "/v1/admin/reports",
    operation_id="listReports",
    summary="The moderation queue: reports by state (open by default), oldest first",
    auth="admin",
    query=ReportQuery,
    response=AdminReportList,
)
def list_reports(ctx: RequestContext) -> dict[str, Any]:
    query: ReportQuery = ctx.query
    found, cursor = moderation.queue(query.state, query.limit, query.cursor)
    return {"items": [report_json(r) for r in found], "next_cursor": cursor}


@api.post(
    "/v1/admin/reports/{report_id}/decide",
    operation_id="decideReport",
    summary="Decide a report: dismiss, hide the content, suspend its owner, or restore it",
    auth="admin",
    body=ReportDecision,
    response=AdminReportOut,
    errors=(400, 404, 409),
)
def decide_report(ctx: RequestContext, report_id: str) -> dict[str, Any]:
    body: ReportDecision = ctx.body
    return report_json(moderation.decide(ctx.principal, report_id, body.action, body.note))


@api.get(
    "/v1/admin/users",
    operation_id="searchUsers",
    summary="Users by email or by a prefix of a word of their name (an index, never a scan)",
    auth="admin",
    query=UserQuery,
    response=AdminUserList,
)
def search_users(ctx: RequestContext) -> dict[str, Any]:
    query: UserQuery = ctx.query
    found, cursor = users.search(query.q, query.limit, query.cursor)
    return {"items": [u.to_json() for u in found], "next_cursor": cursor}


@api.post(
    "/v1/admin/users/{user_id}/suspend",
    operation_id="suspendUser",
    summary="Suspend a user: their changing calls answer 403 ACCOUNT_SUSPENDED, their talent "
    "profile leaves search and public views, open requests to them are declined",
    auth="admin",
    body=SuspensionIn,
    response=AdminUserOut,
    errors=(400, 404, 409),
)
def suspend_user(ctx: RequestContext, user_id: str) -> dict[str, Any]:
    body: SuspensionIn = ctx.body
    return users.suspend(ctx.principal, user_id, body.reason).to_json()


@api.post(
    "/v1/admin/users/{user_id}/unsuspend",
    operation_id="unsuspendUser",
    summary="Reinstate a suspended user (their profile returns to search)",
    auth="admin",
    body=SuspensionIn,
    response=AdminUserOut,
    errors=(400, 404, 409),
)
def unsuspend_user(ctx: RequestContext, user_id: str) -> dict[str, Any]:
    body: SuspensionIn = ctx.body
    return users.unsuspend(ctx.principal, user_id, body.reason).to_json()


@api.post(
    "/v1/admin/users/{user_id}/roles",
    operation_id="changeUserRoles",
    summary="Grant or take stored roles (admin); an admin cannot remove their own admin role",
    auth="admin",
    body=RolesIn,
    response=AdminUserOut,
    errors=(400, 403, 404, 409),
)
def change_roles(ctx: RequestContext, user_id: str) -> dict[str, Any]:
    body: RolesIn = ctx.body
    view = users.change_roles(
        ctx.principal, user_id, list(body.add), list(body.remove), body.reason
    )
    return view.to_json()
