"""The rules of reviews, pure: who may review what and until when, whom a review is about,
who may see it, and what publishing or hiding it adds to the reviewee's running sums."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

# Airbnb's and Sharetribe's window: long enough to reflect, short enough to be remembered.
WINDOW = timedelta(days=14)
SUB_RATINGS = ("communication", "quality", "value", "punctuality")
STARS = (1, 2, 3, 4, 5)
MAX_COMMENT = 5000
MAX_REPLY = 2000
REVIEWABLE = ("booking", "contract")
COMPLETED = "completed"

CUSTOMER = "customer"
TALENT = "talent"
# Who a review is about: a customer reviews the talent (its profile), a talent the
# customer (a user).
REVIEWEE_TALENT = "talent"
REVIEWEE_USER = "user"


def other_role(role: str) -> str:
    return TALENT if role == CUSTOMER else CUSTOMER


def window_end(completed_at: datetime) -> datetime:
    return completed_at + WINDOW


def within_window(completed_at: datetime, now: datetime) -> bool:
    return now <= window_end(completed_at)


@dataclass(frozen=True)
class Reviewee:
    type: str  # talent | user
    id: str  # the talent id or the user id
    user_id: str  # the person behind it (notifications, replies)


def reviewee_of(role: str, customer_id: str, talent_id: str, talent_user_id: str) -> Reviewee:
    if role == CUSTOMER:
        return Reviewee(REVIEWEE_TALENT, talent_id, talent_user_id)
    return Reviewee(REVIEWEE_USER, customer_id, customer_id)


def contributions(rating: int, sub_ratings: Mapping[str, int], sign: int) -> dict[str, int]:
    """What one review adds to (sign 1) or takes from (sign -1) the reviewee's sums: the
    counter names of the reputation item and by how much each moves."""
    if rating not in STARS or sign not in (1, -1):
        raise ValueError("a rating is 1 to 5 stars; a review is added or removed")
    moves = {"rating_sum": sign * rating, "rating_count": sign, f"stars_{rating}": sign}
    for name, value in sub_ratings.items():
        if name not in SUB_RATINGS or value not in STARS:
            raise ValueError(f"unknown sub-rating {name}={value}")
        moves[f"{name}_sum"] = sign * value
        moves[f"{name}_count"] = sign
    return moves


def average(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


@dataclass(frozen=True)
class Visibility:
    published: bool
    hidden: bool
    author_id: str


def may_read(review: Visibility, viewer_id: str | None, viewer_is_admin: bool) -> bool:
    """Blind until published; a hidden review stays visible to its author (marked) and to
    the moderators, no one else."""
    if viewer_is_admin or (viewer_id is not None and viewer_id == review.author_id):
        return True
    return review.published and not review.hidden
