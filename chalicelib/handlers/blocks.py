"""Blocks and reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.threads import AboutOut, BlockList, BlockOut, ReportCreate, ReportOut
from chalicelib.web.router import Api, Reply, RequestContext

if TYPE_CHECKING:
    from chalicelib.models.blocks import Block
    from chalicelib.usecases.conversations import blocks, reports
else:
    blocks = lazy_import("chalicelib.usecases.conversations.blocks")
    reports = lazy_import("chalicelib.usecases.conversations.reports")

api = Api(__name__, tag="moderation")


def serialize_block(entry: Block) -> BlockOut:
    return BlockOut(user_id=entry.user_id, created_at=clock.to_rfc3339(entry.created_at))


@api.post(
    "/v1/me/blocks/{user_id}",
    operation_id="blockUser",
    summary="Block a user (201 the first time, 200 after)",
    response=BlockOut,
    status=201,
    also=(200,),
    errors=(400, 404),
)
def block_user(ctx: RequestContext, user_id: str) -> Reply:
    entry, created = blocks.block(ctx.principal, user_id)
    return Reply(serialize_block(entry), status=201 if created else 200)


@api.delete(
    "/v1/me/blocks/{user_id}",
    operation_id="unblockUser",
    summary="Unblock a user (idempotent)",
    status=204,
    errors=(404,),
)
def unblock_user(ctx: RequestContext, user_id: str) -> Reply:
    blocks.unblock(ctx.principal, user_id)
    return Reply(None, status=204)


@api.get(
    "/v1/me/blocks",
    operation_id="listBlocks",
    summary="Users I blocked",
    query=PageQuery,
    response=BlockList,
)
def list_blocks(ctx: RequestContext) -> BlockList:
    query: PageQuery = ctx.query
    found, cursor = blocks.blocked(ctx.principal, query.limit, query.cursor)
    return BlockList(items=[serialize_block(b) for b in found], next_cursor=cursor)


@api.post(
    "/v1/reports",
    operation_id="createReport",
    summary="Report a user, talent, message, review, media or job for moderation",
    body=ReportCreate,
    response=ReportOut,
    status=201,
    errors=(400, 404),
)
def create_report(ctx: RequestContext) -> ReportOut:
    report = reports.report(ctx.principal, ctx.body)
    return ReportOut(
        id=report.id,
        target=AboutOut(type=report.target_type, id=report.target_id),
        reason=report.reason,
        details=report.details,
        state=report.state,
        reporter_id=report.reporter_id,
        created_at=clock.to_rfc3339(report.created_at),
    )
