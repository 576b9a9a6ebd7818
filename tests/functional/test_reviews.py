"""Reviews: blind until both parties reviewed or the 14 days passed, then published
together with the sums; the rules of posting; the domain events."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.functional.deals import ADMIN, CUSTOMER, STRANGER, TALENT, book
from tests.functional.factories import count_items, create_service, create_talent
from tests.functional.reviewing import COMPLETED_AT, completed_booking, review, sweep
from tests.support import JsonClient

DAY = 24 * 3600


class EventBus:
    """EventBridge as the app's client sees it, recording PutEvents."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.entries.extend(Entries)
        return {"FailedEntryCount": 0, "Entries": [{"EventId": "e"} for _ in Entries]}

    def of(self, detail_type: str) -> list[dict[str, Any]]:
        return [json.loads(e["Detail"]) for e in self.entries if e["DetailType"] == detail_type]


@pytest.fixture
def bus(stack: Any) -> EventBus:
    from chalicelib import clients

    recorder = EventBus()
    clients.override("events", recorder)
    return recorder


def _seen_by(api: JsonClient, review_id: str) -> dict[str, int]:
    return {
        who: api.get(f"/v1/reviews/{review_id}", as_user=who).status
        for who in (CUSTOMER, TALENT, STRANGER, ADMIN)
    } | {"anonymous": api.get(f"/v1/reviews/{review_id}").status}


def test_blind_until_both_reviewed_then_published_together(
    api: JsonClient, frozen_clock: Any, bus: EventBus
) -> None:
    booking = completed_booking(api, frozen_clock)
    talent_id = booking["talent_id"]
    first = review(
        api,
        CUSTOMER,
        booking["id"],
        rating=4,
        sub_ratings={"communication": 5, "quality": 3},
        comment="Great show, call me on 0770 123 4567",
    )
    assert first.status == 201, first.body
    assert first.body["published"] is False and first.body["published_at"] is None
    assert "0770" not in first.body["comment"]
    assert _seen_by(api, first.body["id"]) == {
        CUSTOMER: 200,
        TALENT: 404,
        STRANGER: 404,
        ADMIN: 200,
        "anonymous": 404,
    }
    listed = api.get(f"/v1/talent/{talent_id}/reviews").body
    assert listed["items"] == [] and listed["rating_count"] == 0
    assert api.get(f"/v1/talent/{talent_id}").body["rating_count"] == 0
    received = bus.of("review.received")
    assert [e["review_id"] for e in received] == [first.body["id"]]
    assert set(received[0]) == {"event_id", "review_id", "author_id", "reviewee_id", "subject"}
    assert received[0]["subject"] == {"type": "booking", "id": booking["id"]}
    assert bus.of("review.published") == []

    frozen_clock.advance(3 * DAY)
    second = review(api, TALENT, booking["id"], rating=5, comment="Lovely hosts")
    assert second.status == 201, second.body
    assert second.body["published"] is True
    now = api.get(f"/v1/reviews/{first.body['id']}", as_user=STRANGER)
    assert now.status == 200 and now.body["published_at"] == second.body["published_at"]
    assert _seen_by(api, second.body["id"])["anonymous"] == 200

    page = api.get(f"/v1/talent/{talent_id}/reviews").body
    assert [r["id"] for r in page["items"]] == [first.body["id"]]
    assert page["rating_avg"] == 4.0 and page["rating_count"] == 1
    assert page["summary"]["histogram"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    assert page["summary"]["sub_ratings"] == {
        "communication": 5.0,
        "quality": 3.0,
        "value": None,
        "punctuality": None,
    }
    customer_id = first.body["author_id"]
    of_customer = api.get(f"/v1/users/{customer_id}/reviews").body
    assert [r["id"] for r in of_customer["items"]] == [second.body["id"]]
    assert of_customer["rating_avg"] == 5.0
    profile = api.get(f"/v1/talent/{talent_id}").body
    assert (profile["rating_avg"], profile["rating_count"]) == (4.0, 1)
    assert sorted(e["review_id"] for e in bus.of("review.published")) == sorted(
        [first.body["id"], second.body["id"]]
    )
    assert not any(t.startswith("review-window") for t in _timer_ids())
    tampered = api.get(f"/v1/talent/{talent_id}/reviews?cursor=not-a-cursor")
    assert tampered.status == 400 and tampered.error_code == "VALIDATION_ERROR"
    from chalicelib.models import keys, pagination

    other_list = {"GSI1PK": {"S": keys.reviews_of_gsi1pk("user", customer_id)}}
    foreign = api.get(f"/v1/talent/{talent_id}/reviews?cursor={pagination.encode(other_list)}")
    assert foreign.status == 400  # another list's cursor
    # Search follows through the outbox timer written with the sums (the next sweep).
    sweep()
    cards = api.get("/v1/search/talent?category=fire-led.fire-performer").body["items"]
    assert [(c["id"], c["rating_avg"], c["rating_count"]) for c in cards] == [(talent_id, 4.0, 1)]


def _timer_ids() -> list[str]:
    from chalicelib import clients
    from chalicelib.settings import get_settings

    pages = (
        clients.client("dynamodb")
        .get_paginator("scan")
        .paginate(
            TableName=get_settings().table_name,
            FilterExpression="kind = :kind",
            ExpressionAttributeValues={":kind": {"S": "timer"}},
        )
    )
    return [item["timer_id"]["S"] for page in pages for item in page["Items"]]


def test_the_window_closes_on_day_14_by_the_timer_and_day_15_is_refused(
    api: JsonClient, frozen_clock: Any, bus: EventBus
) -> None:
    booking = completed_booking(api, frozen_clock)
    posted = review(api, CUSTOMER, booking["id"], rating=2)
    assert posted.status == 201
    assert f"review-window-booking-{booking['id']}" in _timer_ids()

    frozen_clock.set(COMPLETED_AT + timedelta(days=13, hours=23))
    sweep()
    assert api.get(f"/v1/reviews/{posted.body['id']}", as_user=TALENT).status == 404

    frozen_clock.set(COMPLETED_AT + timedelta(days=14, minutes=1))
    sweep()
    seen = api.get(f"/v1/reviews/{posted.body['id']}", as_user=TALENT)
    assert seen.status == 200 and seen.body["published"] is True
    profile = api.get(f"/v1/talent/{booking['talent_id']}").body
    assert (profile["rating_avg"], profile["rating_count"]) == (2.0, 1)
    assert [e["review_id"] for e in bus.of("review.published")] == [posted.body["id"]]
    sweep()  # the timer fired once: a second sweep publishes nothing again
    assert len(bus.of("review.published")) == 1

    frozen_clock.set(COMPLETED_AT + timedelta(days=15))
    late = review(api, TALENT, booking["id"], rating=5)
    assert late.status == 409 and late.error_code == "CONFLICT"
    assert count_items("review") == 1
    assert api.get(f"/v1/users/{posted.body['author_id']}/reviews").body["items"] == []


def test_a_window_without_reviews_publishes_nothing_and_day_15_is_refused(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking = completed_booking(api, frozen_clock)
    frozen_clock.set(COMPLETED_AT + timedelta(days=15))
    assert review(api, CUSTOMER, booking["id"]).status == 409
    assert count_items("review") == 0 and count_items("review_slot") == 0


def test_posting_rules_refuse_and_store_nothing(api: JsonClient, frozen_clock: Any) -> None:
    talent = create_talent(api, TALENT)
    service = create_service(api, TALENT, talent["id"])
    open_booking = book(api, service["id"])
    assert review(api, CUSTOMER, open_booking["id"]).status == 409  # not completed
    booking = completed_booking(
        api, frozen_clock, talent_id=talent["id"], start="2026-12-12T18:00:00Z"
    )
    refusals = [
        (review(api, CUSTOMER, booking["id"], rating=0), 400),
        (review(api, CUSTOMER, booking["id"], rating=6), 400),
        (review(api, CUSTOMER, booking["id"], rating=4.5), 400),
        (review(api, CUSTOMER, booking["id"], comment="x" * 5001), 400),
        (review(api, CUSTOMER, booking["id"], sub_ratings={"charm": 5}), 400),
        (review(api, CUSTOMER, booking["id"], sub_ratings={"value": 9}), 400),
        (review(api, CUSTOMER, booking["id"], subject_type="proposal"), 400),
        (review(api, STRANGER, booking["id"]), 404),
        (review(api, ADMIN, booking["id"]), 403),
        (review(api, CUSTOMER, "01ARZ3NDEKTSV4RRFFQ69G5FAV"), 404),
        (review(api, CUSTOMER, "not-an-id"), 404),
        (review(api, CUSTOMER, booking["id"], subject_type="contract"), 404),
    ]
    for reply, status in refusals:
        assert reply.status == status, reply.body
    assert (
        api.post(
            "/v1/reviews",
            json_body={"subject": {"type": "booking", "id": booking["id"]}, "rating": 5},
        ).status
        == 401
    )
    assert count_items("review") == 0 and count_items("review_slot") == 0
    assert review(api, CUSTOMER, booking["id"], comment="x" * 5000).status == 201
    again = review(api, CUSTOMER, booking["id"], rating=1)
    assert again.status == 409 and again.error_code == "CONFLICT"
    assert count_items("review") == 1


def test_talent_see_the_customers_rating_on_a_booking_request(
    api: JsonClient, frozen_clock: Any
) -> None:
    first = completed_booking(api, frozen_clock)
    unrated = book(
        api, create_service(api, TALENT, first["talent_id"])["id"], start="2026-12-20T18:00:00Z"
    )
    assert unrated["customer_rating"] == {"rating_avg": None, "rating_count": 0}
    assert review(api, TALENT, first["id"], rating=4).status == 201
    assert review(api, CUSTOMER, first["id"], rating=5).status == 201
    service = create_service(api, TALENT, first["talent_id"])
    requested = book(api, service["id"], start="2026-12-21T18:00:00Z")
    seen = api.get(f"/v1/bookings/{requested['id']}", as_user=TALENT).body
    assert seen["customer_rating"] == {"rating_avg": 4.0, "rating_count": 1}


def test_a_completed_contract_is_reviewed_both_ways(api: JsonClient, frozen_clock: Any) -> None:
    from tests.functional.deals import contract, system, take

    deal = contract(api, amounts=(1000,))
    milestone = deal["milestones"][0]["id"]
    active = review(api, CUSTOMER, deal["id"], subject_type="contract")
    assert active.status == 409 and count_items("review") == 0
    system("milestone", milestone, "payment_succeeded", payment_id="p")
    assert take(api, "milestones", milestone, "submit", TALENT, note="done").status == 200
    assert take(api, "milestones", milestone, "accept", CUSTOMER).body["state"] == "released"
    assert api.get(f"/v1/contracts/{deal['id']}", as_user=CUSTOMER).body["state"] == "completed"
    by_customer = review(api, CUSTOMER, deal["id"], rating=5, subject_type="contract")
    assert by_customer.status == 201 and by_customer.body["reviewee"]["type"] == "talent"
    by_talent = review(api, TALENT, deal["id"], rating=3, subject_type="contract")
    assert by_talent.status == 201 and by_talent.body["published"] is True
    assert by_talent.body["reviewee"] == {
        "type": "user",
        "id": by_customer.body["author_id"],
        "user_id": by_customer.body["author_id"],
    }
    assert api.get(f"/v1/talent/{deal['talent_id']}").body["rating_count"] == 1


def test_an_idempotent_retry_of_a_post_makes_no_second_review(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking = completed_booking(api, frozen_clock)
    body = {"subject": {"type": "booking", "id": booking["id"]}, "rating": 5}
    headers = {"Idempotency-Key": "review-once"}
    first = api.post("/v1/reviews", as_user=CUSTOMER, json_body=body, headers=headers)
    again = api.post("/v1/reviews", as_user=CUSTOMER, json_body=body, headers=headers)
    assert first.status == again.status == 201
    assert again.body == first.body and again.headers.get("Idempotent-Replayed") == "true"
    assert count_items("review") == 1
