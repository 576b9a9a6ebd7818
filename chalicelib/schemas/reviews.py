"""Reviews: what a party posts, and what readers get back."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt

from chalicelib.domain import reviews as rules
from chalicelib.schemas.common import ApiModel, Id, StrictModel

Stars = StrictInt


class ReviewSubject(StrictModel):
    type: Literal["booking", "contract"]
    id: Id


class SubRatings(StrictModel):
    communication: StrictInt | None = Field(default=None, ge=1, le=5)
    quality: StrictInt | None = Field(default=None, ge=1, le=5)
    value: StrictInt | None = Field(default=None, ge=1, le=5)
    punctuality: StrictInt | None = Field(default=None, ge=1, le=5)

    def given(self) -> dict[str, int]:
        return {name: value for name, value in self.model_dump().items() if value is not None}


class ReviewCreate(StrictModel):
    subject: ReviewSubject
    rating: StrictInt = Field(ge=1, le=5)
    sub_ratings: SubRatings | None = None
    comment: str | None = Field(default=None, max_length=rules.MAX_COMMENT)


class ReplyCreate(StrictModel):
    body: str = Field(min_length=1, max_length=rules.MAX_REPLY)


class AppealCreate(StrictModel):
    reason: str = Field(min_length=1, max_length=2000)


class ReviewSubjectOut(ApiModel):
    type: str
    id: str


class RevieweeOut(ApiModel):
    type: str
    id: str
    user_id: str


class ReplyOut(ApiModel):
    body: str
    created_at: str


class ReviewOut(ApiModel):
    id: str
    subject: ReviewSubjectOut
    author_id: str
    author_role: str
    reviewee: RevieweeOut
    rating: int
    sub_ratings: dict[str, int]
    comment: str | None
    created_at: str
    published: bool
    published_at: str | None
    hidden: bool
    reply: ReplyOut | None
    appealed_at: str | None


class SubRatingAverages(ApiModel):
    communication: float | None
    quality: float | None
    value: float | None
    punctuality: float | None


class ReviewSummary(ApiModel):
    rating_avg: float | None
    rating_count: int
    histogram: dict[str, int] = Field(description="published reviews per star, '1' to '5'")
    sub_ratings: SubRatingAverages


class ReviewList(ApiModel):
    items: list[ReviewOut]
    next_cursor: str | None
    rating_avg: float | None = Field(default=None, description="on the first page only")
    rating_count: int | None = Field(default=None, description="on the first page only")
    summary: ReviewSummary | None = Field(
        default=None, description="on the first page only: histogram and sub-rating averages"
    )


class RatingOut(ApiModel):
    rating_avg: float | None
    rating_count: int
