"""Reviews on the local stack, over HTTP: book, pay through a provider's sandbox, complete,
both parties review (blind until the second), both published together, and after the
sweep (/dev/tick: the search outbox timer) the talent's card in search shows the rating."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.flows import advance, confirmed_booking, instant, now, ok, tick, transition
from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _completed_booking(devstack: RunningStack, word: str) -> tuple[str, str, str, str]:
    """(talent token, talent id, customer token, booking id), paid with FIB's sandbox."""
    talent, customer, booking, _ = confirmed_booking(
        devstack, "fib", display_name=f"Reviewed {word}"
    )
    start = instant(booking["start"])
    advance(devstack, (start - now(devstack)).total_seconds() + 2 * 3600)
    tick(devstack)
    done = transition(devstack, customer, "bookings", booking["id"], "confirm_completion")
    assert done["state"] == "completed"
    return talent.token, talent.talent_id, customer, str(booking["id"])


def test_book_pay_complete_both_review_both_published_and_search_shows_it(
    devstack: RunningStack,
) -> None:
    word = f"rv{uuid.uuid4().hex[:10]}"
    talent, talent_id, customer, booking_id = _completed_booking(devstack, word)
    subject = {"type": "booking", "id": booking_id}

    first = ok(
        devstack.api(
            "POST",
            "/v1/reviews",
            customer,
            json={"subject": subject, "rating": 5, "sub_ratings": {"punctuality": 5}},
        ),
        201,
    )
    assert first["published"] is False
    assert devstack.api("GET", f"/v1/reviews/{first['id']}", talent).status_code == 404
    assert ok(devstack.api("GET", f"/v1/talent/{talent_id}/reviews"))["items"] == []

    second = ok(
        devstack.api("POST", "/v1/reviews", talent, json={"subject": subject, "rating": 4}),
        201,
    )
    assert second["published"] is True
    seen = ok(devstack.api("GET", f"/v1/reviews/{first['id']}"))
    assert seen["published_at"] == second["published_at"]
    page = ok(devstack.api("GET", f"/v1/talent/{talent_id}/reviews"))
    assert [r["id"] for r in page["items"]] == [first["id"]]
    assert (page["rating_avg"], page["rating_count"]) == (5.0, 1)
    of_customer = ok(devstack.api("GET", f"/v1/users/{first['author_id']}/reviews"))
    assert [r["id"] for r in of_customer["items"]] == [second["id"]]

    tick(devstack)  # the search outbox timer reindexes the talent
    cards = ok(devstack.api("GET", f"/v1/search/talent?q={word}"))["items"]
    assert [(c["id"], c["rating_avg"], c["rating_count"]) for c in cards] == [(talent_id, 5.0, 1)]


def test_a_lone_review_is_published_when_the_window_closes_on_the_moved_clock(
    devstack: RunningStack,
) -> None:
    word = f"rv{uuid.uuid4().hex[:10]}"
    talent, talent_id, customer, booking_id = _completed_booking(devstack, word)
    subject = {"type": "booking", "id": booking_id}
    lone = ok(
        devstack.api("POST", "/v1/reviews", talent, json={"subject": subject, "rating": 2}), 201
    )
    tick(devstack)
    assert devstack.api("GET", f"/v1/reviews/{lone['id']}", customer).status_code == 404

    fifteen_days = 15 * 24 * 3600
    advance(devstack, fifteen_days)
    tick(devstack)
    seen = ok(devstack.api("GET", f"/v1/reviews/{lone['id']}", customer))
    assert seen["published"] is True
    of_customer = ok(devstack.api("GET", f"/v1/users/{lone['reviewee']['id']}/reviews"))
    assert (of_customer["rating_avg"], of_customer["rating_count"]) == (2.0, 1)
    late = devstack.api("POST", "/v1/reviews", customer, json={"subject": subject, "rating": 5})
    assert late.status_code == 409 and late.json()["error"]["code"] == "CONFLICT"
    assert ok(devstack.api("GET", f"/v1/talent/{talent_id}/reviews"))["items"] == []
