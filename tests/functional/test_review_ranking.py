"""Published reviews move search: the rating sort follows the Bayesian rating that the
oracle computes from the published stars (domain/ranking.py, docs/search.md), and the
cards show the new rating_avg / rating_count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.domain import ranking
from tests.functional.deals import CUSTOMER, STRANGER
from tests.functional.factories import create_talent
from tests.functional.reviewing import completed_booking, review, sweep
from tests.support import JsonClient

SECOND_TALENT = "second-talent@example.com"


def _by_rating(api: JsonClient) -> list[dict[str, Any]]:
    reply = api.get("/v1/search/talent?category=fire-led.fire-performer&sort=rating")
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def _oracle(stars: dict[str, list[int]]) -> list[str]:
    """Highest Bayesian rating first; ties by id, as the index's sort key breaks them."""

    def key(talent_id: str) -> tuple[float, str]:
        given = stars[talent_id]
        return (-ranking.bayesian_rating(sum(given), len(given)), talent_id)

    return sorted(stars, key=key)


def test_published_stars_reorder_search_as_the_oracle_predicts(
    api: JsonClient, frozen_clock: Any
) -> None:
    one = create_talent(api, "talent@example.com")["id"]
    two = create_talent(api, SECOND_TALENT)["id"]
    stars: dict[str, list[int]] = {one: [], two: []}
    before = [card["id"] for card in _by_rating(api)]
    assert before == _oracle(stars)
    leader, follower = before

    # The follower gets five stars, the leader one: the oracle says they swap.
    emails = {one: "talent@example.com", two: SECOND_TALENT}
    first = completed_booking(api, frozen_clock, talent_email=emails[leader], talent_id=leader)
    second = completed_booking(
        api,
        frozen_clock,
        customer=STRANGER,
        talent_email=emails[follower],
        talent_id=follower,
        start="2026-12-12T18:00:00Z",
    )
    assert review(api, CUSTOMER, first["id"], rating=1).status == 201
    assert review(api, STRANGER, second["id"], rating=5).status == 201
    assert [card["id"] for card in _by_rating(api)] == before  # blind: nothing moved yet
    frozen_clock.advance(timedelta(days=15).total_seconds())
    sweep()  # both windows close: published, summed, reindexed
    stars[leader].append(1)
    stars[follower].append(5)

    after = _by_rating(api)
    assert [card["id"] for card in after] == _oracle(stars) == [follower, leader]
    cards = {card["id"]: card for card in after}
    assert (cards[follower]["rating_avg"], cards[follower]["rating_count"]) == (5.0, 1)
    assert (cards[leader]["rating_avg"], cards[leader]["rating_count"]) == (1.0, 1)
