"""A payment the provider failed announces `payment.failed` in the transaction that records
it; the payer is told in the app and by email. Every refund, full or partial, announces
`payment.refunded` with its own amount when the money goes back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.models import payment_items as payment_store
from chalicelib.notify.i18n import money
from tests.functional.deals import ADMIN, CUSTOMER, take
from tests.functional.notify_support import deliver, emails_to, outbox_events
from tests.functional.test_payment_flow import (  # noqa: F401 - fixtures
    _pay,
    _sandbox,
    _sweep,
    provider,
)
from tests.functional.test_realtime import EventBus, bus  # noqa: F401 - fixture
from tests.payments_sandbox import Sandbox
from tests.support import JsonClient


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
def test_a_failed_payment_tells_the_payer(
    api: JsonClient,
    lambdas: Any,
    aws_endpoint: str,
    provider: Sandbox,  # noqa: F811
) -> None:
    _, payment = _pay(api, provider)
    assert outbox_events("payment.failed") == []
    _sandbox(provider, payment["provider_ref"], "fail")
    from chalicelib.usecases import payments

    payments.refresh(payment_store.require(payment["id"]))
    assert api.get(f"/v1/payments/{payment['id']}", as_user=CUSTOMER).body["state"] == "cancelled"
    before = emails_to(aws_endpoint, CUSTOMER)
    (event,) = outbox_events("payment.failed")
    assert deliver(lambdas, [event, event]) == {"batchItemFailures": []}
    kinds = [n for n in api.get("/v1/notifications", as_user=CUSTOMER).body["items"]]
    failed = [n for n in kinds if n["type"] == "payment.failed"]
    assert len(failed) == 1
    assert failed[0]["link"] == {"type": "payment", "id": payment["id"]}
    assert "did not go through" in failed[0]["body"]
    (mail,) = [m for m in emails_to(aws_endpoint, CUSTOMER) if m not in before]
    assert mail["notification_id"] == failed[0]["id"]


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
def test_a_full_refund_is_a_receipt_to_the_payer(
    api: JsonClient,
    lambdas: Any,
    aws_endpoint: str,
    provider: Sandbox,  # noqa: F811
    frozen_clock: Any,
    bus: EventBus,  # noqa: F811
) -> None:
    # GIVEN a paid booking cancelled long before its start under a flexible policy
    booking, payment = _pay(api, provider, cancellation_policy="flexible")
    _sandbox(provider, payment["provider_ref"], "complete")
    from chalicelib.usecases import payments

    payments.refresh(payment_store.require(payment["id"]))
    take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="plans changed")
    before = emails_to(aws_endpoint, CUSTOMER)
    _sweep(lambdas)
    assert api.get(f"/v1/payments/{payment['id']}", as_user=CUSTOMER).body["state"] == "refunded"
    # WHEN the refund's event reaches the worker
    (published,) = [e for e in bus.entries if e["DetailType"] == "payment.refunded"]
    event = {
        "id": "eb-1",
        "detail-type": "payment.refunded",
        "detail": json.loads(published["Detail"]),
    }
    assert deliver(lambdas, [event]) == {"batchItemFailures": []}
    # THEN the payer has the receipt in the app and by email
    items = api.get("/v1/notifications", as_user=CUSTOMER).body["items"]
    (refunded,) = [n for n in items if n["type"] == "payment.refunded"]
    assert refunded["link"] == {"type": "payment", "id": payment["id"]}
    assert refunded["body"].endswith("was refunded to you.")
    mails = [m for m in emails_to(aws_endpoint, CUSTOMER) if m not in before]
    assert [m["notification_id"] for m in mails if m["subject"] == "Refund issued"] == [
        refunded["id"]
    ]


HALF = money(150000, "IQD", "en")  # the amount refunded, as the English texts print it


def _refund_events(bus: EventBus) -> list[dict[str, Any]]:  # noqa: F811
    return [
        {"id": f"eb-{i}", "detail-type": e["DetailType"], "detail": json.loads(e["Detail"])}
        for i, e in enumerate(bus.entries)
        if e["DetailType"] == "payment.refunded"
    ]


@pytest.mark.parametrize("provider", ["fastpay"], indirect=True)
def test_a_partial_refund_tells_the_payer_how_much_went_back(
    api: JsonClient,
    lambdas: Any,
    aws_endpoint: str,
    provider: Sandbox,  # noqa: F811
    frozen_clock: Any,
    bus: EventBus,  # noqa: F811
) -> None:
    # GIVEN a paid booking of 300,000 IQD cancelled 48 h before its start: 50 % back
    booking, payment = _pay(api, provider, cancellation_policy="moderate")
    _sandbox(provider, payment["provider_ref"], "complete")
    from chalicelib.usecases import payments

    payments.refresh(payment_store.require(payment["id"]))
    frozen_clock.set(datetime(2026, 12, 8, 18, 0, tzinfo=UTC))
    take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="plans changed")
    before = emails_to(aws_endpoint, CUSTOMER)
    _sweep(lambdas)
    assert api.get(f"/v1/payments/{payment['id']}", as_user=CUSTOMER).body["state"] == (
        "partially_refunded"
    )
    # WHEN the refund's one event reaches the worker (twice: delivery is at least once)
    (event,) = _refund_events(bus)
    assert event["detail"]["amount"] == {"amount": 150000, "currency": "IQD"}
    assert event["detail"]["partial"] is True
    assert deliver(lambdas, [event, event]) == {"batchItemFailures": []}
    # THEN the payer is told once, with the amount refunded (not the amount paid)
    items = api.get("/v1/notifications", as_user=CUSTOMER).body["items"]
    (refunded,) = [n for n in items if n["type"] == "payment.refunded"]
    assert refunded["link"] == {"type": "payment", "id": payment["id"]}
    assert refunded["body"] == f"{HALF} was refunded to you."
    mails = [m for m in emails_to(aws_endpoint, CUSTOMER) if m not in before]
    assert [m["notification_id"] for m in mails if m["subject"] == "Refund issued"] == [
        refunded["id"]
    ]
    assert HALF in mails[0]["text"]
    talent_items = api.get("/v1/notifications", as_user=booking["talent_user_id"]).body
    assert [n for n in talent_items["items"] if n["type"] == "payment.refunded"] == []


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
def test_a_refund_an_admin_settles_is_announced_at_the_settlement_only(
    api: JsonClient,
    lambdas: Any,
    provider: Sandbox,  # noqa: F811
    frozen_clock: Any,
    bus: EventBus,  # noqa: F811
) -> None:
    booking, payment = _pay(api, provider, cancellation_policy="moderate")
    _sandbox(provider, payment["provider_ref"], "complete")
    from chalicelib.usecases import payments

    payments.refresh(payment_store.require(payment["id"]))
    frozen_clock.set(datetime(2026, 12, 8, 18, 0, tzinfo=UTC))
    take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="plans changed")
    _sweep(lambdas)
    (waiting,) = api.get("/v1/admin/refunds", as_user=ADMIN).body["items"]
    assert waiting["state"] == "manual_pending"
    assert _refund_events(bus) == []  # owed, not yet paid back: nothing to tell
    assert api.post(f"/v1/admin/refunds/{waiting['id']}/settle", as_user=ADMIN).status == 200
    (event,) = [e for e in outbox_events("payment.refunded")]
    assert event["detail"]["amount"] == {"amount": 150000, "currency": "IQD"}
    assert event["detail"]["refund_id"] == waiting["id"]
    assert deliver(lambdas, [event]) == {"batchItemFailures": []}
    items = api.get("/v1/notifications", as_user=CUSTOMER).body["items"]
    assert [n["body"] for n in items if n["type"] == "payment.refunded"] == [
        f"{HALF} was refunded to you."
    ]
