"""Paying through a provider, in process against the provider's sandbox: webhooks are
stored, queued and acted on once whatever arrives and in whatever order; unknown payments
are kept and flagged; refunds go back through the provider, or to an admin when the
provider cannot take them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from chalicelib.models import payment_items as payment_store
from chalicelib.payments import registry
from chalicelib.settings import reset_settings
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.functional.deals import ADMIN, CUSTOMER, TALENT, book, take, talent_with_service
from tests.payments_sandbox import Sandbox, serve_provider
from tests.support import JsonClient

BASE_PATHS = {"fib": "/fib", "fastpay": "/fastpay"}


@pytest.fixture
def provider(
    request: pytest.FixtureRequest, stack: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sandbox]:
    name = request.param
    with serve_provider(name) as sandbox:
        monkeypatch.setenv(f"{name.upper()}_BASE_URL", sandbox.url + BASE_PATHS[name])
        for key, value in SANDBOX_SECRETS.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("PAYMENT_PROVIDERS", name)
        # Callbacks go to the recorder standing in for the API; tests hand them over.
        monkeypatch.setenv("PUBLIC_API_URL", sandbox.api_url)
        from chalicelib.settings import reset_settings

        reset_settings()
        registry.reset()
        sandbox.name = name  # type: ignore[attr-defined]
        yield sandbox
    registry.reset()


def _pay(
    api: JsonClient, sandbox: Sandbox, talent: str = TALENT, **service: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    _, offered = talent_with_service(api, talent, deposit_percent=0, **service)
    booking = book(api, offered["id"])
    take(api, "bookings", booking["id"], "accept", talent)
    reply = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": sandbox.name},  # type: ignore[attr-defined]
    )
    assert reply.status == 201, reply.body
    return booking, reply.body


def _sandbox(sandbox: Sandbox, ref: str, outcome: str) -> dict[str, Any]:
    name = sandbox.name  # type: ignore[attr-defined]
    response = requests.post(f"{sandbox.url}/{name}/payments/{ref}/{outcome}", timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _deliver(api: JsonClient, sandbox: Sandbox, body: bytes, headers: dict[str, str]) -> Any:
    """A provider's callback, handed to the API's webhook route as the provider sent it."""
    name = sandbox.name  # type: ignore[attr-defined]
    return api.request(
        "POST",
        f"/v1/payments/webhook/{name}",
        body=body,
        headers={"Content-Type": headers.get("content-type", "application/json")},
    )


def _process_queued(lambdas: Any, webhook_ids: list[str]) -> None:
    """What the webhooks queue would deliver: one message per stored webhook, through the
    processor Lambda, which reports partial batch failures."""
    bodies = [json.dumps({"type": "webhook.received", "webhook_id": i}) for i in webhook_ids]
    event = lambdas.events.generate_sqs_event(
        message_bodies=bodies, queue_name="marketplace-webhooks"
    )
    for index, record in enumerate(event["Records"]):
        record["messageId"] = f"msg-{index}"
    result = lambdas.lambda_.invoke("webhooks_worker", event).payload
    assert result == {"batchItemFailures": []}, result


def _webhook_ids() -> list[str]:
    from chalicelib import clients
    from chalicelib.settings import get_settings

    # Test-only look at what the route stored (the queue is shared between tests).
    found = clients.client("dynamodb").scan(
        TableName=get_settings().table_name,
        FilterExpression="kind = :k",
        ExpressionAttributeValues={":k": {"S": "webhook"}},
    )["Items"]
    return [item["webhook_id"]["S"] for item in found]


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
def test_five_deliveries_and_a_stale_failure_have_one_effect(
    api: JsonClient, lambdas: Any, provider: Sandbox, frozen_clock: Any
) -> None:
    booking, payment = _pay(api, provider)
    assert payment["action"]["type"] == "qr" and payment["action"]["qr_code"]
    completed = _sandbox(provider, payment["provider_ref"], "complete")
    assert completed["callback"]["status_code"] == 200
    callback = provider.callbacks[-1]
    stale_failure = json.dumps({"id": payment["provider_ref"], "status": "DECLINED"}).encode()
    for body in (stale_failure, callback.body, callback.body, stale_failure, callback.body):
        assert _deliver(api, provider, body, callback.headers).status == 200
    for _ in range(2):  # the queue redelivers, too
        _process_queued(lambdas, _webhook_ids())
    confirmed = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert (confirmed["state"], confirmed["version"]) == ("confirmed", 3)
    assert api.get(f"/v1/payments/{payment['id']}", as_user=CUSTOMER).body["state"] == "succeeded"
    balances = api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN).body
    assert balances["balanced"] is True
    held = {a["account"]: a["balance"] for a in balances["accounts"]}
    assert held[f"escrow:booking:{booking['id']}"] == 300000
    assert held["provider:fib"] == -300000


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
def test_a_callback_for_an_unknown_payment_is_kept_and_flagged(
    api: JsonClient, lambdas: Any, provider: Sandbox
) -> None:
    reply = _deliver(api, provider, b'{"id": "no-such-payment", "status": "PAID"}', {})
    assert reply.status == 200
    ids = _webhook_ids()
    _process_queued(lambdas, ids)
    stored = payment_store.get_webhook(ids[0])
    assert stored is not None and stored.state == "unmatched"
    assert _deliver(api, provider, b"not json", {}).status == 400


@pytest.mark.parametrize("provider", ["fastpay"], indirect=True)
def test_a_cancellation_refunds_through_the_provider(
    api: JsonClient, lambdas: Any, provider: Sandbox, frozen_clock: Any
) -> None:
    booking, payment = _pay(api, provider, cancellation_policy="moderate")
    _sandbox(provider, payment["provider_ref"], "complete")
    from chalicelib.usecases import payments

    payments.refresh(payment_store.require(payment["id"]))
    frozen_clock.set(datetime(2026, 12, 8, 18, 0, tzinfo=UTC))  # 48 h before: 50 %
    take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="plans changed")
    _sweep(lambdas)
    refunded = api.get(f"/v1/payments/{payment['id']}", as_user=CUSTOMER).body
    assert refunded["state"] == "partially_refunded"
    balances = api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN).body
    assert balances["balanced"] is True
    accounts = {a["account"]: a["balance"] for a in balances["accounts"]}
    assert accounts[f"customer:{booking['customer_id']}:refunds"] == 0
    assert accounts["provider:fastpay"] == -150000


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
def test_a_refund_the_provider_cannot_take_waits_for_an_admin(
    api: JsonClient, lambdas: Any, provider: Sandbox, frozen_clock: Any
) -> None:
    booking, payment = _pay(api, provider, cancellation_policy="moderate")
    _sandbox(provider, payment["provider_ref"], "complete")
    from chalicelib.usecases import payments

    payments.refresh(payment_store.require(payment["id"]))
    frozen_clock.set(datetime(2026, 12, 8, 18, 0, tzinfo=UTC))
    take(api, "bookings", booking["id"], "cancel", CUSTOMER, reason="plans changed")
    _sweep(lambdas)
    waiting = api.get("/v1/admin/refunds", as_user=ADMIN).body["items"]
    assert [(r["amount"], r["state"]) for r in waiting] == [(150000, "manual_pending")]
    owed = api.get(f"/v1/payments/{payment['id']}", as_user=CUSTOMER).body
    assert owed["state"] == "refund_pending"
    assert "full" in waiting[0]["note"]
    assert api.get("/v1/admin/refunds", as_user=CUSTOMER).status == 403
    settled = api.post(f"/v1/admin/refunds/{waiting[0]['id']}/settle", as_user=ADMIN)
    assert settled.status == 200 and settled.body["state"] == "settled"
    again = api.post(f"/v1/admin/refunds/{waiting[0]['id']}/settle", as_user=ADMIN)
    assert again.status == 409
    settled_payment = api.get(f"/v1/payments/{payment['id']}", as_user=CUSTOMER).body
    assert settled_payment["state"] == "partially_refunded"
    accounts = {
        a["account"]: a["balance"]
        for a in api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN).body["accounts"]
    }
    assert accounts[f"customer:{booking['customer_id']}:refunds"] == 0


def _sweep(lambdas: Any) -> None:
    event = lambdas.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    report = lambdas.lambda_.invoke("timers_sweep", event).payload
    assert report["failed"] == 0, report


def _stripe_signature(payload: bytes, secret: str, at: int) -> str:
    import hashlib
    import hmac

    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def test_a_forged_or_stale_stripe_signature_is_refused_and_nothing_is_kept(
    api: JsonClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    for key, value in SANDBOX_SECRETS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PAYMENT_PROVIDERS", "stripe")
    reset_settings()
    registry.reset()
    secret = SANDBOX_SECRETS["STRIPE_WEBHOOK_SECRET"]
    event = json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": "pi_1", "object": "payment_intent"}},
        }
    ).encode()
    now = int(time.time())
    refused = [
        _stripe_signature(event, "whsec_forged", now),
        _stripe_signature(event, secret, now - 301),
        "",
    ]
    for signature in refused:
        reply = api.request(
            "POST",
            "/v1/payments/webhook/stripe",
            body=event,
            headers={"Stripe-Signature": signature},
        )
        assert reply.status == 400, (signature, reply.body)
    assert _webhook_ids() == []
    accepted = api.request(
        "POST",
        "/v1/payments/webhook/stripe",
        body=event,
        headers={"Stripe-Signature": _stripe_signature(event, secret, now)},
    )
    assert accepted.status == 200, accepted.body
    assert len(_webhook_ids()) == 1
    registry.reset()


class Crash(Exception):
    pass


def _outcome(api: JsonClient, booking_id: str, payment_id: str) -> tuple[Any, ...]:
    booking = api.get(f"/v1/bookings/{booking_id}", as_user=CUSTOMER).body
    payment = payment_store.require(payment_id)
    balances = api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN).body
    mine = {
        a["account"].replace(booking_id, "B"): a["balance"]
        for a in balances["accounts"]
        if a["balance"]
    }
    return booking["state"], booking["version"], payment.state, balances["balanced"], mine


def _crash_once(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> None:
    original = getattr(target, name)
    state = {"crashed": False}

    def crashing(*args: Any, **kwargs: Any) -> Any:
        if not state["crashed"]:
            state["crashed"] = True
            raise Crash(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, crashing)


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
@pytest.mark.parametrize(
    "crash_point",
    [None, "after the provider check", "after the transaction", "before the message is deleted"],
)
def test_a_processor_crash_at_any_step_ends_as_an_uninterrupted_run(
    api: JsonClient,
    lambdas: Any,
    provider: Sandbox,
    frozen_clock: Any,
    monkeypatch: pytest.MonkeyPatch,
    crash_point: str | None,
) -> None:
    from chalicelib.usecases import payments

    booking, payment = _pay(api, provider)
    _sandbox(provider, payment["provider_ref"], "complete")
    callback = provider.callbacks[-1]
    assert _deliver(api, provider, callback.body, callback.headers).status == 200
    ids = _webhook_ids()
    bodies = [json.dumps({"type": "webhook.received", "webhook_id": i}) for i in ids]
    event = lambdas.events.generate_sqs_event(
        message_bodies=bodies, queue_name="marketplace-webhooks"
    )
    if crash_point == "after the provider check":
        _crash_once(monkeypatch, payments, "_succeeded")
    elif crash_point == "after the transaction":
        _crash_once(monkeypatch, payment_store, "mark_webhook")
    first = lambdas.lambda_.invoke("webhooks_worker", event).payload
    if crash_point in ("after the provider check", "after the transaction"):
        # The record failed: SQS keeps the message and delivers it again.
        assert first == {
            "batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]
        }
    if crash_point is not None:
        # Redelivery (also what happens when a worker dies before deleting the message).
        assert lambdas.lambda_.invoke("webhooks_worker", event).payload == {"batchItemFailures": []}
    assert _outcome(api, booking["id"], payment["id"]) == (
        "confirmed",
        3,
        "succeeded",
        True,
        {"escrow:booking:B": 300000, "provider:fib": -300000},
    )


@pytest.mark.parametrize("provider", ["fastpay"], indirect=True)
def test_reconciliation_finds_a_silent_success_and_expires_the_abandoned(
    api: JsonClient, lambdas: Any, provider: Sandbox, frozen_clock: Any
) -> None:
    booking, paid = _pay(api, provider)
    requests.post(
        f"{provider.url}/fastpay/payments/{paid['provider_ref']}/complete", timeout=10
    ).raise_for_status()
    provider.callbacks.clear()  # the IPN is lost: only the recheck can tell
    other_booking, abandoned = _pay(api, provider, "second.talent@example.com")
    frozen_clock.advance(4 * 60)
    _sweep(lambdas)
    assert api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body["state"] == "confirmed"
    assert payment_store.require(abandoned["id"]).state == "pending"
    frozen_clock.advance(30 * 60)
    _sweep(lambdas)
    assert payment_store.require(abandoned["id"]).state == "expired"
    assert payment_store.require(paid["id"]).state == "succeeded"
    assert api.get(f"/v1/bookings/{other_booking['id']}", as_user=CUSTOMER).body["state"] == (
        "accepted"
    )


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
def test_a_webhook_that_keeps_failing_is_listed_for_admins(
    api: JsonClient,
    lambdas: Any,
    provider: Sandbox,
    frozen_clock: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chalicelib.usecases import payments

    _, payment = _pay(api, provider)
    _sandbox(provider, payment["provider_ref"], "complete")
    callback = provider.callbacks[-1]
    _deliver(api, provider, callback.body, callback.headers)

    def provider_down(*args: Any, **kwargs: Any) -> Any:
        raise Crash("provider unreachable")

    bodies = [json.dumps({"type": "webhook.received", "webhook_id": i}) for i in _webhook_ids()]
    event = lambdas.events.generate_sqs_event(
        message_bodies=bodies, queue_name="marketplace-webhooks"
    )
    with monkeypatch.context() as patch:
        patch.setattr(payments, "refresh", provider_down)
        failures = lambdas.lambda_.invoke("webhooks_worker", event).payload["batchItemFailures"]
    assert len(failures) == 1
    listed = api.get("/v1/admin/webhooks?state=failed", as_user=ADMIN).body["items"]
    assert [w["provider_ref"] for w in listed] == [payment["provider_ref"]]
    assert "provider unreachable" in listed[0]["note"]
    assert api.get("/v1/admin/webhooks?state=failed", as_user=CUSTOMER).status == 403
    _process_queued(lambdas, _webhook_ids())
    assert api.get("/v1/admin/webhooks?state=failed", as_user=ADMIN).body["items"] == []
    assert len(api.get("/v1/admin/webhooks?state=processed", as_user=ADMIN).body["items"]) == 1


@pytest.mark.parametrize("provider", ["fastpay"], indirect=True)
def test_a_deposit_confirms_and_the_balance_is_paid_later(
    api: JsonClient, provider: Sandbox, frozen_clock: Any
) -> None:
    from chalicelib.usecases import payments

    _, offered = talent_with_service(api, TALENT, deposit_percent=30)
    booking = book(api, offered["id"])
    take(api, "bookings", booking["id"], "accept", TALENT)

    def pay() -> dict[str, Any]:
        reply = api.post(
            "/v1/payments",
            as_user=CUSTOMER,
            json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": "fastpay"},
        )
        assert reply.status == 201, reply.body
        _sandbox(provider, reply.body["provider_ref"], "complete")
        payments.refresh(payment_store.require(reply.body["id"]))
        return dict(reply.body)

    deposit = pay()
    assert deposit["amount"] == {"amount": 90000, "currency": "IQD"}
    confirmed = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert confirmed["state"] == "confirmed" and not confirmed.get("balance_paid")
    balance = pay()
    assert balance["amount"] == {"amount": 210000, "currency": "IQD"}
    paid = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert (paid["state"], paid["balance_paid"], paid["paid"]["amount"]) == (
        "confirmed",
        True,
        300000,
    )
    again = api.post(
        "/v1/payments",
        as_user=CUSTOMER,
        json_body={"subject": {"type": "booking", "id": booking["id"]}, "provider": "fastpay"},
    )
    assert again.status == 409  # nothing left to pay
    accounts = {
        a["account"]: a["balance"]
        for a in api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN).body["accounts"]
    }
    assert accounts[f"escrow:booking:{booking['id']}"] == 300000


@pytest.mark.parametrize("provider", ["fib"], indirect=True)
def test_payments_refuse_bad_input_and_other_peoples_subjects(
    api: JsonClient, provider: Sandbox, frozen_clock: Any
) -> None:
    from tests.functional.deals import STRANGER

    booking, payment = _pay(api, provider)
    before = _webhook_ids(), payment_store.require(payment["id"])

    def pay_as(user: str, body: Any) -> Any:
        return api.post("/v1/payments", as_user=user, json_body=body)

    subject = {"type": "booking", "id": booking["id"]}
    refusals = [
        (pay_as(STRANGER, {"subject": subject, "provider": "fib"}), 404),
        (pay_as(TALENT, {"subject": subject, "provider": "fib"}), 403),
        (pay_as(CUSTOMER, {"subject": subject, "provider": "nope"}), 400),
        (pay_as(CUSTOMER, {"subject": {"type": "job", "id": "x"}, "provider": "fib"}), 400),
        (pay_as(CUSTOMER, {"subject": subject, "provider": "fib", "amount": 1}), 400),
        (pay_as(CUSTOMER, {"subject": {**subject, "id": "missing"}, "provider": "fib"}), 404),
        (api.get(f"/v1/payments/{payment['id']}", as_user=STRANGER), 404),
        (api.get("/v1/admin/ledger/trial-balance", as_user=CUSTOMER), 403),
        (api.get("/v1/admin/refunds", as_user=TALENT), 403),
        (api.post("/v1/admin/refunds/none/settle", as_user=CUSTOMER), 403),
    ]
    for reply, status in refusals:
        assert reply.status == status, reply.body
        assert set(reply.body["error"]) == {"code", "message", "details"}
    # The payee sees the payment; nothing changed.
    assert api.get(f"/v1/payments/{payment['id']}", as_user=TALENT).status == 200
    assert (_webhook_ids(), payment_store.require(payment["id"])) == before
    booked = api.get(f"/v1/bookings/{booking['id']}", as_user=CUSTOMER).body
    assert (booked["state"], booked["version"]) == ("accepted", 2)
