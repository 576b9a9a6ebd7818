"""Reviews, their per-party slots and the reviewees' reputation sums.

A review lives under its own id. Each party of a subject has one slot (`REVIEWS#type#id`,
`BY#role`) put with `attribute_not_exists`: racing posts of one party make one review. The
slot copies the ratings, so that publishing the other party's review needs no second read.
Published, unhidden reviews carry GSI1 keys (newest first per reviewee); the reputation item
holds running sums moved by ADDs in the very transaction that publishes or hides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib import clock
from chalicelib.domain import reviews as rules
from chalicelib.models import keys, pagination, search_outbox
from chalicelib.models.base import Item
from chalicelib.models.talent import TalentItem
from chalicelib.models.writes import Writes, save

SLOT_LABEL = "slot"
OTHER_SLOT_LABEL = "other_slot"
REVIEW_LABEL = "review"


class ReviewItem(Item, discriminator="review"):
    review_id = UnicodeAttribute()
    subject_type = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_role = UnicodeAttribute()
    reviewee_type = UnicodeAttribute()
    reviewee_id = UnicodeAttribute()
    reviewee_user_id = UnicodeAttribute()
    rating = NumberAttribute()
    sub_ratings = JSONAttribute(default=dict)
    comment = UnicodeAttribute(null=True)
    masked = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    published_at = UTCDateTimeAttribute(null=True)
    hidden = BooleanAttribute(default=False)
    hidden_at = UTCDateTimeAttribute(null=True)
    reply = JSONAttribute(null=True)
    appealed_at = UTCDateTimeAttribute(null=True)


class ReviewSlotItem(Item, discriminator="review_slot"):
    review_id = UnicodeAttribute()
    author_id = UnicodeAttribute()
    rating = NumberAttribute()
    sub_ratings = JSONAttribute(default=dict)
    reviewee_type = UnicodeAttribute()
    reviewee_id = UnicodeAttribute()
    reviewee_user_id = UnicodeAttribute()
    published = BooleanAttribute(default=False)


class ReputationItem(Item, discriminator="reputation"):
    rating_sum = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    stars_1 = NumberAttribute(default=0)
    stars_2 = NumberAttribute(default=0)
    stars_3 = NumberAttribute(default=0)
    stars_4 = NumberAttribute(default=0)
    stars_5 = NumberAttribute(default=0)
    communication_sum = NumberAttribute(default=0)
    communication_count = NumberAttribute(default=0)
    quality_sum = NumberAttribute(default=0)
    quality_count = NumberAttribute(default=0)
    value_sum = NumberAttribute(default=0)
    value_count = NumberAttribute(default=0)
    punctuality_sum = NumberAttribute(default=0)
    punctuality_count = NumberAttribute(default=0)


@dataclass(frozen=True)
class Review:
    id: str
    subject_type: str
    subject_id: str
    author_id: str
    author_role: str
    reviewee: rules.Reviewee
    rating: int
    sub_ratings: dict[str, int]
    comment: str | None
    masked: bool
    created_at: datetime
    published_at: datetime | None = None
    hidden: bool = False
    reply: dict[str, Any] | None = None
    appealed_at: datetime | None = None

    @property
    def visibility(self) -> rules.Visibility:
        return rules.Visibility(self.published_at is not None, self.hidden, self.author_id)


@dataclass(frozen=True)
class Slot:
    role: str
    review_id: str
    author_id: str
    rating: int
    sub_ratings: dict[str, int]
    reviewee: rules.Reviewee
    published: bool


def to_review(item: ReviewItem) -> Review:
    return Review(
        id=item.review_id,
        subject_type=item.subject_type,
        subject_id=item.subject_id,
        author_id=item.author_id,
        author_role=item.author_role,
        reviewee=rules.Reviewee(item.reviewee_type, item.reviewee_id, item.reviewee_user_id),
        rating=int(item.rating),
        sub_ratings={k: int(v) for k, v in (item.sub_ratings or {}).items()},
        comment=item.comment,
        masked=bool(item.masked),
        created_at=item.created_at,
        published_at=item.published_at,
        hidden=bool(item.hidden),
        reply=dict(item.reply) if item.reply else None,
        appealed_at=item.appealed_at,
    )


def to_slot(role: str, item: ReviewSlotItem) -> Slot:
    return Slot(
        role=role,
        review_id=item.review_id,
        author_id=item.author_id,
        rating=int(item.rating),
        sub_ratings={k: int(v) for k, v in (item.sub_ratings or {}).items()},
        reviewee=rules.Reviewee(item.reviewee_type, item.reviewee_id, item.reviewee_user_id),
        published=bool(item.published),
    )


def slot_key(subject_type: str, subject_id: str, role: str) -> tuple[str, str]:
    return keys.review_slots_pk(subject_type, subject_id), keys.review_slot_sk(role)


def get(review_id: str) -> Review | None:
    try:
        item = ReviewItem.get(keys.review_pk(review_id), keys.REVIEW_SK, consistent_read=True)
    except ReviewItem.DoesNotExist:
        return None
    return to_review(item)


# --- the actions of one transaction ------------------------------------------------------


def _index_keys(review_id: str, reviewee: rules.Reviewee, published_at: datetime) -> list[Any]:
    return [
        ReviewItem.gsi1pk.set(keys.reviews_of_gsi1pk(reviewee.type, reviewee.id)),
        ReviewItem.gsi1sk.set(keys.reviews_of_gsi1sk(clock.to_rfc3339(published_at), review_id)),
    ]


def create_in(writes: Writes, review: Review) -> None:
    """The review and its party's slot; the slot's condition refuses a second review."""
    slot_pk, slot_sk = slot_key(review.subject_type, review.subject_id, review.author_role)
    slot = ReviewSlotItem(
        slot_pk,
        slot_sk,
        review_id=review.id,
        author_id=review.author_id,
        rating=review.rating,
        sub_ratings=review.sub_ratings,
        reviewee_type=review.reviewee.type,
        reviewee_id=review.reviewee.id,
        reviewee_user_id=review.reviewee.user_id,
        published=review.published_at is not None,
    )
    writes.add((slot_pk, slot_sk), SLOT_LABEL, save(slot, ReviewSlotItem.pk.does_not_exist()))
    item = ReviewItem(
        keys.review_pk(review.id),
        keys.REVIEW_SK,
        review_id=review.id,
        subject_type=review.subject_type,
        subject_id=review.subject_id,
        author_id=review.author_id,
        author_role=review.author_role,
        reviewee_type=review.reviewee.type,
        reviewee_id=review.reviewee.id,
        reviewee_user_id=review.reviewee.user_id,
        rating=review.rating,
        sub_ratings=review.sub_ratings,
        comment=review.comment,
        masked=review.masked,
        created_at=review.created_at,
        published_at=review.published_at,
        hidden=False,
    )
    if review.published_at is not None:
        # Published on arrival (the other party had reviewed): listed at once, and counted.
        item.gsi1pk = keys.reviews_of_gsi1pk(review.reviewee.type, review.reviewee.id)
        item.gsi1sk = keys.reviews_of_gsi1sk(clock.to_rfc3339(review.published_at), review.id)
        moves = rules.contributions(review.rating, review.sub_ratings, 1)
        move_sums_in(writes, review.reviewee, moves)
    writes.add((item.pk, item.sk), REVIEW_LABEL, save(item, ReviewItem.pk.does_not_exist()))


def require_no_slot_in(writes: Writes, subject_type: str, subject_id: str, role: str) -> None:
    """The other party has not reviewed: else this post would have to publish both."""
    pk, sk = slot_key(subject_type, subject_id, role)
    writes.add(
        (pk, sk),
        OTHER_SLOT_LABEL,
        lambda t: t.condition_check(
            ReviewSlotItem, pk, sk, condition=ReviewSlotItem.pk.does_not_exist()
        ),
    )


def publish_in(
    writes: Writes, subject_type: str, subject_id: str, slot: Slot, at: datetime
) -> None:
    """Publish a stored review: its item (indexed for its reviewee), its slot, the sums."""
    item = ReviewItem(keys.review_pk(slot.review_id), keys.REVIEW_SK)
    writes.add(
        (item.pk, item.sk),
        REVIEW_LABEL,
        lambda t: t.update(
            item,
            actions=[
                ReviewItem.published_at.set(at),
                *_index_keys(slot.review_id, slot.reviewee, at),
            ],
            condition=ReviewItem.pk.exists() & ReviewItem.published_at.does_not_exist(),
        ),
    )
    pk, sk = slot_key(subject_type, subject_id, slot.role)
    slot_item = ReviewSlotItem(pk, sk)
    writes.add(
        (pk, sk),
        OTHER_SLOT_LABEL,
        lambda t: t.update(
            slot_item,
            actions=[ReviewSlotItem.published.set(True)],
            condition=ReviewSlotItem.published == False,  # noqa: E712 - a DynamoDB condition
        ),
    )
    move_sums_in(writes, slot.reviewee, rules.contributions(slot.rating, slot.sub_ratings, 1))


def move_sums_in(writes: Writes, reviewee: rules.Reviewee, moves: dict[str, int]) -> None:
    """The reputation item's sums by ADD (created on the first review), and for talent the
    profile's rating_sum/rating_count that search ranks by, reindexed through the outbox."""
    reputation = ReputationItem(keys.reputation_pk(reviewee.type, reviewee.id), keys.REPUTATION_SK)
    actions: list[Any] = [ReputationItem.kind.set(ReputationItem)]  # an upsert
    actions += [getattr(ReputationItem, name).add(value) for name, value in moves.items()]
    writes.add(
        (reputation.pk, reputation.sk),
        "reputation",
        lambda t: t.update(reputation, actions=actions),
    )
    if reviewee.type != rules.REVIEWEE_TALENT:
        return
    profile = TalentItem(keys.talent_pk(reviewee.id), keys.PROFILE_SK)
    writes.add(
        (profile.pk, profile.sk),
        "talent",
        lambda t: t.update(
            profile,
            actions=[
                TalentItem.rating_sum.add(moves["rating_sum"]),
                TalentItem.rating_count.add(moves["rating_count"]),
            ],
            condition=TalentItem.pk.exists(),
        ),
    )
    stale = search_outbox.timer_item(reviewee.id)
    writes.add((stale.pk, stale.sk), "reindex", save(stale))


def set_hidden_in(writes: Writes, review: Review, hidden: bool, at: datetime) -> None:
    """Hide a published review (it leaves the reviewee's list and sums) or put it back."""
    if review.published_at is None:
        raise ValueError("only a published review is hidden or restored")
    item = ReviewItem(keys.review_pk(review.id), keys.REVIEW_SK)
    actions: list[Any] = [ReviewItem.hidden.set(hidden)]
    if hidden:
        actions += [ReviewItem.hidden_at.set(at), ReviewItem.gsi1pk.remove()]
        actions += [ReviewItem.gsi1sk.remove()]
    else:
        actions += [ReviewItem.hidden_at.remove()]
        actions += _index_keys(review.id, review.reviewee, review.published_at)
    writes.add(
        (item.pk, item.sk),
        REVIEW_LABEL,
        lambda t: t.update(
            item,
            actions=actions,
            condition=ReviewItem.published_at.exists() & (ReviewItem.hidden == (not hidden)),
        ),
    )
    sign = -1 if hidden else 1
    move_sums_in(
        writes, review.reviewee, rules.contributions(review.rating, review.sub_ratings, sign)
    )


def reply_in(writes: Writes, review_id: str, reply: dict[str, Any]) -> None:
    item = ReviewItem(keys.review_pk(review_id), keys.REVIEW_SK)
    writes.add(
        (item.pk, item.sk),
        REVIEW_LABEL,
        lambda t: t.update(
            item,
            actions=[ReviewItem.reply.set(reply)],
            condition=ReviewItem.published_at.exists()
            & (ReviewItem.hidden == False)  # noqa: E712 - a DynamoDB condition
            & ReviewItem.reply.does_not_exist(),
        ),
    )


def appeal_in(writes: Writes, review_id: str, at: datetime) -> None:
    item = ReviewItem(keys.review_pk(review_id), keys.REVIEW_SK)
    writes.add(
        (item.pk, item.sk),
        REVIEW_LABEL,
        lambda t: t.update(
            item,
            actions=[ReviewItem.appealed_at.set(at)],
            condition=(ReviewItem.hidden == True)  # noqa: E712 - a DynamoDB condition
            & ReviewItem.appealed_at.does_not_exist(),
        ),
    )


# --- reading -----------------------------------------------------------------------------


def published_of(
    reviewee_type: str, reviewee_id: str, *, limit: int, cursor: str | None
) -> tuple[list[Review], str | None]:
    """A reviewee's published, unhidden reviews, newest first: one Query on GSI1."""
    partition = keys.reviews_of_gsi1pk(reviewee_type, reviewee_id)
    start = pagination.decode(cursor, {"GSI1PK": partition})
    results = ReviewItem.gsi1.query(
        partition,
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=start,
    )
    found = [to_review(item) for item in results if isinstance(item, ReviewItem)]
    return found, pagination.encode(results.last_evaluated_key)


_SUMS = (
    "rating_sum",
    "rating_count",
    *(f"stars_{n}" for n in rules.STARS),
    *(f"{s}_{what}" for s in rules.SUB_RATINGS for what in ("sum", "count")),
)


def reputation_key(reviewee_type: str, reviewee_id: str) -> tuple[str, str]:
    return keys.reputation_pk(reviewee_type, reviewee_id), keys.REPUTATION_SK


def sums_of(item: ReputationItem | None) -> dict[str, int]:
    """The running sums (all zero before the first published review)."""
    if item is None:
        return dict.fromkeys(_SUMS, 0)
    return {name: int(getattr(item, name) or 0) for name in _SUMS}


def reputation(reviewee_type: str, reviewee_id: str) -> dict[str, int]:
    try:
        item = ReputationItem.get(*reputation_key(reviewee_type, reviewee_id))
    except ReputationItem.DoesNotExist:
        return sums_of(None)
    return sums_of(item)


def rating_of(reviewee_type: str, reviewee_id: str) -> dict[str, Any]:
    """The displayed rating from the running sums (one GetItem)."""
    sums = reputation(reviewee_type, reviewee_id)
    return {
        "rating_avg": rules.average(sums["rating_sum"], sums["rating_count"]),
        "rating_count": sums["rating_count"],
    }
