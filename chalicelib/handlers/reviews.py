"""Reviews: posting, reading, replying, appealing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import clock
from chalicelib.domain import reviews as rules
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.reviews import (
    AppealCreate,
    ReplyCreate,
    ReplyOut,
    ReviewCreate,
    RevieweeOut,
    ReviewList,
    ReviewOut,
    ReviewSubjectOut,
    ReviewSummary,
    SubRatingAverages,
)
from chalicelib.schemas.threads import AboutOut, ReportOut
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.models.review_items import Review
    from chalicelib.usecases.reviews import moderation, reading, writing
else:
    moderation = lazy_import("chalicelib.usecases.reviews.moderation")
    reading = lazy_import("chalicelib.usecases.reviews.reading")
    writing = lazy_import("chalicelib.usecases.reviews.writing")

api = Api(__name__, tag="reviews")


def serialize(review: Review) -> ReviewOut:
    reply = review.reply
    return ReviewOut(
        id=review.id,
        subject=ReviewSubjectOut(type=review.subject_type, id=review.subject_id),
        author_id=review.author_id,
        author_role=review.author_role,
        reviewee=RevieweeOut(
            type=review.reviewee.type, id=review.reviewee.id, user_id=review.reviewee.user_id
        ),
        rating=review.rating,
        sub_ratings=dict(review.sub_ratings),
        comment=review.comment,
        created_at=clock.to_rfc3339(review.created_at),
        published=review.published_at is not None,
        published_at=clock.to_rfc3339(review.published_at) if review.published_at else None,
        hidden=review.hidden,
        reply=ReplyOut(body=reply["body"], created_at=reply["created_at"]) if reply else None,
        appealed_at=clock.to_rfc3339(review.appealed_at) if review.appealed_at else None,
    )


def summary(sums: dict[str, int]) -> ReviewSummary:
    averages = {
        name: rules.average(sums[f"{name}_sum"], sums[f"{name}_count"])
        for name in rules.SUB_RATINGS
    }
    return ReviewSummary(
        rating_avg=rules.average(sums["rating_sum"], sums["rating_count"]),
        rating_count=sums["rating_count"],
        histogram={str(n): sums[f"stars_{n}"] for n in rules.STARS},
        sub_ratings=SubRatingAverages(**averages),
    )


def _list(ctx: RequestContext, reviewee_type: str, reviewee_id: str) -> ReviewList:
    query: PageQuery = ctx.query
    found, cursor, sums = reading.published_of(
        reviewee_type, reviewee_id, ctx.viewer, query.limit, query.cursor
    )
    page = ReviewList(items=[serialize(r) for r in found], next_cursor=cursor)
    if sums is not None:
        page.summary = summary(sums)
        page.rating_avg = page.summary.rating_avg
        page.rating_count = page.summary.rating_count
    return page


@api.post(
    "/v1/reviews",
    operation_id="createReview",
    summary="Review the other party of a completed booking or contract (blind until both "
    "reviewed or 14 days passed)",
    body=ReviewCreate,
    response=ReviewOut,
    status=201,
    errors=(400, 403, 404, 409),
)
def post_review(ctx: RequestContext) -> ReviewOut:
    return serialize(writing.post(ctx.principal, ctx.body))


@api.get(
    "/v1/reviews/{review_id}",
    operation_id="getReview",
    summary="A review: its author always, everyone once published",
    auth="optional",
    response=ReviewOut,
    errors=(404,),
)
def get_review(ctx: RequestContext, review_id: str) -> ReviewOut:
    return serialize(reading.visible(review_id, ctx.viewer))


@api.get(
    "/v1/talent/{talent_id}/reviews",
    operation_id="listTalentReviews",
    summary="A talent's published reviews, newest first (the first page with the summary)",
    auth="optional",
    query=PageQuery,
    response=ReviewList,
    errors=(400, 404),
)
def talent_reviews(ctx: RequestContext, talent_id: str) -> ReviewList:
    return _list(ctx, rules.REVIEWEE_TALENT, talent_id)


@api.get(
    "/v1/users/{user_id}/reviews",
    operation_id="listUserReviews",
    summary="Published reviews that talent wrote about a customer, newest first",
    auth="public",
    query=PageQuery,
    response=ReviewList,
    errors=(400, 404),
)
def user_reviews(ctx: RequestContext, user_id: str) -> ReviewList:
    return _list(ctx, rules.REVIEWEE_USER, user_id)


@api.post(
    "/v1/reviews/{review_id}/reply",
    operation_id="replyToReview",
    summary="The reviewee's one reply, after publication",
    body=ReplyCreate,
    response=ReviewOut,
    status=201,
    errors=(400, 403, 404, 409),
)
def reply_review(ctx: RequestContext, review_id: str) -> ReviewOut:
    return serialize(moderation.reply(ctx.principal, review_id, ctx.body.body))


@api.post(
    "/v1/reviews/{review_id}/appeal",
    operation_id="appealReview",
    summary="The author's one appeal of a hidden review: back to the moderation queue",
    body=AppealCreate,
    response=ReportOut,
    status=201,
    errors=(400, 403, 404, 409),
)
def appeal_review(ctx: RequestContext, review_id: str) -> ReportOut:
    queued = moderation.appeal(ctx.principal, review_id, ctx.body.reason)
    return ReportOut(
        id=queued.id,
        target=AboutOut(type=queued.target_type, id=queued.target_id),
        reason=queued.reason,
        details=queued.details,
        state=queued.state,
        reporter_id=queued.reporter_id,
        created_at=clock.to_rfc3339(queued.created_at),
    )
