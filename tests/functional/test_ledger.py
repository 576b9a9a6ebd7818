"""The ledger: every money movement of a transition is a balanced entry in the same
transaction; the trial balance is zero per currency; escrow empties when a subject ends."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.functional.deals import (
    ADMIN,
    CUSTOMER,
    TALENT,
    book,
    contract,
    system,
    take,
    talent_with_service,
)
from tests.support import JsonClient


def _balances(api: JsonClient) -> dict[str, int]:
    reply = api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN)
    assert reply.status == 200, reply.body
    assert reply.body["balanced"] is True, reply.body
    return {f"{a['account']}|{a['currency']}": a["balance"] for a in reply.body["accounts"]}


def test_a_completed_booking_pays_the_talent_less_the_fee(
    api: JsonClient, frozen_clock: Any
) -> None:
    talent, service = talent_with_service(api, deposit_percent=0)
    booking = book(api, service["id"])
    take(api, "bookings", booking["id"], "accept", TALENT)
    from chalicelib.usecases import bookings

    bookings.confirm_payment(booking["id"], "pay-1", provider="fib")
    held = _balances(api)
    assert held[f"escrow:booking:{booking['id']}|IQD"] == 300000
    assert held["provider:fib|IQD"] == -300000
    frozen_clock.set(datetime(2026, 12, 10, 18, 30, tzinfo=UTC))
    take(api, "bookings", booking["id"], "mark_delivered", TALENT)
    take(api, "bookings", booking["id"], "confirm_completion", CUSTOMER)
    after = _balances(api)
    assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
    assert after[f"talent:{talent['id']}:available|IQD"] == 270000
    assert after["platform:revenue|IQD"] == 30000
    mine = api.get("/v1/me/balance", as_user=TALENT).body["items"]
    assert mine == [
        {
            "currency": "IQD",
            "available": 270000,
            "pending": 0,
            "held_for_qc": 0,
            "in_transit": 0,
            "paid_out": 0,
        }
    ]


def test_a_customer_cancellation_splits_escrow_by_policy(
    api: JsonClient, frozen_clock: Any
) -> None:
    talent, service = talent_with_service(api, deposit_percent=0, cancellation_policy="moderate")
    booking = book(api, service["id"])
    take(api, "bookings", booking["id"], "accept", TALENT)
    system("booking", booking["id"], "payment_succeeded", provider="fastpay")
    # 2026-12-08T18:00Z is 48 h before the start: moderate refunds 50 %.
    frozen_clock.set(datetime(2026, 12, 8, 18, 0, tzinfo=UTC))
    reply = take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="plans changed")
    assert reply.body["refund"]["amount"] == 150000
    after = _balances(api)
    assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
    customer_id = reply.body["customer_id"]
    assert after[f"customer:{customer_id}:refunds|IQD"] == 150000
    assert after[f"talent:{talent['id']}:available|IQD"] == 135000
    assert after["platform:revenue|IQD"] == 15000


def test_milestones_release_into_the_talent_balance(api: JsonClient, frozen_clock: Any) -> None:
    deal = contract(api, amounts=(1000, 2000))
    first, second = (m["id"] for m in deal["milestones"])
    system("milestone", first, "payment_succeeded", provider="stripe")
    system("milestone", second, "payment_succeeded", provider="stripe")
    take(api, "milestones", first, "submit", TALENT, note="done")
    take(api, "milestones", first, "accept", CUSTOMER)
    take(api, "milestones", second, "dispute", TALENT, reason="unpaid", category="other")
    take(api, "milestones", second, "resolve", ADMIN, decision="refund", refund_amount=500)
    after = _balances(api)
    assert after[f"escrow:milestone:{first}|USD"] == 0
    assert after[f"escrow:milestone:{second}|USD"] == 0
    assert after[f"talent:{deal['talent_id']}:available|USD"] == 900 + 1350
    assert after["platform:revenue|USD"] == 100 + 150
    assert after[f"customer:{deal['customer_id']}:refunds|USD"] == 500
