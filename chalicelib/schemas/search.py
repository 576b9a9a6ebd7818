from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.schemas.common import CURSOR_TEXT, ApiModel, Currency, Cursor, Money

Sort = Literal["relevance", "rating", "price_asc", "price_desc", "distance"]


class SearchParams(ApiModel):
    """Query-string parameters: strings arrive as text, so these models coerce."""

    q: str | None = Field(default=None, max_length=200)
    category: str | None = Field(default=None, max_length=60)
    skills: str | None = Field(
        default=None, max_length=500, description="comma list; all must match"
    )
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float | None = Field(default=None, gt=0, le=20000)
    min_price: int | None = Field(default=None, ge=0)
    max_price: int | None = Field(default=None, ge=0)
    currency: Currency | None = None
    min_rating: float | None = Field(default=None, ge=0, le=5)
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    sort: Sort = "relevance"
    limit: int = Field(default=20, ge=1, le=100)
    cursor: Cursor | None = Field(default=None, description=CURSOR_TEXT)


class TalentCard(ApiModel):
    id: str
    display_name: str
    headline: str | None
    avatar_media_id: str | None
    categories: list[str]
    skills: list[str]
    languages: list[str]
    city: str
    country: str
    rate: Money | None
    rating_avg: float | None
    rating_count: int
    completed_count: int
    distance_km: float | None = None
    score: float | None = None


class SearchResults(ApiModel):
    items: list[TalentCard]
    next_cursor: str | None


class FeaturedSection(ApiModel):
    key: str
    title: str
    items: list[TalentCard]


class FeaturedSections(ApiModel):
    sections: list[FeaturedSection]
