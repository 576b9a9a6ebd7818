"""Talent profiles, portfolios and availability."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import Money
from chalicelib.schemas.talent import (
    AvailabilityOut,
    AvailabilityPut,
    AvailabilityQuery,
    DayOut,
    PortfolioCreate,
    PortfolioEntryOut,
    PortfolioPatch,
    TalentCreate,
    TalentOut,
    TalentPatch,
)
from chalicelib.web.router import Api, Reply, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import talent as talent_store
    from chalicelib.usecases import availability
    from chalicelib.usecases import talent as talent_cases
else:
    availability = lazy_import("chalicelib.usecases.availability")
    talent_cases = lazy_import("chalicelib.usecases.talent")


api = Api(__name__, tag="talent")


def serialize_entry(entry: talent_store.PortfolioEntry) -> PortfolioEntryOut:
    return PortfolioEntryOut(
        id=entry.id,
        title=entry.title,
        description=entry.description,
        media_id=entry.media_id,
        position=entry.position,
    )


def serialize(talent: talent_store.Talent) -> TalentOut:
    return TalentOut(
        id=talent.id,
        user_id=talent.owner_user_id,
        display_name=talent.display_name,
        headline=talent.headline,
        bio=talent.bio,
        categories=list(talent.categories),
        skills=list(talent.skills),
        languages=list(talent.languages),
        location=talent.location,
        travel_radius_km=talent.travel_radius_km,
        currency=talent.currency,
        rate=Money(**talent.rate) if talent.rate else None,
        badges=list(talent.badges),
        timezone=talent.timezone,
        avatar_media_id=talent.avatar_media_id,
        rating_avg=talent.rating_avg,
        rating_count=talent.rating_count,
        completed_count=talent.completed_count,
        response_rate=talent.response_rate,
        is_active=talent.is_active,
        is_suspended=talent.is_suspended,
        hidden=talent.hidden,
        portfolio=[serialize_entry(entry) for entry in talent.portfolio],
        created_at=clock.to_rfc3339(talent.created_at),
        updated_at=clock.to_rfc3339(talent.updated_at),
    )


@api.post(
    "/v1/talent",
    operation_id="createTalent",
    summary="Create the caller's talent profile (adds the talent role)",
    body=TalentCreate,
    response=TalentOut,
    status=201,
    errors=(409,),
)
def create_talent(ctx: RequestContext) -> TalentOut:
    return serialize(talent_cases.create(ctx.principal, ctx.body))


@api.get(
    "/v1/talent/{talent_id}",
    operation_id="getTalent",
    summary="A talent profile (inactive or suspended ones: owner and admins only)",
    auth="optional",
    response=TalentOut,
    errors=(404,),
)
def get_talent(ctx: RequestContext, talent_id: str) -> TalentOut:
    return serialize(talent_cases.get(talent_id, ctx.viewer))


@api.patch(
    "/v1/talent/{talent_id}",
    operation_id="updateTalent",
    summary="Update a talent profile (owner; admins also suspend and award badges)",
    body=TalentPatch,
    response=TalentOut,
    errors=(403, 404),
)
def patch_talent(ctx: RequestContext, talent_id: str) -> TalentOut:
    return serialize(talent_cases.update(talent_id, ctx.principal, ctx.body))


@api.post(
    "/v1/talent/{talent_id}/portfolio",
    operation_id="addPortfolioItem",
    summary="Add a portfolio item (verified portfolio media of the owner)",
    body=PortfolioCreate,
    response=PortfolioEntryOut,
    status=201,
    errors=(403, 404),
)
def add_portfolio(ctx: RequestContext, talent_id: str) -> PortfolioEntryOut:
    return serialize_entry(talent_cases.add_portfolio_entry(talent_id, ctx.principal, ctx.body))


@api.patch(
    "/v1/talent/{talent_id}/portfolio/{item_id}",
    operation_id="updatePortfolioItem",
    summary="Edit a portfolio item",
    body=PortfolioPatch,
    response=PortfolioEntryOut,
    errors=(403, 404),
)
def patch_portfolio(ctx: RequestContext, talent_id: str, item_id: str) -> PortfolioEntryOut:
    entry = talent_cases.update_portfolio_entry(talent_id, item_id, ctx.principal, ctx.body)
    return serialize_entry(entry)


@api.delete(
    "/v1/talent/{talent_id}/portfolio/{item_id}",
    operation_id="deletePortfolioItem",
    summary="Remove a portfolio item",
    status=204,
    errors=(403, 404),
)
def delete_portfolio(ctx: RequestContext, talent_id: str, item_id: str) -> Reply:
    talent_cases.remove_portfolio_entry(talent_id, item_id, ctx.principal)
    return Reply(None, status=204)


def _availability_out(result: availability.Availability) -> AvailabilityOut:
    return AvailabilityOut(
        talent_id=result.talent.id,
        timezone=result.talent.timezone,
        weekly=list(result.talent.weekly) if result.talent.weekly is not None else None,
        days=[DayOut.model_validate(day.to_json()) for day in result.days],
    )


@api.get(
    "/v1/talent/{talent_id}/availability",
    operation_id="getAvailability",
    summary="Each day's availability between from and to (the talent's local dates)",
    auth="optional",
    query=AvailabilityQuery,
    response=AvailabilityOut,
    errors=(404,),
)
def get_availability(ctx: RequestContext, talent_id: str) -> AvailabilityOut:
    query: AvailabilityQuery = ctx.query
    return _availability_out(availability.read(talent_id, ctx.viewer, query.from_, query.to))


@api.put(
    "/v1/talent/{talent_id}/availability",
    operation_id="setAvailability",
    summary="Set days (up to 366) and/or the weekly plan",
    body=AvailabilityPut,
    response=AvailabilityOut,
    errors=(403, 404),
)
def put_availability(ctx: RequestContext, talent_id: str) -> AvailabilityOut:
    return _availability_out(availability.write(talent_id, ctx.principal, ctx.body))
