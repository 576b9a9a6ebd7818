"""The QC gate on the local stack, over HTTP: a report-required booking (coaching) is
paid through FIB's sandbox, delivered and completed; its talent's share waits in
`held_for_qc`; a weak report comes back `revise` naming every failed rule; the revised
report passes (the QC queue's worker, fed by EventBridge from the outbox); the share
becomes payable: the price less the fee. A service without a report releases at
completion as before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.e2e import flows
from tests.e2e.flows import ok
from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

PRICE = 300_000
NET = PRICE - PRICE // 10
WEAK = {
    "summary": "Good session. Write to me at coach@example.com for more.",
    "action_items": ["Practise more", "Read the two books we discussed at length"],
}
GOOD = {
    "summary": " ".join(
        [
            "We",
            "reviewed",
            "your",
            "goals",
            "for",
            "the",
            "quarter",
            "and",
            "the",
            "habits",
            "that",
            "stand",
            "in",
            "their",
            "way.",
        ]
        * 6
    ),
    "action_items": [
        "Block two mornings a week for deep work",
        "Write down three wins at the end of each day",
        "Ask your manager for feedback before the review",
    ],
    "rating": 5,
}


def _delivered_and_completed(
    stack: RunningStack, category: str
) -> tuple[flows.Talent, str, dict[str, Any]]:
    talent = flows.create_talent_with_service(stack, price=PRICE, category=category)
    customer = stack.token(flows.email("customer"))
    booking = flows.book(stack, customer, talent.service_id)
    flows.transition(stack, talent.token, "bookings", booking["id"], "accept")
    flows.pay(stack, customer, "booking", booking["id"], "fib")
    start = flows.instant(str(booking["start"]))
    flows.advance(stack, (start - flows.now(stack) + timedelta(minutes=5)).total_seconds())
    flows.transition(stack, talent.token, "bookings", booking["id"], "mark_delivered")
    done = flows.transition(stack, customer, "bookings", booking["id"], "confirm_completion")
    assert done["state"] == "completed", done
    return talent, customer, done


def _balance(stack: RunningStack, talent: flows.Talent) -> dict[str, int]:
    [balance] = ok(stack.api("GET", "/v1/me/balance", talent.token))["items"]
    return dict(balance)


def _report(stack: RunningStack, talent: flows.Talent, booking_id: str, body: Any) -> Any:
    return stack.api("POST", f"/v1/bookings/{booking_id}/report", talent.token, json=body)


def _qc_after_the_queue(stack: RunningStack, customer: str, booking_id: str) -> dict[str, Any]:
    flows.tick(stack)  # the sweep publishes the outbox: EventBridge -> the QC queue -> worker
    flows.drain(stack)
    return dict(ok(stack.api("GET", f"/v1/bookings/{booking_id}", customer))["qc"])


def test_a_report_required_booking_is_paid_once_its_report_passes(devstack: RunningStack) -> None:
    talent, customer, booking = _delivered_and_completed(devstack, "coaching.career")
    assert booking["report_required"] is True
    held = _balance(devstack, talent)
    assert (held["held_for_qc"], held["available"]) == (NET, 0), held

    assert ok(_report(devstack, talent, booking["id"], WEAK), 201)["qc"]["status"] == "pending"
    qc = _qc_after_the_queue(devstack, customer, booking["id"])
    assert qc["status"] == "revise", qc
    assert qc["reasons"] == [
        "summary_length",
        "action_items_count",
        "action_item_length",
        "contact_details",
        "rating_missing",
    ]
    assert _balance(devstack, talent)["held_for_qc"] == NET

    revised = ok(_report(devstack, talent, booking["id"], GOOD), 201)
    assert revised["report"]["version"] == 2
    qc = _qc_after_the_queue(devstack, customer, booking["id"])
    assert qc["status"] == "passed" and qc["reasons"] == [], qc
    paid = _balance(devstack, talent)
    assert paid["held_for_qc"] == 0, paid
    # Payable now: available, or already on its way if the payout timer fired meanwhile.
    assert paid["available"] + paid["in_transit"] + paid["paid_out"] == NET, paid
    books = flows.trial_balance(devstack)
    assert books[f"talent:{talent.talent_id}:pending|IQD"] == 0
    assert books[f"escrow:booking:{booking['id']}|IQD"] == 0


def test_a_service_without_a_report_still_releases_at_completion(devstack: RunningStack) -> None:
    talent, _, booking = _delivered_and_completed(devstack, "music.dj")
    assert booking["report_required"] is False
    balance = _balance(devstack, talent)
    assert balance["held_for_qc"] == 0
    assert balance["available"] + balance["in_transit"] + balance["paid_out"] == NET, balance
    refused = _report(devstack, talent, booking["id"], GOOD)
    assert refused.status_code == 409, refused.text
