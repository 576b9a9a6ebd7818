"""Payouts: the talent's payout method and payout history; the admin's manual batch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.payouts import (
    AdminPayoutsQuery,
    MarkFailedIn,
    MarkPaidIn,
    PayoutList,
    PayoutMethodIn,
    PayoutMethodOut,
    PayoutOut,
)
from chalicelib.web.router import Api, RawBody, Reply, RequestContext

if TYPE_CHECKING:
    from chalicelib.usecases.payouts import admin, methods, views
else:
    admin = lazy_import("chalicelib.usecases.payouts.admin")
    methods = lazy_import("chalicelib.usecases.payouts.methods")
    views = lazy_import("chalicelib.usecases.payouts.views")

api = Api(__name__, tag="payouts")


@api.put(
    "/v1/me/payout-method",
    operation_id="setPayoutMethod",
    summary="Set where my payouts go (talent only); Stripe answers with an onboarding link",
    body=PayoutMethodIn,
    response=PayoutMethodOut,
    errors=(400, 403, 502),
)
def put_payout_method(ctx: RequestContext) -> dict[str, Any]:
    body: PayoutMethodIn = ctx.body
    return methods.set_method(ctx.principal, body.provider, body.details)


@api.get(
    "/v1/me/payout-method",
    operation_id="getPayoutMethod",
    summary="Where my payouts go (masked)",
    response=PayoutMethodOut,
    errors=(403, 404),
)
def get_payout_method(ctx: RequestContext) -> dict[str, Any]:
    return methods.get_method(ctx.principal)


@api.get(
    "/v1/me/payouts",
    operation_id="listMyPayouts",
    summary="My payouts as a talent, newest first",
    query=PageQuery,
    response=PayoutList,
)
def my_payouts(ctx: RequestContext) -> dict[str, Any]:
    query: PageQuery = ctx.query
    found, cursor = views.list_mine(ctx.principal, query.limit, query.cursor)
    return {"items": [views.to_json(p) for p in found], "next_cursor": cursor}


@api.get(
    "/v1/admin/payouts/manual.csv",
    operation_id="downloadManualPayouts",
    summary="The open manual payout batch as CSV, oldest first",
    auth="admin",
    produces=("text/csv",),
)
def manual_batch(ctx: RequestContext) -> Reply:
    filename = f"manual-payouts-{clock.now().date().isoformat()}.csv"
    return Reply(
        RawBody(admin.manual_batch_csv(), content_type="text/csv; charset=utf-8"),
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@api.get(
    "/v1/admin/payouts",
    operation_id="listWaitingPayouts",
    summary="Payouts waiting for an admin: the manual batch, or unconfirmed ones",
    auth="admin",
    query=AdminPayoutsQuery,
    response=PayoutList,
)
def waiting_payouts(ctx: RequestContext) -> dict[str, Any]:
    query: AdminPayoutsQuery = ctx.query
    found = admin.waiting_for_admin(query.state)
    return {"items": [views.to_json(p) for p in found], "next_cursor": None}


@api.post(
    "/v1/admin/payouts/{payout_id}/paid",
    operation_id="markPayoutPaid",
    summary="Mark a manual (or unconfirmed) payout paid: the ledger records it once",
    auth="admin",
    body=MarkPaidIn,
    body_required=False,
    response=PayoutOut,
    errors=(400, 404, 409),
)
def mark_paid(ctx: RequestContext, payout_id: str) -> dict[str, Any]:
    body: MarkPaidIn = ctx.body
    return views.to_json(admin.mark_paid(payout_id, ctx.principal.user_id, body.reference))


@api.post(
    "/v1/admin/payouts/{payout_id}/failed",
    operation_id="markPayoutFailed",
    summary="Mark a manual (or unconfirmed) payout failed: its money goes back to available",
    auth="admin",
    body=MarkFailedIn,
    body_required=False,
    response=PayoutOut,
    errors=(400, 404, 409),
)
def mark_failed(ctx: RequestContext, payout_id: str) -> dict[str, Any]:
    body: MarkFailedIn = ctx.body
    return views.to_json(admin.mark_failed(payout_id, ctx.principal.user_id, body.reason))
