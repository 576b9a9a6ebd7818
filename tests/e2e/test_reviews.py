"""Reviews on the local stack, over HTTP: book, pay through a provider's sandbox, complete,
both parties review (blind until the second), both published together, and after the
sweep (/dev/tick: the search outbox timer) the talent's card in search shows the rating."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _ok(response: requests.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (response.request.url, response.text)
    body: dict[str, Any] = response.json()
    return body


def _now(devstack: RunningStack) -> datetime:
    text = _ok(devstack.sandbox("GET", "/dev/clock"))["now"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _completed_booking(devstack: RunningStack, word: str) -> tuple[str, str, str, str]:
    """(talent token, talent id, customer token, booking id), paid with FIB's sandbox."""
    talent = devstack.token(f"review-talent-{word}@example.com")
    profile = _ok(
        devstack.api(
            "POST",
            "/v1/talent",
            talent,
            json={
                "display_name": f"Reviewed {word}",
                "categories": ["music.dj"],
                "location": {"city": "Basra", "country": "IQ", "lat": 30.5, "lng": 47.8},
                "timezone": "Asia/Baghdad",
            },
        ),
        201,
    )
    service = _ok(
        devstack.api(
            "POST",
            f"/v1/talent/{profile['id']}/services",
            talent,
            json={
                "title": "DJ set, one hour",
                "category": "music.dj",
                "pricing": {"type": "fixed", "price": {"amount": 300000, "currency": "IQD"}},
                "duration_minutes": 60,
                "deposit_percent": 0,
            },
        ),
        201,
    )
    customer = devstack.token(f"review-customer-{word}@example.com")
    start = (_now(devstack) + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    booking = _ok(
        devstack.api(
            "POST",
            "/v1/bookings",
            customer,
            json={"service_id": service["id"], "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
        ),
        201,
    )
    _ok(devstack.api("POST", f"/v1/bookings/{booking['id']}/transitions/accept", talent))
    payment = _ok(
        devstack.api(
            "POST",
            "/v1/payments",
            customer,
            json={"subject": {"type": "booking", "id": booking["id"]}, "provider": "fib"},
            headers={"Idempotency-Key": f"pay-{booking['id']}"},
        ),
        201,
    )
    _ok(devstack.sandbox("POST", f"/fib/payments/{payment['provider_ref']}/complete"))
    _ok(devstack.sandbox("POST", "/dev/drain"))
    assert _ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))["state"] == (
        "confirmed"
    )
    advance = (start - _now(devstack)).total_seconds() + 2 * 3600
    _ok(devstack.sandbox("POST", "/dev/clock", json={"advance_seconds": advance}))
    _ok(devstack.sandbox("POST", "/dev/tick"))
    done = devstack.api(
        "POST", f"/v1/bookings/{booking['id']}/transitions/confirm_completion", customer
    )
    assert _ok(done)["state"] == "completed"
    return talent, str(profile["id"]), customer, str(booking["id"])


def test_book_pay_complete_both_review_both_published_and_search_shows_it(
    devstack: RunningStack,
) -> None:
    word = f"rv{uuid.uuid4().hex[:10]}"
    talent, talent_id, customer, booking_id = _completed_booking(devstack, word)
    subject = {"type": "booking", "id": booking_id}

    first = _ok(
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
    assert _ok(devstack.api("GET", f"/v1/talent/{talent_id}/reviews"))["items"] == []

    second = _ok(
        devstack.api("POST", "/v1/reviews", talent, json={"subject": subject, "rating": 4}),
        201,
    )
    assert second["published"] is True
    seen = _ok(devstack.api("GET", f"/v1/reviews/{first['id']}"))
    assert seen["published_at"] == second["published_at"]
    page = _ok(devstack.api("GET", f"/v1/talent/{talent_id}/reviews"))
    assert [r["id"] for r in page["items"]] == [first["id"]]
    assert (page["rating_avg"], page["rating_count"]) == (5.0, 1)
    of_customer = _ok(devstack.api("GET", f"/v1/users/{first['author_id']}/reviews"))
    assert [r["id"] for r in of_customer["items"]] == [second["id"]]

    _ok(devstack.sandbox("POST", "/dev/tick"))  # the search outbox timer reindexes the talent
    cards = _ok(devstack.api("GET", f"/v1/search/talent?q={word}"))["items"]
    assert [(c["id"], c["rating_avg"], c["rating_count"]) for c in cards] == [(talent_id, 5.0, 1)]


def test_a_lone_review_is_published_when_the_window_closes_on_the_moved_clock(
    devstack: RunningStack,
) -> None:
    word = f"rv{uuid.uuid4().hex[:10]}"
    talent, talent_id, customer, booking_id = _completed_booking(devstack, word)
    subject = {"type": "booking", "id": booking_id}
    lone = _ok(
        devstack.api("POST", "/v1/reviews", talent, json={"subject": subject, "rating": 2}), 201
    )
    _ok(devstack.sandbox("POST", "/dev/tick"))
    assert devstack.api("GET", f"/v1/reviews/{lone['id']}", customer).status_code == 404

    fifteen_days = 15 * 24 * 3600
    _ok(devstack.sandbox("POST", "/dev/clock", json={"advance_seconds": fifteen_days}))
    _ok(devstack.sandbox("POST", "/dev/tick"))
    seen = _ok(devstack.api("GET", f"/v1/reviews/{lone['id']}", customer))
    assert seen["published"] is True
    of_customer = _ok(devstack.api("GET", f"/v1/users/{lone['reviewee']['id']}/reviews"))
    assert (of_customer["rating_avg"], of_customer["rating_count"]) == (2.0, 1)
    late = devstack.api("POST", "/v1/reviews", customer, json={"subject": subject, "rating": 5})
    assert late.status_code == 409 and late.json()["error"]["code"] == "CONFLICT"
    assert _ok(devstack.api("GET", f"/v1/talent/{talent_id}/reviews"))["items"] == []
