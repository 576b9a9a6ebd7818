"""Relevance ingredients: the Bayesian rating, the quality score and the sort keys."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.ranking import (
    QUALITY_SCALE,
    ascending_key,
    bayesian_rating,
    inverted_key,
    quality_score,
)

FAST = settings(max_examples=200, deadline=None)


@st.composite
def ratings(draw: st.DrawFn) -> tuple[int, int]:
    count = draw(st.integers(0, 5000))
    return draw(st.integers(count, 5 * count)), count


@st.composite
def requests(draw: st.DrawFn) -> tuple[int, int]:
    received = draw(st.integers(0, 10_000))
    return received, draw(st.integers(0, received))


COMPLETED = st.integers(0, 100_000)
DAYS = st.integers(0, 14)


# --- bayesian_rating -----------------------------------------------------------------


def test_one_five_star_review_does_not_beat_a_long_record() -> None:
    # GIVEN one talent with a single 5-star review and one with 200 reviews averaging 4.8
    newcomer = bayesian_rating(5, 1)
    veteran = bayesian_rating(960, 200)
    # WHEN both are rated with the prior
    # THEN the long record ranks higher
    assert newcomer == pytest.approx(4.09, abs=0.005)
    assert veteran == pytest.approx(4.76, abs=0.005)
    assert veteran > newcomer


def test_no_reviews_give_the_prior_and_many_reviews_their_own_mean() -> None:
    assert bayesian_rating(0, 0) == 4.0
    assert bayesian_rating(0, 0, prior_mean=3.5) == 3.5
    assert bayesian_rating(2 * 100_000, 100_000) == pytest.approx(2.0, abs=0.001)
    assert bayesian_rating(5, 1, prior_weight=0) == 5.0


@pytest.mark.parametrize(
    ("rating_sum", "rating_count", "prior_weight"),
    [(-1, 0, 10), (6, 1, 10), (1, -1, 10), (0, 0, 0), (5, 1, -1)],
)
def test_bayesian_rating_refuses_impossible_ratings(
    rating_sum: int, rating_count: int, prior_weight: int
) -> None:
    with pytest.raises(ValueError):
        bayesian_rating(rating_sum, rating_count, prior_weight=prior_weight)


@FAST
@given(ratings())
def test_the_bayesian_rating_lies_between_the_prior_and_the_mean(rated: tuple[int, int]) -> None:
    rating_sum, count = rated
    value = bayesian_rating(rating_sum, count)
    mean = rating_sum / count if count else 4.0
    assert min(mean, 4.0) - 1e-9 <= value <= max(mean, 4.0) + 1e-9


# --- quality_score -------------------------------------------------------------------


def test_quality_of_a_newcomer_and_of_a_perfect_record() -> None:
    # GIVEN a newcomer: no reviews, no jobs, no requests, no availability
    # THEN 0.55 * 4/5 + 0 + 0.15 * 0.5 + 0 = 0.515
    assert quality_score(0, 0, 0, 0, 0, 0) == 515_000
    # GIVEN the best possible record THEN (almost) the full scale
    assert quality_score(5 * 10**9, 10**9, 200, 10, 10, 14) == QUALITY_SCALE


def test_quality_follows_the_documented_formula() -> None:
    # 40 reviews summing 180 (4.5 mean), 20 jobs, 9 of 12 requests answered, 7 days free
    bayes = (4.0 * 10 + 180) / (10 + 40)
    expected = (
        0.55 * bayes / 5 + 0.20 * math.log(21) / math.log(201) + 0.15 * 9 / 12 + 0.10 * 7 / 14
    )
    assert quality_score(180, 40, 20, 12, 9, 7) == round(expected * 1_000_000)


def test_experience_stops_counting_at_two_hundred_jobs() -> None:
    assert quality_score(0, 0, 200, 0, 0, 0) == quality_score(0, 0, 5000, 0, 0, 0)
    assert quality_score(0, 0, 199, 0, 0, 0) < quality_score(0, 0, 200, 0, 0, 0)


def test_a_long_record_outranks_a_single_perfect_review() -> None:
    newcomer = quality_score(5, 1, 1, 1, 1, 14)
    veteran = quality_score(960, 200, 1, 1, 1, 14)
    assert veteran > newcomer


@pytest.mark.parametrize(
    "arguments",
    [
        (0, 0, -1, 0, 0, 0),
        (0, 0, 0, 1, 2, 0),
        (0, 0, 0, 0, -1, 0),
        (0, 0, 0, 0, 0, 15),
        (0, 0, 0, 0, 0, -1),
        (6, 1, 0, 0, 0, 0),
    ],
)
def test_quality_refuses_impossible_counters(arguments: tuple[int, ...]) -> None:
    with pytest.raises(ValueError):
        quality_score(*arguments)


@FAST
@given(ratings(), COMPLETED, requests(), DAYS)
def test_quality_is_an_integer_on_the_scale(
    rated: tuple[int, int], completed: int, asked: tuple[int, int], days: int
) -> None:
    score = quality_score(*rated, completed, *asked, days)
    assert isinstance(score, int)
    assert 0 <= score <= QUALITY_SCALE


@FAST
@given(ratings(), COMPLETED, st.integers(1, 1000), requests(), DAYS)
def test_more_completed_jobs_never_lower_quality(
    rated: tuple[int, int], completed: int, more: int, asked: tuple[int, int], days: int
) -> None:
    assert quality_score(*rated, completed + more, *asked, days) >= quality_score(
        *rated, completed, *asked, days
    )


@FAST
@given(ratings(), st.integers(1, 100), COMPLETED, requests(), DAYS)
def test_a_higher_rating_with_the_same_count_never_lowers_quality(
    rated: tuple[int, int], raise_by: int, completed: int, asked: tuple[int, int], days: int
) -> None:
    rating_sum, count = rated
    better = min(5 * count, rating_sum + raise_by)
    assert quality_score(better, count, completed, *asked, days) >= quality_score(
        rating_sum, count, completed, *asked, days
    )


@FAST
@given(ratings(), COMPLETED, requests(), DAYS)
def test_answering_one_more_request_never_lowers_quality(
    rated: tuple[int, int], completed: int, asked: tuple[int, int], days: int
) -> None:
    received, answered = asked
    if answered < received:
        assert quality_score(*rated, completed, received, answered + 1, days) >= quality_score(
            *rated, completed, received, answered, days
        )


@FAST
@given(ratings(), COMPLETED, requests(), st.integers(0, 13))
def test_one_more_available_day_never_lowers_quality(
    rated: tuple[int, int], completed: int, asked: tuple[int, int], days: int
) -> None:
    assert quality_score(*rated, completed, *asked, days + 1) >= quality_score(
        *rated, completed, *asked, days
    )


@FAST
@given(ratings(), COMPLETED, requests(), DAYS)
def test_another_five_star_review_never_lowers_quality(
    rated: tuple[int, int], completed: int, asked: tuple[int, int], days: int
) -> None:
    rating_sum, count = rated
    assert quality_score(rating_sum + 5, count + 1, completed, *asked, days) >= quality_score(
        rating_sum, count, completed, *asked, days
    )


# --- sort keys -----------------------------------------------------------------------


def test_inverted_key_examples() -> None:
    assert inverted_key(0) == "9999999"
    assert inverted_key(1_000_000) == "8999999"
    assert inverted_key(9_999_999) == "0000000"
    assert inverted_key(42, width=3) == "957"


def test_ascending_key_examples() -> None:
    assert ascending_key(0) == "000000000000"
    assert ascending_key(12_500) == "000000012500"
    assert ascending_key(7, width=2) == "07"


@pytest.mark.parametrize(("value", "width"), [(-1, 7), (10_000_000, 7), (100, 2), (0, 0)])
def test_keys_refuse_values_that_do_not_fit(value: int, width: int) -> None:
    with pytest.raises(ValueError):
        inverted_key(value, width)
    with pytest.raises(ValueError):
        ascending_key(value, width)


@FAST
@given(st.integers(0, 9_999_999), st.integers(0, 9_999_999))
def test_inverted_keys_sort_in_descending_order_of_value(a: int, b: int) -> None:
    key_a, key_b = inverted_key(a), inverted_key(b)
    assert len(key_a) == len(key_b) == 7
    assert (key_a < key_b) == (a > b)
    assert (key_a == key_b) == (a == b)


@FAST
@given(st.integers(0, 10**12 - 1), st.integers(0, 10**12 - 1))
def test_ascending_keys_sort_in_order_of_value(a: int, b: int) -> None:
    key_a, key_b = ascending_key(a), ascending_key(b)
    assert len(key_a) == len(key_b) == 12
    assert (key_a < key_b) == (a < b)
    assert (key_a == key_b) == (a == b)


@FAST
@given(st.lists(st.integers(0, QUALITY_SCALE), max_size=30))
def test_sorting_by_inverted_key_is_sorting_by_score_descending(scores: list[int]) -> None:
    assert sorted(scores, key=inverted_key) == sorted(scores, reverse=True)
