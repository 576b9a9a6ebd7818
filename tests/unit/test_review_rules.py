"""The pure rules of reviews: the window, whom a review is about, what it adds to or takes
from the sums, and who may read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import reviews as rules

DONE = datetime(2026, 12, 10, 18, 5, tzinfo=UTC)


def test_the_window_is_fourteen_days_inclusive() -> None:
    assert rules.within_window(DONE, DONE)
    assert rules.within_window(DONE, DONE + timedelta(days=14))
    assert not rules.within_window(DONE, DONE + timedelta(days=14, seconds=1))
    assert rules.window_end(DONE) == DONE + timedelta(days=14)


def test_a_customer_reviews_the_talent_and_a_talent_the_customer() -> None:
    assert rules.reviewee_of(rules.CUSTOMER, "cust", "tal", "tal-user") == rules.Reviewee(
        "talent", "tal", "tal-user"
    )
    assert rules.reviewee_of(rules.TALENT, "cust", "tal", "tal-user") == rules.Reviewee(
        "user", "cust", "cust"
    )
    assert rules.other_role(rules.CUSTOMER) == rules.TALENT
    assert rules.other_role(rules.TALENT) == rules.CUSTOMER


def test_contributions_add_and_subtract_the_same() -> None:
    added = rules.contributions(4, {"quality": 2}, 1)
    assert added == {
        "rating_sum": 4,
        "rating_count": 1,
        "stars_4": 1,
        "quality_sum": 2,
        "quality_count": 1,
    }
    removed = rules.contributions(4, {"quality": 2}, -1)
    assert {name: added[name] + removed[name] for name in added} == dict.fromkeys(added, 0)


@pytest.mark.parametrize(
    ("rating", "subs", "sign"),
    [(0, {}, 1), (6, {}, 1), (3, {"charm": 3}, 1), (3, {"value": 0}, 1), (3, {}, 2)],
)
def test_contributions_refuse_what_cannot_be(rating: int, subs: dict[str, int], sign: int) -> None:
    with pytest.raises(ValueError):
        rules.contributions(rating, subs, sign)


def test_blind_until_published_hidden_to_all_but_author_and_admins() -> None:
    blind = rules.Visibility(published=False, hidden=False, author_id="a")
    assert rules.may_read(blind, "a", False) and rules.may_read(blind, "x", True)
    assert not rules.may_read(blind, "b", False) and not rules.may_read(blind, None, False)
    public = rules.Visibility(published=True, hidden=False, author_id="a")
    assert rules.may_read(public, None, False) and rules.may_read(public, "b", False)
    hidden = rules.Visibility(published=True, hidden=True, author_id="a")
    assert rules.may_read(hidden, "a", False) and rules.may_read(hidden, "x", True)
    assert not rules.may_read(hidden, "b", False) and not rules.may_read(hidden, None, False)


def test_average_is_none_without_reviews() -> None:
    assert rules.average(0, 0) is None
    assert rules.average(14, 3) == 4.67
