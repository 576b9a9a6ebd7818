"""Reviews under concurrency: 20 simultaneous posts of one party make one review (the
others 409), and the two parties posting at once still end with both published together."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

from chalicelib.auth.principal import Principal, roles_for
from chalicelib.errors import ConflictError
from chalicelib.models import user as users
from chalicelib.schemas.reviews import ReviewCreate
from chalicelib.usecases.reviews import writing
from tests.functional.deals import CUSTOMER, TALENT
from tests.functional.factories import count_items
from tests.functional.reviewing import completed_booking
from tests.issuer import ISSUER
from tests.support import JsonClient

RACERS = 20


def _principal(api: JsonClient, email: str) -> Principal:
    api.get("/v1/me", as_user=email)
    user = users.get_by_identity(ISSUER, f"sub-{email}")
    assert user is not None
    return Principal(user=user, roles=roles_for(user))


def _race(calls: list[Any]) -> list[Any]:
    barrier = Barrier(len(calls))

    def run(call: Any) -> Any:
        barrier.wait()
        try:
            return call()
        except ConflictError as error:
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _body(booking_id: str, rating: int) -> ReviewCreate:
    return ReviewCreate.model_validate(
        {"subject": {"type": "booking", "id": booking_id}, "rating": rating}
    )


def test_twenty_simultaneous_posts_of_one_party_make_one_review(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking = completed_booking(api, frozen_clock)
    customer = _principal(api, CUSTOMER)
    results = _race(
        [lambda n=n: writing.post(customer, _body(booking["id"], 1 + n % 5)) for n in range(RACERS)]
    )
    won = [r for r in results if not isinstance(r, ConflictError)]
    assert len(won) == 1
    assert sum(isinstance(r, ConflictError) for r in results) == RACERS - 1
    assert count_items("review") == 1 and count_items("review_slot") == 1
    stored = api.get(f"/v1/reviews/{won[0].id}", as_user=CUSTOMER).body
    assert stored["rating"] == won[0].rating and stored["published"] is False


def test_both_parties_racing_end_published_together(api: JsonClient, frozen_clock: Any) -> None:
    booking = completed_booking(api, frozen_clock)
    customer, talent = _principal(api, CUSTOMER), _principal(api, TALENT)
    calls = [
        (lambda who=who: writing.post(who, _body(booking["id"], 4)))
        for who in [customer, talent] * (RACERS // 2)
    ]
    results = _race(calls)
    won = [r for r in results if not isinstance(r, ConflictError)]
    assert sorted(r.author_role for r in won) == ["customer", "talent"]
    assert count_items("review") == 2
    for review in won:
        seen = api.get(f"/v1/reviews/{review.id}").body
        assert seen["published"] is True, seen
    profile = api.get(f"/v1/talent/{booking['talent_id']}").body
    assert (profile["rating_avg"], profile["rating_count"]) == (4.0, 1)
