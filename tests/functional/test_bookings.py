"""Service bookings through the booking process, over HTTP."""

from __future__ import annotations

from typing import Any

from tests.functional.deals import (
    ADMIN,
    CUSTOMER,
    STRANGER,
    TALENT,
    book,
    system,
    take,
    talent_with_service,
)
from tests.support import JsonClient


def test_request_copies_price_policy_and_deposit(api: JsonClient, frozen_clock: Any) -> None:
    talent, service = talent_with_service(api)
    booking = book(api, service["id"], event_type="wedding", guest_count=200)
    assert booking["state"] == "requested"
    assert booking["price"] == {"amount": 300000, "currency": "IQD"}
    assert booking["deposit"] == {"amount": 90000, "currency": "IQD"}
    assert booking["cancellation_policy"] == "moderate"
    assert booking["talent_id"] == talent["id"]
    assert booking["start"] == "2026-12-10T18:00:00Z"
    assert booking["end"] == "2026-12-10T18:20:00Z"
    assert booking["days"] == ["2026-12-10"]
    assert set(booking["allowed_transitions"]) == {"cancel"}
    seen_by_talent = api.get(f"/v1/bookings/{booking['id']}", as_user=TALENT).body
    assert set(seen_by_talent["allowed_transitions"]) == {"accept", "quote", "decline"}


def test_happy_path_to_completion(api: JsonClient, frozen_clock: Any) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).body["state"] == "accepted"
    system("booking", booking["id"], "payment_succeeded", payment_id="pay_1")
    frozen_clock.set(__import__("datetime").datetime.fromisoformat("2026-12-10T18:05:00+00:00"))
    delivered = take(api, "bookings", booking["id"], "mark_delivered", TALENT)
    assert delivered.status == 200, delivered.body
    done = take(api, "bookings", booking["id"], "confirm_completion", CUSTOMER)
    assert done.body["state"] == "completed"
    events = api.get(f"/v1/bookings/{booking['id']}/events", as_user=CUSTOMER).body["items"]
    assert [e["transition"] for e in events] == [
        "create",
        "accept",
        "payment_succeeded",
        "mark_delivered",
        "confirm_completion",
    ]
    assert [e["to"] for e in events][-1] == "completed"
    assert events[1]["actor"] == "talent" and events[2]["actor"] == "system"


def test_wrong_actor_is_403_wrong_state_409_stranger_404(
    api: JsonClient, frozen_clock: Any
) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    assert take(api, "bookings", booking["id"], "accept", CUSTOMER).status == 403
    assert take(api, "bookings", booking["id"], "accept_quote", CUSTOMER).status == 409
    assert take(api, "bookings", booking["id"], "accept", STRANGER).status == 404
    assert take(api, "bookings", booking["id"], "payment_succeeded", ADMIN).status == 403
    assert take(api, "bookings", booking["id"], "nonsense", TALENT).status == 404
    after = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert (after["state"], after["version"]) == ("requested", 1)


def test_dry_run_writes_nothing(api: JsonClient, frozen_clock: Any) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    reply = api.post(
        f"/v1/bookings/{booking['id']}/transitions/quote?dry_run=true",
        as_user=TALENT,
        json_body={"price": {"amount": 350000, "currency": "IQD"}},
    )
    assert reply.status == 200, reply.body
    assert reply.body["state"] == "quoted" and reply.body["dry_run"] is True
    assert reply.body["price"]["amount"] == 350000
    after = api.get(f"/v1/bookings/{booking['id']}", as_user=TALENT).body
    assert (after["state"], after["price"]["amount"]) == ("requested", 300000)
