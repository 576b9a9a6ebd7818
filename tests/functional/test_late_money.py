"""Money that arrives when we no longer expect it, or not as we asked (issue #10, points 1,
2 and 4): a success after we gave up on the payment, for a subject that moved on, with the
wrong amount or currency, or while other transactions collide with ours. GIVEN a booking
and a payment at a provider's sandbox, WHEN the provider reports success late or wrong,
THEN exactly one outcome: the subject confirmed, or the money owed back and refunded (or
handed to an admin); the trial balance zero and nothing left pending after the sweep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.models import payment_items as payment_store
from chalicelib.models import refund_items as refund_store
from chalicelib.payments.base import ProviderStatus
from tests.functional import money
from tests.functional.deals import ADMIN, CUSTOMER, take
from tests.payments_sandbox import Sandbox
from tests.support import JsonClient

PRICE = 300000
ABANDONED = timedelta(minutes=31)


@pytest.fixture
def sandbox(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with money.serve_providers(("fib", "fastpay", "areeba"), monkeypatch) as served:
        yield served


def _booking_state(api: JsonClient, booking_id: str) -> str:
    return str(api.get(f"/v1/bookings/{booking_id}", as_user=CUSTOMER).body["state"])


def _expire(lambdas: Any, frozen_clock: Any, payment_id: str) -> None:
    """We give up on the payment: the recheck after 30 minutes expires it."""
    frozen_clock.advance(ABANDONED.total_seconds())
    money.sweep(lambdas)
    assert payment_store.require(payment_id).state == "expired"


def _payments_of(booking_id: str) -> list[payment_store.Payment]:
    from chalicelib.models import keys

    found = payment_store.PaymentItem.gsi1.query(
        keys.payments_of_subject_gsi1pk("booking", booking_id)
    )
    return [
        payment_store.require(item.payment_id)
        for item in found
        if isinstance(item, payment_store.PaymentItem)
    ]


@pytest.mark.parametrize("provider", ["fastpay", "areeba"])
def test_a_success_after_expiry_confirms_a_booking_that_can_still_take_it(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any, provider: str
) -> None:
    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], provider)
    _expire(lambdas, frozen_clock, payment["id"])
    # The payer finishes at the provider after we gave up; its callback arrives.
    money.complete(sandbox, provider, payment["provider_ref"])
    money.deliver_callbacks(api, sandbox, provider)
    assert money.process_webhooks(lambdas) == []
    money.sweep(lambdas)
    assert _booking_state(api, booking["id"]) == "confirmed"
    assert payment_store.require(payment["id"]).state == "succeeded"
    held = money.books(api)
    assert held[f"escrow:booking:{booking['id']}|IQD"] == PRICE
    assert held[f"provider:{provider}|IQD"] == -PRICE
    assert [p.state for p in _payments_of(booking["id"])] == ["succeeded"]


@pytest.mark.parametrize("provider", ["fastpay", "areeba"])
def test_a_success_after_expiry_for_a_cancelled_booking_is_refunded_in_full(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any, provider: str
) -> None:
    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], provider)
    _expire(lambdas, frozen_clock, payment["id"])
    cancelled = take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="found another")
    assert cancelled.status == 200, cancelled.body
    money.complete(sandbox, provider, payment["provider_ref"])
    money.deliver_callbacks(api, sandbox, provider)
    assert money.process_webhooks(lambdas) == []
    money.sweep(lambdas)  # the owed refund goes back through the provider
    assert _booking_state(api, booking["id"]) == "cancelled"
    refunded = payment_store.require(payment["id"])
    assert refunded.state == "refunded", refunded
    record = refund_store.get(f"payment-{payment['id']}-refund")
    assert record is not None and (record.amount, record.state) == (PRICE, "refunded")
    held = money.books(api)
    assert held[f"provider:{provider}|IQD"] == 0
    assert held[f"customer:{booking['customer_id']}:refunds|IQD"] == 0
    assert held.get(f"escrow:booking:{booking['id']}|IQD", 0) == 0


def test_a_late_success_a_second_time_has_no_second_effect(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any
) -> None:
    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], "fastpay")
    _expire(lambdas, frozen_clock, payment["id"])
    take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="found another")
    money.complete(sandbox, "fastpay", payment["provider_ref"])
    callbacks = list(sandbox.callbacks)
    for _ in range(3):  # the IPN, three times
        sandbox.callbacks.extend(callbacks)
    money.deliver_callbacks(api, sandbox, "fastpay")
    assert money.process_webhooks(lambdas) == []
    assert money.process_webhooks(lambdas) == []  # and the queue redelivers
    money.sweep(lambdas)
    held = money.books(api)
    assert held["provider:fastpay|IQD"] == 0
    assert payment_store.require(payment["id"]).state == "refunded"


@pytest.mark.parametrize("late_state", ["cancelled", "failed"])
def test_a_success_reported_after_a_cancel_or_a_failure_is_honoured(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any, late_state: str
) -> None:
    """FIB reported the payment declined (cancelled, or a server failure), then PAID: the
    later word wins; the booking still takes the money."""
    from chalicelib.usecases import payments

    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], "fib")
    reason = "PAYMENT_CANCELLATION" if late_state == "cancelled" else "SERVER_FAILURE"
    money.complete(sandbox, "fib", payment["provider_ref"], "fail", reason=reason)
    money.deliver_callbacks(api, sandbox, "fib")
    assert money.process_webhooks(lambdas) == []
    given_up = payment_store.require(payment["id"])
    assert given_up.state == late_state
    paid = ProviderStatus(payment["provider_ref"], "succeeded", amount=PRICE, currency="IQD")
    payments.apply_status(given_up, paid)
    assert _booking_state(api, booking["id"]) == "confirmed"
    assert payment_store.require(payment["id"]).state == "succeeded"
    assert money.books(api)[f"escrow:booking:{booking['id']}|IQD"] == PRICE


@pytest.mark.parametrize(
    ("arrived", "currency"),
    [(PRICE - 1000, "IQD"), (PRICE + 5000, "IQD"), (PRICE, "USD")],
    ids=["underpaid", "overpaid", "other-currency"],
)
def test_a_wrong_amount_or_currency_fails_the_payment_and_refunds_what_arrived(
    api: JsonClient,
    lambdas: Any,
    sandbox: Sandbox,
    frozen_clock: Any,
    arrived: int,
    currency: str,
) -> None:
    from chalicelib.usecases import payments

    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], "fastpay")
    if currency == "IQD":
        money.complete(sandbox, "fastpay", payment["provider_ref"], received_amount=arrived)
        money.deliver_callbacks(api, sandbox, "fastpay")
        assert money.process_webhooks(lambdas) == []  # one terminal outcome: no retry
        failed = [w for w in money.stored_webhooks() if w["state"]["S"] == "failed"]
        assert len(failed) == 1 and "amount_mismatch" in failed[0]["note"]["S"]
        listed = api.get("/v1/admin/webhooks?state=failed", as_user=ADMIN).body["items"]
        assert [w["provider_ref"] for w in listed] == [payment["provider_ref"]]
    else:
        # No Iraqi sandbox pays in another currency: the provider's status says so here.
        wrong = ProviderStatus(payment["provider_ref"], "succeeded", amount=arrived, currency="USD")
        payments.apply_status(payment_store.require(payment["id"]), wrong)
        payments.apply_status(payment_store.require(payment["id"]), wrong)  # reported again
    ended = payment_store.require(payment["id"])
    assert (ended.state, ended.failure) == ("failed", "amount_mismatch")
    assert ended.received == {"amount": arrived, "currency": currency}
    assert _booking_state(api, booking["id"]) == "accepted"
    money.sweep(lambdas)
    record = refund_store.get(f"payment-{payment['id']}-refund")
    assert record is not None and record.amount == arrived
    assert record.state in ("refunded", "manual_pending")
    held = money.books(api)
    assert held.get(f"escrow:booking:{booking['id']}|IQD", 0) == 0
    if record.state == "refunded":
        assert held[f"provider:fastpay|{currency}"] == 0
    assert payment_store.require(payment["id"]).state == "failed"


def test_a_missing_amount_fails_the_payment_for_an_admin_without_booking_money(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any
) -> None:
    from chalicelib.usecases import payments

    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], "fastpay")
    unreadable = ProviderStatus(payment["provider_ref"], "succeeded", amount=None, currency=None)
    payments.apply_status(payment_store.require(payment["id"]), unreadable)
    ended = payment_store.require(payment["id"])
    assert (ended.state, ended.failure) == ("failed", "amount_mismatch")
    assert ended.received == {"amount": None, "currency": None}
    assert _booking_state(api, booking["id"]) == "accepted"
    assert money.books(api) == {}


def test_a_transient_conflict_is_retried_and_never_refunds_a_good_payment(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any
) -> None:
    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], "fastpay")
    money.complete(sandbox, "fastpay", payment["provider_ref"])
    money.deliver_callbacks(api, sandbox, "fastpay")
    with money.injected_conflicts() as conflicts:
        conflicts.remaining = 2
        assert money.process_webhooks(lambdas) == []
    assert conflicts.injected == 2
    assert _booking_state(api, booking["id"]) == "confirmed"
    assert payment_store.require(payment["id"]).state == "succeeded"
    assert refund_store.get(f"payment-{payment['id']}-refund") is None
    money.sweep(lambdas)
    held = money.books(api)
    assert held[f"escrow:booking:{booking['id']}|IQD"] == PRICE
    assert held.get(f"customer:{booking['customer_id']}:refunds|IQD", 0) == 0


def test_conflicts_that_outlast_the_retries_leave_the_message_to_the_queue(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any
) -> None:
    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], "fastpay")
    money.complete(sandbox, "fastpay", payment["provider_ref"])
    money.deliver_callbacks(api, sandbox, "fastpay")
    with money.injected_conflicts() as conflicts:
        conflicts.remaining = 1000
        assert len(money.process_webhooks(lambdas)) == 1  # SQS will deliver it again
    assert payment_store.require(payment["id"]).state == "pending"
    assert refund_store.get(f"payment-{payment['id']}-refund") is None
    assert money.books(api) == {}
    assert money.process_webhooks(lambdas) == []  # the redelivery, on a calmer table
    assert _booking_state(api, booking["id"]) == "confirmed"
    assert money.books(api)[f"escrow:booking:{booking['id']}|IQD"] == PRICE


def test_a_wrong_amount_found_by_the_recheck_is_listed_for_admins_too(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any
) -> None:
    """FastPay's IPN is lost: reconciliation finds the short payment, fails it, refunds
    what arrived, and lists what it found among the failed reports."""
    booking = money.accepted_booking(api)
    payment = money.pay(api, booking["id"], "fastpay")
    money.complete(sandbox, "fastpay", payment["provider_ref"], received_amount=1000)
    sandbox.callbacks.clear()
    frozen_clock.advance(4 * 60)
    money.sweep(lambdas)  # the recheck
    ended = payment_store.require(payment["id"])
    assert (ended.state, ended.failure) == ("failed", "amount_mismatch")
    listed = api.get("/v1/admin/webhooks?state=failed", as_user=ADMIN).body["items"]
    assert [w["provider_ref"] for w in listed] == [payment["provider_ref"]]
    assert "amount_mismatch" in listed[0]["note"] and "1000" in listed[0]["note"]
    money.sweep(lambdas)
    assert money.books(api)["provider:fastpay|IQD"] == 0
