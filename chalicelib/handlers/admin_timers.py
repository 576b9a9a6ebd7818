"""Admins read the timers parked after too many failed attempts, and put them back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.lazy import lazy_import
from chalicelib.schemas.admin_timers import TimerList, TimerOut, TimerQuery
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.usecases import dead_timers
else:
    dead_timers = lazy_import("chalicelib.usecases.dead_timers")

api = Api(__name__, tag="admin")


@api.get(
    "/v1/admin/timers",
    operation_id="listDeadTimers",
    summary="Timers parked after TIMER_MAX_ATTEMPTS failures (state=dead), newest first",
    auth="admin",
    query=TimerQuery,
    response=TimerList,
)
def list_timers(ctx: RequestContext) -> dict[str, Any]:
    return dead_timers.list_dead(limit=ctx.query.limit, cursor=ctx.query.cursor)


@api.post(
    "/v1/admin/timers/{timer_id}/retry",
    operation_id="retryTimer",
    summary="Put a dead timer back in the sweep, due now, attempts reset",
    auth="admin",
    response=TimerOut,
    errors=(404, 409),
)
def retry_timer(ctx: RequestContext, timer_id: str) -> dict[str, Any]:
    return dead_timers.retry(timer_id, ctx.principal.user_id)
