"""The reviewee's running sums equal a recount of its visible reviews after any sequence of
publications, hides and restorations (hypothesis), read back through the API's pages."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib import clock, ids
from chalicelib.domain import reviews as rules
from chalicelib.errors import ConflictError
from chalicelib.models import review_items
from chalicelib.models.writes import Writes
from chalicelib.usecases.reviews import moderation
from tests.functional.factories import create_talent
from tests.support import JsonClient

_talents = itertools.count()

sub_ratings = st.dictionaries(st.sampled_from(rules.SUB_RATINGS), st.integers(1, 5), max_size=4)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("publish"), st.integers(1, 5), sub_ratings),
        st.tuples(st.sampled_from(["hide", "restore"]), st.integers(0, 20), st.just({})),
    ),
    min_size=1,
    max_size=14,
)


def _publish(talent: dict[str, Any], rating: int, subs: dict[str, int]) -> str:
    """Stored as a post stores the second review of a subject: published on arrival."""
    now = clock.now()
    review = review_items.Review(
        id=ids.new_id(),
        subject_type="booking",
        subject_id=ids.new_id(),
        author_id=ids.new_id(),
        author_role=rules.CUSTOMER,
        reviewee=rules.Reviewee(rules.REVIEWEE_TALENT, talent["id"], talent["owner_user_id"]),
        rating=rating,
        sub_ratings=subs,
        comment=None,
        masked=False,
        created_at=now,
        published_at=now,
    )
    writes = Writes()
    review_items.create_in(writes, review)
    writes.commit("test publication")
    return review.id


def _all_pages(api: JsonClient, talent_id: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    first = api.get(f"/v1/talent/{talent_id}/reviews?limit=3").body
    found, cursor = list(first["items"]), first["next_cursor"]
    while cursor:
        page = api.get(f"/v1/talent/{talent_id}/reviews?limit=3&cursor={cursor}")
        assert page.body["summary"] is None
        found += page.body["items"]
        cursor = page.body["next_cursor"]
    return found, first


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_sums_equal_a_recount_after_any_publish_hide_restore(
    api: JsonClient, frozen_clock: Any, ops: list[tuple[str, int, dict[str, int]]]
) -> None:
    talent = create_talent(api, f"prop-{next(_talents)}@example.com")
    talent["owner_user_id"] = talent["user_id"]
    reviews: list[str] = []
    hidden: set[str] = set()
    for op, value, subs in ops:
        frozen_clock.advance(60)
        if op == "publish":
            reviews.append(_publish(talent, value, subs))
            continue
        if not reviews:
            continue
        target = reviews[value % len(reviews)]
        should_work = (target in hidden) == (op == "restore")
        try:
            getattr(moderation, op)(target)
        except ConflictError:
            assert not should_work
            continue
        assert should_work
        (hidden.add if op == "hide" else hidden.discard)(target)

    listed, first = _all_pages(api, talent["id"])
    assert sorted(r["id"] for r in listed) == sorted(set(reviews) - hidden)
    assert [r["published_at"] for r in listed] == sorted(
        (r["published_at"] for r in listed), reverse=True
    )
    stars = [r["rating"] for r in listed]
    assert first["rating_count"] == len(stars)
    assert first["rating_avg"] == rules.average(sum(stars), len(stars))
    histogram = Counter(stars)
    assert first["summary"]["histogram"] == {str(n): histogram[n] for n in rules.STARS}
    for name in rules.SUB_RATINGS:
        given_values = [r["sub_ratings"][name] for r in listed if name in r["sub_ratings"]]
        expected = rules.average(sum(given_values), len(given_values))
        assert first["summary"]["sub_ratings"][name] == expected
    profile = api.get(f"/v1/talent/{talent['id']}").body
    assert (profile["rating_avg"], profile["rating_count"]) == (
        rules.average(sum(stars), len(stars)),
        len(stars),
    )
