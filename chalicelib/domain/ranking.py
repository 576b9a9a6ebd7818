"""The relevance ingredients of talent search, and the string keys that sort by them.

Quality, the relevance score, is a weighted sum of four signals, each scaled to 0..1:

- rating (55 %): the Bayesian rating out of 5 — the average of the talent's reviews after
  adding `prior_weight` imaginary reviews of `prior_mean` stars. A raw average would put a
  talent with a single 5-star review above one with 200 reviews averaging 4.8; with the
  prior, the single review scores 4.09 and the long record 4.76. The fewer the reviews, the
  closer to the prior; a long record speaks for itself.
- experience (20 %): completed jobs on a log scale, ln(1 + completed) / ln(1 + 200), capped
  at 1, so the first jobs count most and 200 is "fully experienced".
- responsiveness (15 %): the share of booking requests answered; 0.5 before any request,
  neither rewarding nor punishing a newcomer.
- availability (10 %): the share of the next 14 days the talent is available.

The sum is scaled to an integer in 0..1,000,000 because it becomes a DynamoDB sort key.
Each signal is non-decreasing in what it measures and floating-point addition, scaling and
rounding are monotonic, so more of any good thing never lowers the score.
"""

from __future__ import annotations

import math

MAX_STARS = 5
QUALITY_SCALE = 1_000_000
# Weights in millionths of the score; they add up to QUALITY_SCALE.
RATING_WEIGHT = 550_000
EXPERIENCE_WEIGHT = 200_000
RESPONSE_WEIGHT = 150_000
AVAILABILITY_WEIGHT = 100_000
EXPERIENCED_AT = 200  # completed jobs for the full experience signal
AVAILABILITY_DAYS = 14
NO_REQUESTS_RESPONSE_RATE = 0.5


def bayesian_rating(
    rating_sum: int, rating_count: int, prior_mean: float = 4.0, prior_weight: int = 10
) -> float:
    """The mean rating with `prior_weight` reviews of `prior_mean` stars added: one 5-star
    review gives 4.09, 200 reviews averaging 4.8 give 4.76; no reviews give the prior."""
    if rating_count < 0 or not 0 <= rating_sum <= MAX_STARS * rating_count:
        raise ValueError("ratings must be 0 to 5 stars each")
    if prior_weight < 0 or prior_weight + rating_count == 0:
        raise ValueError("prior_weight must be >= 0, and > 0 while there are no reviews")
    return (prior_mean * prior_weight + rating_sum) / (prior_weight + rating_count)


# The six counters are positional, as the search index and its tests call it.
def quality_score(  # noqa: PLR0917
    rating_sum: int,
    rating_count: int,
    completed_count: int,
    requests_received: int,
    requests_answered: int,
    available_days_next_14: int,
) -> int:
    """The relevance score, 0..1,000,000 (see the module docstring)."""
    if completed_count < 0:
        raise ValueError("completed_count must be >= 0")
    if not 0 <= requests_answered <= requests_received:
        raise ValueError("requests_answered must be 0 to requests_received")
    if not 0 <= available_days_next_14 <= AVAILABILITY_DAYS:
        raise ValueError(f"available_days_next_14 must be 0 to {AVAILABILITY_DAYS}")
    rating = bayesian_rating(rating_sum, rating_count) / MAX_STARS
    experience = min(1.0, math.log1p(completed_count) / math.log1p(EXPERIENCED_AT))
    response = (
        requests_answered / requests_received if requests_received else NO_REQUESTS_RESPONSE_RATE
    )
    availability = available_days_next_14 / AVAILABILITY_DAYS
    score = (
        RATING_WEIGHT * rating
        + EXPERIENCE_WEIGHT * experience
        + RESPONSE_WEIGHT * response
        + AVAILABILITY_WEIGHT * availability
    )
    return min(QUALITY_SCALE, max(0, round(score)))


def _check_key(value: int, width: int) -> None:
    if width < 1 or not 0 <= value < 10**width:
        raise ValueError(f"{value} does not fit a {width}-digit key")


def inverted_key(value: int, width: int = 7) -> str:
    """A fixed-width digit string that sorts in DESCENDING order of value when the strings
    sort ascending (DynamoDB reads a sort key forwards): 10**width - 1 - value, zero-padded.
    The default width holds any quality score."""
    _check_key(value, width)
    return str(10**width - 1 - value).zfill(width)


def ascending_key(value: int, width: int = 12) -> str:
    """A fixed-width digit string that sorts in ascending order of value: value, zero-padded
    (12 digits hold any amount in minor units we will see)."""
    _check_key(value, width)
    return str(value).zfill(width)
