"""Opening a dispute (the subject's `dispute` transition creates it in the same
transaction), reading it (the parties and admins; others 404), and the lists."""

from __future__ import annotations

from typing import Any

from tests.functional.deals import ADMIN, CUSTOMER, STRANGER, TALENT, take
from tests.functional.disputing import (
    PRICE,
    disputed_booking,
    disputed_milestone,
    get,
    paid_booking,
)
from tests.support import JsonClient


def test_opening_a_booking_dispute_creates_it_with_its_deadline(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking, dispute = disputed_booking(api, category="no_show", reason="never came")
    me = api.get("/v1/me", as_user=CUSTOMER).body["id"]
    assert dispute["subject"] == {"type": "booking", "id": booking["id"]}
    assert (dispute["opened_by"], dispute["opener_role"]) == (me, "customer")
    assert (dispute["category"], dispute["reason"]) == ("no_show", "never came")
    assert dispute["state"] == "awaiting_response"
    assert dispute["amount_in_dispute"] == {"amount": PRICE, "currency": "IQD"}
    # 72 h from the opening (the frozen clock's now).
    assert dispute["response_due_at"] == "2026-11-25T12:00:00Z"
    assert dispute["evidence"] == [] and dispute["offers"] == [] and dispute["outcome"] is None
    stored = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert stored["dispute_id"] == dispute["id"]
    # Its history starts with the opening; the resolve-by-default timer is armed.
    events = api.get(f"/v1/disputes/{dispute['id']}/events", as_user=TALENT).body["items"]
    assert [e["transition"] for e in events] == ["create"]
    from chalicelib.models import subjects

    assert len(subjects.require("dispute", dispute["id"]).armed_timers) == 2


def test_the_old_categories_and_the_new_ones_open_disputes(
    api: JsonClient, frozen_clock: Any
) -> None:
    first, dispute = disputed_booking(api, category="communication")
    assert dispute["category"] == "communication"
    booking = paid_booking(api, first["service_id"], start="2026-12-11T18:00:00Z")
    refused = take(
        api, "bookings", booking["id"], "dispute", CUSTOMER, reason="x", category="vibes"
    )
    assert refused.status == 400
    unchanged = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert unchanged["state"] == "confirmed" and unchanged.get("dispute_id") is None


def test_a_milestone_dispute_by_the_talent_is_in_dispute_for_the_funded_amount(
    api: JsonClient, frozen_clock: Any
) -> None:
    _, milestone, dispute = disputed_milestone(api, by=TALENT)
    assert dispute["opener_role"] == "talent"
    assert dispute["amount_in_dispute"] == {"amount": 1000, "currency": "USD"}
    assert dispute["subject"] == {"type": "milestone", "id": milestone["id"]}


def test_the_parties_and_admins_read_it_others_get_404(api: JsonClient, frozen_clock: Any) -> None:
    _, dispute = disputed_booking(api)
    for who in (CUSTOMER, TALENT, ADMIN):
        assert get(api, dispute["id"], as_user=who)["id"] == dispute["id"]
    assert api.get(f"/v1/disputes/{dispute['id']}", as_user=STRANGER).status == 404
    assert api.get(f"/v1/disputes/{dispute['id']}/events", as_user=STRANGER).status == 404
    assert api.get("/v1/disputes/01JNOSUCHDISPUTE0000000000", as_user=ADMIN).status == 404


def test_my_disputes_list_newest_first_for_either_party(api: JsonClient, frozen_clock: Any) -> None:
    earlier, first = disputed_booking(api)
    booking = paid_booking(api, earlier["service_id"], start="2026-12-11T18:00:00Z")
    from tests.functional.disputing import later, open_dispute

    later(frozen_clock, 1)
    second = open_dispute(api, "bookings", booking["id"])
    for who in (CUSTOMER, TALENT):
        page = api.get("/v1/disputes?limit=1", as_user=who).body
        assert [d["id"] for d in page["items"]] == [second["id"]]
        rest = api.get(f"/v1/disputes?limit=5&cursor={page['next_cursor']}", as_user=who).body
        assert [d["id"] for d in rest["items"]] == [first["id"]]
    assert api.get("/v1/disputes", as_user=STRANGER).body["items"] == []


def test_the_admin_list_by_state_nearest_deadline_first(api: JsonClient, frozen_clock: Any) -> None:
    earlier, first = disputed_booking(api)
    booking = paid_booking(api, earlier["service_id"], start="2026-12-11T18:00:00Z")
    from tests.functional.disputing import later, open_dispute

    later(frozen_clock, 2)
    second = open_dispute(api, "bookings", booking["id"])
    waiting = api.get("/v1/admin/disputes?state=awaiting_response", as_user=ADMIN)
    assert waiting.status == 200, waiting.body
    assert [d["id"] for d in waiting.body["items"]] == [first["id"], second["id"]]
    assert api.get("/v1/admin/disputes", as_user=ADMIN).body["items"] == []  # escalated
    assert api.get("/v1/admin/disputes", as_user=CUSTOMER).status == 403
    assert api.get("/v1/admin/disputes?state=nope", as_user=ADMIN).status == 400
