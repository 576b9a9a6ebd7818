"""The risky money routes on the local stack, over HTTP, with the providers' sandboxes:
a cancellation refunded by policy through the provider, a refund the provider cannot take
settled by an admin, a dispute resolved by an admin, payouts through FIB and Stripe, and the
admin's webhook, refund and payout lists and the manual batch CSV. Every scenario ends with
the books balanced."""

from __future__ import annotations

import csv
import io

import pytest

from tests.e2e import flows
from tests.e2e.flows import ok
from tests.e2e.harness import RunningStack

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

FIB_IBAN = "IQ98FIQB004085190510001"  # FIQB: the sandbox's own bank, so the payout goes through


def _cancel(stack: RunningStack, customer: str, booking_id: str) -> dict[str, object]:
    cancelled = flows.transition(
        stack, customer, "bookings", booking_id, "cancel", {"reason": "plans changed"}
    )
    flows.tick(stack)  # the refund owed is a timer: the sweep sends it
    return cancelled


def test_a_cancellation_is_refunded_through_the_provider(devstack: RunningStack) -> None:
    # GIVEN a moderate-policy booking paid through FIB, five days ahead (full refund)
    _, customer, booking, payment = flows.confirmed_booking(devstack, "fib")
    admin = devstack.token(admin=True)
    processed = ok(devstack.api("GET", "/v1/admin/webhooks?state=processed&limit=100", admin))
    assert payment["provider_ref"] in {w["provider_ref"] for w in processed["items"]}
    # WHEN the customer cancels
    assert _cancel(devstack, customer, booking["id"])["state"] == "cancelled"
    # THEN the provider refunded all of it, the escrow is empty and the books balance
    refunded = ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert refunded["state"] == "refunded", refunded
    books = flows.trial_balance(devstack)
    assert books[f"escrow:booking:{booking['id']}|IQD"] == 0
    manual = ok(devstack.api("GET", "/v1/admin/refunds", admin))["items"]
    assert payment["id"] not in {r["payment_id"] for r in manual}


def test_a_refund_the_provider_cannot_take_is_settled_by_an_admin(
    devstack: RunningStack,
) -> None:
    # GIVEN a booking paid through NassWallet, whose API takes no refunds
    _, customer, booking, payment = flows.confirmed_booking(devstack, "nasswallet")
    admin = devstack.token(admin=True)
    _cancel(devstack, customer, booking["id"])
    # THEN the refund waits in the admin's list and the payment says so
    waiting = ok(devstack.api("GET", "/v1/admin/refunds", admin))["items"]
    [refund] = [r for r in waiting if r["payment_id"] == payment["id"]]
    assert (refund["amount"], refund["currency"]) == (payment["amount"]["amount"], "IQD")
    assert refund["state"] == "manual_pending"
    shown = ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert shown["state"] == "refund_pending"
    # WHEN the admin paid it back by hand: settled once, gone from the list
    settled = ok(devstack.api("POST", f"/v1/admin/refunds/{refund['id']}/settle", admin))
    assert settled["state"] == "settled"
    again = devstack.api("POST", f"/v1/admin/refunds/{refund['id']}/settle", admin)
    assert again.status_code == 409, again.text
    waiting = ok(devstack.api("GET", "/v1/admin/refunds", admin))["items"]
    assert refund["id"] not in {r["id"] for r in waiting}
    shown = ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert shown["state"] == "refunded"
    assert flows.trial_balance(devstack)[f"escrow:booking:{booking['id']}|IQD"] == 0


def test_a_dispute_resolved_by_an_admin_splits_the_money(devstack: RunningStack) -> None:
    # GIVEN a confirmed Stripe booking (partial refunds) that the customer disputes
    talent, customer, booking, payment = flows.confirmed_booking(devstack, "stripe")
    price = payment["amount"]["amount"]
    disputed = flows.transition(
        devstack,
        customer,
        "bookings",
        booking["id"],
        "dispute",
        {"reason": "half the set was missing", "category": "not_as_described"},
    )
    assert disputed["state"] == "disputed"
    # The talent may not resolve it; the admin may
    refused = devstack.api(
        "POST",
        f"/v1/bookings/{booking['id']}/transitions/resolve",
        talent.token,
        json={"decision": "refund", "refund_amount": 1},
    )
    assert refused.status_code == 403, refused.text
    admin = devstack.token(admin=True)
    resolved = flows.transition(
        devstack,
        admin,
        "bookings",
        booking["id"],
        "resolve",
        {"decision": "refund", "refund_amount": price // 2, "note": "half delivered"},
    )
    flows.tick(devstack)
    # THEN half went back through Stripe, the rest to the talent less the fee
    assert resolved["state"] == "refunded", resolved
    assert resolved["resolution"]["refund_amount"] == price // 2
    paid = ok(devstack.api("GET", f"/v1/payments/{payment['id']}", customer))
    assert paid["state"] == "partially_refunded", paid
    books = flows.trial_balance(devstack)
    assert books[f"escrow:booking:{booking['id']}|USD"] == 0
    released = price - price // 2
    # The talent's share is released and, with no hold, already on its way to a payout.
    [balance] = ok(devstack.api("GET", "/v1/me/balance", talent.token))["items"]
    assert balance["currency"] == "USD"
    assert balance["available"] + balance["pending"] == released - released // 10


def _complete(stack: RunningStack, customer: str, booking: dict[str, object]) -> None:
    """Moves the shared clock past the booking's end, then the customer confirms it."""
    end = flows.instant(str(booking["end"]))
    stack.sandbox(
        "POST",
        "/dev/clock",
        json={"advance_seconds": (end - flows.now(stack)).total_seconds() + 60},
    )
    flows.tick(stack)
    done = flows.transition(stack, customer, "bookings", str(booking["id"]), "confirm_completion")
    assert done["state"] == "completed"


def test_a_release_is_paid_out_through_fib(devstack: RunningStack) -> None:
    talent, customer, booking, _ = flows.confirmed_booking(devstack, "fib")
    method = devstack.api(
        "PUT",
        "/v1/me/payout-method",
        talent.token,
        json={"provider": "fib", "details": {"iban": FIB_IBAN}},
    )
    assert ok(method)["details"]["iban"] == "****0001"
    _complete(devstack, customer, booking)
    flows.tick(devstack)  # the payout's timer: FIB takes it
    flows.advance(devstack, 5 * 60)
    flows.tick(devstack)  # its status check: FIB says it is authorised
    [payout] = ok(devstack.api("GET", "/v1/me/payouts", talent.token))["items"]
    net = 300000 - 30000
    assert (payout["method"], payout["amount"]) == ("fib", {"amount": net, "currency": "IQD"})
    assert payout["state"] == "paid", payout
    balance = ok(devstack.api("GET", "/v1/me/balance", talent.token))["items"]
    assert balance == [
        {
            "currency": "IQD",
            "available": 0,
            "pending": 0,
            "held_for_qc": 0,
            "in_transit": 0,
            "paid_out": net,
        }
    ]
    assert flows.trial_balance(devstack)[f"payouts_in_transit:{talent.talent_id}|IQD"] == 0


def test_a_release_is_transferred_to_a_stripe_connected_account(devstack: RunningStack) -> None:
    talent, customer, booking, _ = flows.confirmed_booking(devstack, "stripe")
    method = ok(
        devstack.api("PUT", "/v1/me/payout-method", talent.token, json={"provider": "stripe"})
    )
    assert method["provider"] == "stripe" and method["onboarding_url"]
    # Opening the link finishes onboarding in the sandbox (Stripe then sends account.updated)
    onboarded = devstack.session.get(method["onboarding_url"], allow_redirects=False, timeout=30)
    assert onboarded.status_code in (200, 302, 303), onboarded.text
    flows.drain(devstack)
    _complete(devstack, customer, booking)
    flows.tick(devstack)
    flows.advance(devstack, 5 * 60)
    flows.tick(devstack)
    [payout] = ok(devstack.api("GET", "/v1/me/payouts", talent.token))["items"]
    net = 25000 - 2500
    assert (payout["method"], payout["amount"]) == ("stripe", {"amount": net, "currency": "USD"})
    assert payout["state"] == "paid", payout
    assert payout["provider_ref"]


def test_the_manual_batch_is_listed_exported_and_marked_paid(devstack: RunningStack) -> None:
    # GIVEN a talent without a payout method whose booking completed
    talent, customer, booking, _ = flows.confirmed_booking(devstack, "fastpay")
    _complete(devstack, customer, booking)
    flows.tick(devstack)
    [mine] = ok(devstack.api("GET", "/v1/me/payouts", talent.token))["items"]
    assert mine["state"] == "manual_pending"
    admin = devstack.token(admin=True)
    # THEN the admin's list and the CSV both hold it
    listed = ok(devstack.api("GET", "/v1/admin/payouts?state=manual_pending", admin))["items"]
    assert mine["id"] in {p["id"] for p in listed}
    exported = devstack.api("GET", "/v1/admin/payouts/manual.csv", admin)
    assert exported.status_code == 200, exported.text
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert mine["id"] in {value for row in rows for value in row.values()}
    # Only an admin reads them
    for path in ("/v1/admin/payouts?state=manual_pending", "/v1/admin/payouts/manual.csv"):
        assert devstack.api("GET", path, talent.token).status_code == 403
    # WHEN the admin marks it paid: out of the batch, in the talent's paid_out
    ok(devstack.api("POST", f"/v1/admin/payouts/{mine['id']}/paid", admin, json={}))
    listed = ok(devstack.api("GET", "/v1/admin/payouts?state=manual_pending", admin))["items"]
    assert mine["id"] not in {p["id"] for p in listed}
    assert mine["id"] not in devstack.api("GET", "/v1/admin/payouts/manual.csv", admin).text
    balance = ok(devstack.api("GET", "/v1/me/balance", talent.token))["items"]
    assert balance[0]["paid_out"] == mine["amount"]["amount"]
