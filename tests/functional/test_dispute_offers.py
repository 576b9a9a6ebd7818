"""Offers: either party offers a refund (0 … the amount in dispute, the subject's
currency); a newer offer replaces the maker's open one; the OTHER party accepts, which
resolves the dispute by agreement and splits the money in the same transaction."""

from __future__ import annotations

from typing import Any

from tests.functional.deals import ADMIN, CUSTOMER, STRANGER, TALENT
from tests.functional.disputing import (
    PRICE,
    accept,
    books,
    disputed_booking,
    disputed_milestone,
    get,
    offer,
)
from tests.support import JsonClient


def test_an_accepted_offer_splits_the_money_and_settles_the_booking(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking, dispute = disputed_booking(api)
    made = offer(api, dispute["id"], TALENT, 100000)
    assert made.status == 201, made.body
    # The respondent's offer is an answer: the dispute is negotiating.
    assert made.body["state"] == "negotiating"
    [open_offer] = made.body["offers"]
    assert open_offer["refund_amount"] == {"amount": 100000, "currency": "IQD"}
    assert open_offer["state"] == "open"
    # Its maker may not accept it; an admin is no party.
    for who, status in ((TALENT, 403), (ADMIN, 403), (STRANGER, 404)):
        assert accept(api, dispute["id"], open_offer["id"], who).status == status
    assert get(api, dispute["id"])["state"] == "negotiating"

    done = accept(api, dispute["id"], open_offer["id"], CUSTOMER)
    assert done.status == 200, done.body
    assert done.body["state"] == "resolved"
    assert done.body["outcome"] == {
        "refund_amount": {"amount": 100000, "currency": "IQD"},
        "released_amount": {"amount": PRICE - 100000, "currency": "IQD"},
        "by": "agreement",
    }
    assert done.body["offers"][0]["state"] == "accepted"
    settled = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert settled["state"] == "completed"
    after = books(api)
    assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
    assert after[f"customer:{settled['customer_id']}:refunds|IQD"] == 100000
    assert after[f"talent:{settled['talent_id']}:available|IQD"] == 180000  # 200000 less 10 %
    assert after["platform:revenue|IQD"] == 20000
    # Resolved: nothing more is accepted or offered.
    assert accept(api, dispute["id"], open_offer["id"], CUSTOMER).status == 409
    assert offer(api, dispute["id"], CUSTOMER, 5).status == 409


def test_a_full_refund_by_agreement_ends_the_booking_refunded(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking, dispute = disputed_booking(api)
    made = offer(api, dispute["id"], TALENT, PRICE).body["offers"][0]
    assert accept(api, dispute["id"], made["id"], CUSTOMER).status == 200
    assert api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body["state"] == "refunded"
    assert books(api)[f"escrow:booking:{booking['id']}|IQD"] == 0


def test_a_newer_offer_replaces_the_makers_open_one(api: JsonClient, frozen_clock: Any) -> None:
    _, dispute = disputed_booking(api)
    first = offer(api, dispute["id"], CUSTOMER, PRICE).body["offers"][0]
    # The opener's own offer is no answer: still awaiting the respondent.
    assert get(api, dispute["id"])["state"] == "awaiting_response"
    second = offer(api, dispute["id"], CUSTOMER, 200000)
    assert second.status == 201
    states = {o["id"]: o["state"] for o in second.body["offers"]}
    assert states[first["id"]] == "replaced" and list(states.values()).count("open") == 1
    # The replaced offer cannot be accepted any more; the open one can, by the talent.
    assert accept(api, dispute["id"], first["id"], TALENT).status == 409
    newest = next(o for o in second.body["offers"] if o["state"] == "open")
    done = accept(api, dispute["id"], newest["id"], TALENT)
    assert done.status == 200 and done.body["outcome"]["refund_amount"]["amount"] == 200000


def test_an_offer_out_of_range_or_in_another_currency_is_400_and_stores_nothing(
    api: JsonClient, frozen_clock: Any
) -> None:
    _, dispute = disputed_booking(api)
    for amount, currency in ((PRICE + 1, "IQD"), (100, "USD"), (-1, "IQD")):
        reply = offer(api, dispute["id"], TALENT, amount, currency)
        assert reply.status == 400, (amount, currency, reply.body)
    bad = api.post(
        f"/v1/disputes/{dispute['id']}/offers", as_user=TALENT, json_body={"refund_amount": 5}
    )
    assert bad.status == 400
    after = get(api, dispute["id"])
    assert after["offers"] == [] and after["state"] == "awaiting_response"
    # Zero is an offer (everything to the talent).
    assert offer(api, dispute["id"], TALENT, 0).status == 201
    assert offer(api, dispute["id"], STRANGER, 0).status == 404
    assert offer(api, dispute["id"], ADMIN, 0).status == 403


def test_a_milestone_resolved_by_agreement_is_released_or_refunded(
    api: JsonClient, frozen_clock: Any
) -> None:
    deal, milestone, dispute = disputed_milestone(api, by=TALENT)
    made = offer(api, dispute["id"], CUSTOMER, 400, "USD").body["offers"][0]
    assert accept(api, dispute["id"], made["id"], TALENT).status == 200
    stored = api.get(f"/v1/milestones/{milestone['id']}", as_user=CUSTOMER).body
    assert stored["state"] == "released"
    after = books(api)
    assert after[f"escrow:milestone:{milestone['id']}|USD"] == 0
    assert after[f"customer:{deal['customer_id']}:refunds|USD"] == 400
    assert after[f"talent:{deal['talent_id']}:available|USD"] == 540


def test_a_replayed_offer_with_its_idempotency_key_is_stored_once(
    api: JsonClient, frozen_clock: Any
) -> None:
    _, dispute = disputed_booking(api)
    body = {"refund_amount": {"amount": 1234, "currency": "IQD"}}
    path = f"/v1/disputes/{dispute['id']}/offers"
    headers = {"Idempotency-Key": "offer-once"}
    first = api.post(path, as_user=TALENT, json_body=body, headers=headers)
    again = api.post(path, as_user=TALENT, json_body=body, headers=headers)
    assert first.status == again.status == 201
    assert first.body == again.body
    offers = get(api, dispute["id"])["offers"]
    assert [(o["refund_amount"]["amount"], o["state"]) for o in offers] == [(1234, "open")]
