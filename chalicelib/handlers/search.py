"""Discovery: talent search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.lazy import lazy_import
from chalicelib.schemas.search import (
    FeaturedSection,
    FeaturedSections,
    SearchParams,
    SearchResults,
    TalentCard,
)
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.usecases import featured, search
else:
    featured = lazy_import("chalicelib.usecases.featured")
    search = lazy_import("chalicelib.usecases.search")

api = Api(__name__, tag="discovery")


@api.get(
    "/v1/search/talent",
    operation_id="searchTalent",
    summary="Search public talent (docs/search.md: filters, sorts, ranking, cost)",
    auth="public",
    query=SearchParams,
    response=SearchResults,
)
def search_talent(ctx: RequestContext) -> SearchResults:
    hits, cursor, query = search.search(ctx.query)
    cards = [TalentCard.model_validate(search.card_json(hit, query)) for hit in hits]
    return SearchResults(items=cards, next_cursor=cursor)


@api.get(
    "/v1/featured",
    operation_id="listFeatured",
    summary="Featured sections (new talent, available this weekend, top rated per category)",
    auth="public",
    response=FeaturedSections,
)
def featured_sections(ctx: RequestContext) -> FeaturedSections:
    return FeaturedSections(
        sections=[
            FeaturedSection(
                key=s.key, title=s.title, items=[TalentCard.model_validate(i) for i in s.items]
            )
            for s in featured.read()
        ]
    )
