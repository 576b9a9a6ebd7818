"""Disputes on the local stack, over HTTP: a disputed booking resolved by an accepted
offer, one by default after /dev/clock +73 h and /dev/tick, one by an admin's decision
after escalation. Each splits the money in one transaction: the refund back through the
provider, the rest to the talent less the fee; the escrow empties and the books balance."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e import flows
from tests.e2e.flows import ok
from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

HOUR = 3600


def _open(stack: RunningStack, customer: str, booking_id: str) -> dict[str, Any]:
    disputed = flows.transition(
        stack,
        customer,
        "bookings",
        booking_id,
        "dispute",
        {"reason": "half the set was missing", "category": "not_as_described"},
    )
    assert disputed["state"] == "disputed"
    dispute = ok(stack.api("GET", f"/v1/disputes/{disputed['dispute_id']}", customer))
    assert dispute["state"] == "awaiting_response"
    return dispute


def _offer(stack: RunningStack, token: str, dispute: dict[str, Any], amount: int) -> str:
    body = {
        "refund_amount": {"amount": amount, "currency": dispute["amount_in_dispute"]["currency"]}
    }
    made = ok(stack.api("POST", f"/v1/disputes/{dispute['id']}/offers", token, json=body), 201)
    return str([o["id"] for o in made["offers"] if o["state"] == "open"][-1])


def _talent_got(stack: RunningStack, token: str, currency: str) -> int:
    items = ok(stack.api("GET", "/v1/me/balance", token))["items"]
    return sum(
        i["available"] + i["pending"] + i["paid_out"] for i in items if i["currency"] == currency
    )


def test_an_accepted_offer_splits_the_money(devstack: RunningStack) -> None:
    # GIVEN a confirmed Stripe booking (partial refunds) that the customer disputes
    talent, customer, booking, payment = flows.confirmed_booking(devstack, "stripe")
    price = payment["amount"]["amount"]
    dispute = _open(devstack, customer, booking["id"])
    # WHEN the talent offers a fifth back and the customer accepts
    offer_id = _offer(devstack, talent.token, dispute, price // 5)
    own = devstack.api(
        "POST", f"/v1/disputes/{dispute['id']}/offers/{offer_id}/accept", talent.token
    )
    assert own.status_code == 403, own.text
    done = ok(
        devstack.api("POST", f"/v1/disputes/{dispute['id']}/offers/{offer_id}/accept", customer)
    )
    flows.tick(devstack)  # the refund owed is a timer: the sweep sends it to Stripe
    # THEN resolved by agreement, the booking completed, a fifth back through Stripe
    assert done["state"] == "resolved" and done["outcome"]["by"] == "agreement"
    assert done["outcome"]["refund_amount"]["amount"] == price // 5
    shown = ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))
    assert shown["state"] == "completed"
    paid = ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert paid["state"] == "partially_refunded", paid
    books = flows.trial_balance(devstack)
    assert books[f"escrow:booking:{booking['id']}|USD"] == 0
    released = price - price // 5
    assert _talent_got(devstack, talent.token, "USD") == released - released // 10


def test_silence_resolves_by_default_for_the_opener(devstack: RunningStack) -> None:
    # GIVEN a FIB booking the customer disputes, and a talent who never answers
    talent, customer, booking, payment = flows.confirmed_booking(devstack, "fib")
    dispute = _open(devstack, customer, booking["id"])
    # WHEN 73 hours pass and the timers run
    flows.advance(devstack, 73 * HOUR)
    flows.tick(devstack)
    # THEN it resolved by default: everything back to the customer through FIB
    resolved = ok(devstack.api("GET", f"/v1/disputes/{dispute['id']}", customer))
    assert resolved["state"] == "resolved" and resolved["outcome"]["by"] == "default"
    assert resolved["outcome"]["refund_amount"] == dispute["amount_in_dispute"]
    shown = ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))
    assert shown["state"] == "refunded"
    paid = ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert paid["state"] == "refunded", paid
    assert flows.trial_balance(devstack)[f"escrow:booking:{booking['id']}|IQD"] == 0
    assert _talent_got(devstack, talent.token, "IQD") == 0


def test_an_escalated_dispute_is_decided_by_an_admin(devstack: RunningStack) -> None:
    # GIVEN a disputed Stripe booking the talent answered (an offer the customer ignores)
    talent, customer, booking, payment = flows.confirmed_booking(devstack, "stripe")
    price = payment["amount"]["amount"]
    dispute = _open(devstack, customer, booking["id"])
    _offer(devstack, talent.token, dispute, 0)
    escalate = f"/v1/disputes/{dispute['id']}/escalate"
    assert devstack.api("POST", escalate, customer).status_code == 409  # before 72 h
    # WHEN 73 hours later the customer escalates: an answered dispute never defaults
    flows.advance(devstack, 73 * HOUR)
    flows.tick(devstack)
    escalated = ok(devstack.api("POST", escalate, customer))
    assert escalated["state"] == "escalated" and escalated["decision_due_at"]
    admin = devstack.token(admin=True)
    queue = ok(devstack.api("GET", "/v1/admin/disputes?state=escalated&limit=100", admin))
    assert dispute["id"] in [d["id"] for d in queue["items"]]
    body = {"refund_amount": {"amount": price // 2, "currency": "USD"}, "note": "half shown"}
    decide = f"/v1/admin/disputes/{dispute['id']}/decide"
    assert devstack.api("POST", decide, talent.token, json=body).status_code == 403
    decided = ok(devstack.api("POST", decide, admin, json=body))
    flows.tick(devstack)
    # THEN half went back through Stripe, the rest to the talent less the fee
    assert decided["state"] == "resolved" and decided["outcome"]["by"] == "admin"
    paid = ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert paid["state"] == "partially_refunded", paid
    assert flows.trial_balance(devstack)[f"escrow:booking:{booking['id']}|USD"] == 0
    released = price - price // 2
    assert _talent_got(devstack, talent.token, "USD") == released - released // 10
