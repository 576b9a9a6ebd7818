"""The caller's saved talent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.saved import SavedList, SavedOut
from chalicelib.web.router import Api, Reply, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import saved as saved_store
    from chalicelib.usecases import saved
else:
    saved = lazy_import("chalicelib.usecases.saved")


api = Api(__name__, tag="saved")


def serialize(entry: saved_store.SavedTalent) -> SavedOut:
    return SavedOut(talent_id=entry.talent_id, saved_at=clock.to_rfc3339(entry.saved_at))


@api.post(
    "/v1/me/saved/{talent_id}",
    operation_id="saveTalent",
    summary="Save a talent (201 the first time, 200 after)",
    response=SavedOut,
    status=201,
    also=(200,),
    errors=(404,),
)
def save_talent(ctx: RequestContext, talent_id: str) -> Reply:
    entry, created = saved.save(ctx.principal, talent_id)
    return Reply(serialize(entry), status=201 if created else 200)


@api.delete(
    "/v1/me/saved/{talent_id}",
    operation_id="unsaveTalent",
    summary="Unsave a talent (idempotent)",
    status=204,
)
def unsave_talent(ctx: RequestContext, talent_id: str) -> Reply:
    saved.unsave(ctx.principal, talent_id)
    return Reply(None, status=204)


@api.get(
    "/v1/me/saved",
    operation_id="listSavedTalent",
    summary="Saved talent, most recent first",
    query=PageQuery,
    response=SavedList,
)
def list_saved(ctx: RequestContext) -> SavedList:
    query: PageQuery = ctx.query
    entries, cursor = saved.list_saved(ctx.principal, query.limit, query.cursor)
    return SavedList(items=[serialize(e) for e in entries], next_cursor=cursor)
