"""A booking paid as a deposit and a balance, through two providers, remembers both
payments: a refund is split across them, latest first, one provider refund per payment,
each with its ledger entry against its own provider (issue #10, point 3)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.models import payment_items as payment_store
from chalicelib.models import refund_items as refund_store
from chalicelib.usecases import payments
from tests.functional import money
from tests.functional.deals import ADMIN, CUSTOMER, take
from tests.payments_sandbox import Sandbox
from tests.support import JsonClient

DEPOSIT, BALANCE = 90000, 210000


@pytest.fixture
def sandbox(stack: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with money.serve_providers(("fastpay", "areeba"), monkeypatch) as served:
        yield served


def _paid_twice(api: JsonClient, sandbox: Sandbox) -> tuple[dict[str, Any], list[str]]:
    booking = money.accepted_booking(api, deposit_percent=30, cancellation_policy="moderate")
    paid = []
    for provider in ("fastpay", "areeba"):  # the deposit, then the balance
        payment = money.pay(api, booking["id"], provider)
        money.complete(sandbox, provider, payment["provider_ref"])
        payments.refresh(payment_store.require(payment["id"]))
        paid.append(payment["id"])
    done = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert (done["state"], done["balance_paid"]) == ("confirmed", True)
    # The booking remembers both payments, each once, with its provider.
    assert [(p["payment_id"], p["provider"], p["amount"]) for p in done["payments"]] == [
        (paid[0], "fastpay", DEPOSIT),
        (paid[1], "areeba", BALANCE),
    ]
    return booking, paid


def _refunds_of(payment_id: str) -> list[tuple[int, str, str]]:
    from chalicelib.models.refund_items import RefundItem

    found = []
    for item in RefundItem.scan(RefundItem.payment_id == payment_id):  # test-only look
        found.append((int(item.amount), item.provider, item.state))
    return found


def test_a_full_refund_goes_back_through_each_payment_and_its_own_provider(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any
) -> None:
    booking, (deposit, balance) = _paid_twice(api, sandbox)
    held = money.books(api)
    assert (held["provider:fastpay|IQD"], held["provider:areeba|IQD"]) == (-DEPOSIT, -BALANCE)
    cancelled = take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="plans changed")
    assert cancelled.status == 200 and cancelled.body["refund"]["amount"] == DEPOSIT + BALANCE
    money.sweep(lambdas)
    assert _refunds_of(deposit) == [(DEPOSIT, "fastpay", "refunded")]
    assert _refunds_of(balance) == [(BALANCE, "areeba", "refunded")]
    assert payment_store.require(deposit).state == "refunded"
    assert payment_store.require(balance).state == "refunded"
    after = money.books(api)
    assert (after["provider:fastpay|IQD"], after["provider:areeba|IQD"]) == (0, 0)
    assert after[f"customer:{booking['customer_id']}:refunds|IQD"] == 0
    assert after[f"escrow:booking:{booking['id']}|IQD"] == 0
    assert refund_store.manual() == []


def test_a_partial_refund_is_taken_from_the_latest_payment_first(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any
) -> None:
    booking, (deposit, balance) = _paid_twice(api, sandbox)
    frozen_clock.set(datetime(2026, 12, 8, 18, 0, tzinfo=UTC))  # 48 h before: 50 %
    cancelled = take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="plans changed")
    assert cancelled.status == 200 and cancelled.body["refund"]["amount"] == 150000
    money.sweep(lambdas)
    assert _refunds_of(balance) == [(150000, "areeba", "refunded")]
    assert _refunds_of(deposit) == []
    assert payment_store.require(balance).state == "partially_refunded"
    assert payment_store.require(deposit).state == "succeeded"
    after = money.books(api)
    assert (after["provider:fastpay|IQD"], after["provider:areeba|IQD"]) == (-DEPOSIT, -60000)
    assert after[f"customer:{booking['customer_id']}:refunds|IQD"] == 0


def test_a_refund_larger_than_the_latest_payment_spills_into_the_earlier_one(
    api: JsonClient, lambdas: Any, sandbox: Sandbox, frozen_clock: Any
) -> None:
    booking, (deposit, balance) = _paid_twice(api, sandbox)
    disputed = take(
        api, "bookings", booking["id"], "dispute", CUSTOMER, reason="late", category="late"
    )
    assert disputed.status == 200, disputed.body
    resolved = take(
        api, "bookings", booking["id"], "resolve", ADMIN, decision="refund", refund_amount=250000
    )
    assert resolved.status == 200, resolved.body
    money.sweep(lambdas)
    assert _refunds_of(balance) == [(BALANCE, "areeba", "refunded")]
    assert _refunds_of(deposit) == [(40000, "fastpay", "refunded")]
    after = money.books(api)
    assert (after["provider:fastpay|IQD"], after["provider:areeba|IQD"]) == (-50000, 0)
