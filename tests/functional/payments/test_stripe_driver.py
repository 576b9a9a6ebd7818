"""The Stripe driver (through Stripe's SDK) against the Stripe sandbox: PaymentIntents,
signed webhooks, refunds, cancel, transfers and reversals, Express onboarding."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
import requests

import chalicelib.payments.stripe.driver as stripe_driver
from chalicelib.payments import registry
from chalicelib.payments.base import CallbackRejected, Order, PaymentError
from chalicelib.payments.stripe.driver import StripeDriver, build
from chalicelib.settings import reset_settings
from devstack.sandbox.http import Request, Router
from devstack.sandbox.providers import SANDBOX_SECRETS
from devstack.sandbox.providers.stripe import register
from tests.functional.payments.levers import payer_lever
from tests.payments_sandbox import Sandbox
from tests.support import free_port

SECRET_KEY = SANDBOX_SECRETS["STRIPE_SECRET_KEY"]
WEBHOOK_SECRET = SANDBOX_SECRETS["STRIPE_WEBHOOK_SECRET"]

PROVIDER = "stripe"  # the sandbox the shared fixtures serve (conftest.py)


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


def configure(monkeypatch: pytest.MonkeyPatch, api_base: str, key: str = SECRET_KEY) -> None:
    monkeypatch.setenv("STRIPE_API_BASE", api_base)
    monkeypatch.setenv("STRIPE_SECRET_KEY", key)
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("STRIPE_PLATFORM_COUNTRY", "US")


@pytest.fixture
def driver(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> StripeDriver:
    configure(monkeypatch, f"{sandbox.url}/stripe")
    return build()


def order(amount: int = 2500, **changes: Any) -> Order:
    fields: dict[str, Any] = {
        "payment_id": "pay_01",
        "order_ref": unique("ord"),
        "amount": amount,
        "currency": "USD",
        "description": "Booking 42: portrait session",
        "callback_url": "http://api.invalid/v1/payments/webhook/stripe",
        "transfer_group": "booking_42",
        **changes,
    }
    return Order(**fields)


def lever(sandbox: Sandbox, ref: str, action: str) -> dict[str, Any]:
    answer = payer_lever(sandbox, PROVIDER, ref, action)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def paid(driver: StripeDriver, sandbox: Sandbox, **changes: Any) -> str:
    ref = driver.create_payment(order(**changes)).provider_ref
    assert lever(sandbox, ref, "complete")["status"] == "succeeded"
    return ref


def signed(body: bytes, *, at: int | None = None, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    t = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={t},v1={digest}"}


# -- the payment's life ------------------------------------------------------------------


def test_create_complete_callback_and_status(driver: StripeDriver, sandbox: Sandbox) -> None:
    asked = order()
    payment = driver.create_payment(asked)
    ref = payment.provider_ref
    assert ref.startswith("pi_")
    assert payment.action.type == "client_secret"
    assert payment.action.client_secret is not None
    assert payment.action.client_secret.startswith(f"{ref}_secret_")
    assert payment.raw["amount"] == 2500
    assert payment.raw["currency"] == "usd"
    assert payment.raw["transfer_group"] == "booking_42"
    assert payment.raw["metadata"] == {"payment_id": "pay_01", "order_ref": asked.order_ref}
    assert payment.raw["automatic_payment_methods"]["enabled"] is True

    pending = driver.get_status(ref)
    assert (pending.state, pending.amount, pending.currency) == ("pending", 0, "USD")

    moved = lever(sandbox, ref, "complete")
    assert moved["provider_ref"] == ref
    assert moved["status"] == "succeeded"
    assert moved["callback"] == {
        "url": f"{sandbox.api_url}/v1/payments/webhook/stripe",
        "status_code": 200,
    }
    [callback] = sandbox.callbacks
    assert callback.path == "/v1/payments/webhook/stripe"
    assert callback.headers["content-type"].startswith("application/json")
    event = json.loads(callback.body)
    assert event["type"] == "payment_intent.succeeded"
    assert event["data"]["object"]["id"] == ref

    parsed = driver.parse_callback(callback.headers, callback.body)
    assert parsed.provider_ref == ref
    assert parsed.event_id == event["id"]
    assert parsed.event_id is not None and parsed.event_id.startswith("evt_")
    assert parsed.order_ref == asked.order_ref

    done = driver.get_status(ref)
    assert (done.state, done.amount, done.currency) == ("succeeded", 2500, "USD")
    assert done.raw["latest_charge"]["amount_captured"] == 2500


def test_create_is_idempotent_on_the_order_ref(driver: StripeDriver) -> None:
    asked = order()
    first = driver.create_payment(asked)
    again = driver.create_payment(asked)
    assert again.provider_ref == first.provider_ref
    other = driver.create_payment(order())
    assert other.provider_ref != first.provider_ref
    # Stripe refuses a key replayed with other parameters.
    with pytest.raises(PaymentError) as refused:
        driver.create_payment(order(amount=9900, order_ref=asked.order_ref))
    assert refused.value.details["error_type"] == "idempotency_error"
    assert refused.value.retryable is False


def test_failed_attempt_calls_back_and_leaves_the_intent_payable(
    driver: StripeDriver, sandbox: Sandbox
) -> None:
    ref = driver.create_payment(order()).provider_ref
    moved = lever(sandbox, ref, "fail")
    assert moved["status"] == "requires_payment_method"
    assert moved["callback"]["status_code"] == 200
    [callback] = sandbox.callbacks
    assert json.loads(callback.body)["type"] == "payment_intent.payment_failed"
    assert driver.parse_callback(callback.headers, callback.body).provider_ref == ref

    status = driver.get_status(ref)
    assert status.state == "pending"
    assert status.amount == 0
    assert status.raw["last_payment_error"]["code"] == "card_declined"
    assert status.raw["latest_charge"]["status"] == "failed"

    # Another card on the same client secret.
    lever(sandbox, ref, "complete")
    assert driver.get_status(ref).state == "succeeded"
    assert len(sandbox.callbacks) == 2


def test_partial_then_full_refund(driver: StripeDriver, sandbox: Sandbox) -> None:
    ref = paid(driver, sandbox)
    first = driver.refund(ref, 1000, "USD", reference=f"{ref}-1")
    assert first.refund_ref.startswith("re_")
    assert first.state == "refunded"
    assert first.raw["amount"] == 1000
    assert first.raw["payment_intent"] == ref
    status = driver.get_status(ref)
    assert (status.state, status.amount) == ("partially_refunded", 2500)

    # The same reference is the same refund, not a second one.
    assert driver.refund(ref, 1000, "USD", reference=f"{ref}-1").refund_ref == first.refund_ref
    assert driver.get_status(ref).raw["latest_charge"]["amount_refunded"] == 1000

    with pytest.raises(PaymentError) as too_much:
        driver.refund(ref, 1501, "USD", reference=f"{ref}-2")
    assert too_much.value.details["http_status"] == 400
    rest = driver.refund(ref, 1500, "USD", reference=f"{ref}-3")
    assert rest.refund_ref != first.refund_ref
    assert driver.get_status(ref).state == "refunded"

    with pytest.raises(PaymentError) as again:
        driver.refund(ref, 1, "USD", reference=f"{ref}-4")
    assert again.value.details["code"] == "charge_already_refunded"


def test_refund_of_an_unpaid_intent_is_refused(driver: StripeDriver) -> None:
    ref = driver.create_payment(order()).provider_ref
    with pytest.raises(PaymentError) as refused:
        driver.refund(ref, 100, "USD", reference=f"{ref}-1")
    assert refused.value.retryable is False
    assert "does not have a successful charge" in refused.value.message


def test_cancel(driver: StripeDriver, sandbox: Sandbox) -> None:
    ref = driver.create_payment(order()).provider_ref
    driver.cancel(ref)
    status = driver.get_status(ref)
    assert status.state == "cancelled"
    assert status.raw["canceled_at"] is not None
    driver.cancel(ref)  # cancelling twice is still cancelled
    answer = requests.post(f"{sandbox.url}/stripe/payments/{ref}/complete", timeout=10)
    assert answer.status_code == 409

    paid_ref = paid(driver, sandbox)
    with pytest.raises(PaymentError) as refused:
        driver.cancel(paid_ref)
    assert refused.value.details["code"] == "payment_intent_unexpected_state"
    assert driver.get_status(paid_ref).state == "succeeded"


# -- Connect: onboarding, transfers on release, reversals --------------------------------


def test_express_onboarding(driver: StripeDriver, sandbox: Sandbox) -> None:
    talent = unique("tal_")
    account = driver.create_express_account("talent@example.com", "gb", reference=talent)
    assert account.account_id.startswith("acct_")
    assert (account.payouts_enabled, account.details_submitted) == (False, False)
    assert account.raw["type"] == "express"
    assert account.raw["country"] == "GB"
    assert account.raw["capabilities"] == {"transfers": "inactive"}
    again = driver.create_express_account("talent@example.com", "gb", reference=talent)
    assert again.account_id == account.account_id

    link = driver.account_link(
        account.account_id, "https://app.example/refresh", "https://app.example/return"
    )
    assert 250 < link.expires_at.timestamp() - time.time() <= 300
    opened = requests.get(link.url, allow_redirects=False, timeout=10)
    assert opened.status_code == 302
    assert opened.headers["Location"] == "https://app.example/return"
    reopened = requests.get(link.url, allow_redirects=False, timeout=10)
    assert reopened.headers["Location"] == "https://app.example/refresh"  # single use

    [callback] = sandbox.callbacks
    event = json.loads(callback.body)
    assert event["type"] == "account.updated"
    assert event["data"]["object"]["payouts_enabled"] is True
    parsed = driver.parse_callback(callback.headers, callback.body)
    assert (parsed.provider_ref, parsed.event_id) == (None, event["id"])

    onboarded = driver.get_account(account.account_id)
    assert (onboarded.payouts_enabled, onboarded.charges_enabled) == (True, True)
    assert onboarded.raw["capabilities"] == {"transfers": "active"}


def test_account_link_for_an_unknown_account(driver: StripeDriver) -> None:
    with pytest.raises(PaymentError) as refused:
        driver.account_link("acct_nobody", "https://a.example/r", "https://a.example/b")
    assert refused.value.details["code"] == "resource_missing"


def test_transfer_on_release_and_reversal(driver: StripeDriver, sandbox: Sandbox) -> None:
    account = driver.create_express_account("talent@example.com", "US").account_id
    ref = paid(driver, sandbox)
    charge = driver.get_status(ref).raw["latest_charge"]["id"]
    destination = {"account": account, "transfer_group": "booking_42", "source_transaction": charge}

    payout = driver.payout(destination, 2250, "USD", reference=f"release-{ref}")
    assert payout.payout_ref.startswith("tr_")
    assert payout.state == "paid"
    assert payout.raw["amount"] == 2250
    assert payout.raw["currency"] == "usd"
    assert payout.raw["destination"] == account
    assert payout.raw["transfer_group"] == "booking_42"
    assert payout.raw["source_transaction"] == charge
    same = driver.payout(destination, 2250, "USD", reference=f"release-{ref}")
    assert same.payout_ref == payout.payout_ref

    reversal = driver.reverse_transfer(payout.payout_ref, 1000, reference=f"reverse-{ref}-1")
    assert reversal.reversal_ref.startswith("trr_")
    assert (reversal.transfer_ref, reversal.amount) == (payout.payout_ref, 1000)
    with pytest.raises(PaymentError) as too_much:
        driver.reverse_transfer(payout.payout_ref, 1251, reference=f"reverse-{ref}-2")
    assert too_much.value.details["http_status"] == 400
    rest = driver.reverse_transfer(payout.payout_ref, 1250, reference=f"reverse-{ref}-3")
    assert rest.amount == 1250


@pytest.mark.parametrize(
    "destination",
    [{}, {"account": "talent_01"}, {"iban": "IQ98NBIQ850123456789012"}],
)
def test_payout_needs_a_connected_account(driver: StripeDriver, destination: Any) -> None:
    with pytest.raises(PaymentError, match="acct_"):
        driver.payout(destination, 1000, "USD", reference="release-1")


# -- errors --------------------------------------------------------------------------------


def test_wrong_secret_key(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, f"{sandbox.url}/stripe", key="sk_test_wrong")
    with pytest.raises(PaymentError) as refused:
        build().create_payment(order())
    assert refused.value.details["http_status"] == 401
    assert refused.value.retryable is False


def test_provider_error_bodies(driver: StripeDriver) -> None:
    with pytest.raises(PaymentError) as missing:
        driver.get_status("pi_doesnotexist")
    assert missing.value.details["code"] == "resource_missing"
    assert missing.value.details["http_status"] == 404
    with pytest.raises(PaymentError) as small:
        driver.create_payment(order(amount=10))
    assert small.value.details["code"] == "amount_too_small"
    assert small.value.retryable is False


@pytest.mark.parametrize("ref", ["", "ch_123", "pi_../../v1/transfers", "pi_1?expand=x"])
def test_malformed_references_never_reach_stripe(driver: StripeDriver, ref: str) -> None:
    with pytest.raises(PaymentError, match="not a Stripe"):
        driver.get_status(ref)
    with pytest.raises(PaymentError, match="not a Stripe"):
        driver.cancel(ref)
    with pytest.raises(PaymentError, match="not a Stripe"):
        driver.refund(ref, 100, "USD", reference="r-1")


def test_unsupported_currency_is_refused_before_any_request(driver: StripeDriver) -> None:
    assert "IQD" not in driver.capabilities.currencies
    with pytest.raises(PaymentError, match="IQD"):
        driver.create_payment(order(amount=25_000, currency="IQD"))


def test_unreachable_stripe_is_retryable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stripe_driver, "MAX_NETWORK_RETRIES", 0)
    configure(monkeypatch, f"http://127.0.0.1:{free_port()}/stripe")
    with pytest.raises(PaymentError) as failed:
        build().get_status("pi_x")
    assert failed.value.retryable is True


def test_build_needs_the_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    with pytest.raises(PaymentError, match="STRIPE_SECRET_KEY"):
        build()


def test_registry_builds_the_stripe_driver(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(monkeypatch, f"{sandbox.url}/stripe")
    monkeypatch.setenv("PAYMENT_PROVIDERS", "stripe")
    reset_settings()
    registry.reset()
    try:
        assert isinstance(registry.get("stripe"), StripeDriver)
    finally:
        registry.reset()


# -- webhooks ------------------------------------------------------------------------------


@pytest.fixture
def delivered(driver: StripeDriver, sandbox: Sandbox) -> SimpleNamespace:
    ref = driver.create_payment(order()).provider_ref
    lever(sandbox, ref, "complete")
    [callback] = sandbox.callbacks
    return SimpleNamespace(ref=ref, headers=callback.headers, body=callback.body)


def test_forged_body_is_rejected(driver: StripeDriver, delivered: SimpleNamespace) -> None:
    forged = delivered.body.replace(delivered.ref.encode(), b"pi_forged000000000000000")
    with pytest.raises(CallbackRejected):
        driver.parse_callback(delivered.headers, forged)


def test_signature_with_another_secret_is_rejected(
    driver: StripeDriver, delivered: SimpleNamespace
) -> None:
    with pytest.raises(CallbackRejected):
        driver.parse_callback(signed(delivered.body, secret="whsec_attacker"), delivered.body)


def test_stale_signature_is_rejected(driver: StripeDriver, delivered: SimpleNamespace) -> None:
    fresh = signed(delivered.body, at=int(time.time()) - 200)
    assert driver.parse_callback(fresh, delivered.body).provider_ref == delivered.ref
    with pytest.raises(CallbackRejected, match="tolerance"):
        driver.parse_callback(signed(delivered.body, at=int(time.time()) - 301), delivered.body)


def test_future_signature_is_rejected(driver: StripeDriver, delivered: SimpleNamespace) -> None:
    with pytest.raises(CallbackRejected, match="future"):
        driver.parse_callback(signed(delivered.body, at=int(time.time()) + 600), delivered.body)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, b"{}"),
        ({"Stripe-Signature": "garbage"}, b"{}"),
        (signed(b"not json"), b"not json"),
        (signed(b'{"id": "evt_1", "object": "event"}'), b'{"id": "evt_1", "object": "event"}'),
        (signed(b"\xff\xfe"), b"\xff\xfe"),
    ],
)
def test_malformed_callbacks_are_rejected(
    driver: StripeDriver, headers: dict[str, str], body: bytes
) -> None:
    with pytest.raises(CallbackRejected):
        driver.parse_callback(headers, body)


def test_refund_events_name_the_payment_intent(driver: StripeDriver) -> None:
    event = {
        "id": "evt_refund",
        "object": "event",
        "type": "charge.refunded",
        "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": "pi_123"}},
    }
    body = json.dumps(event).encode()
    parsed = driver.parse_callback(signed(body), body)
    assert (parsed.provider_ref, parsed.event_id) == ("pi_123", "evt_refund")


# -- the sandbox as Stripe: auth, error shape, form params, replays ------------------------


def test_sandbox_speaks_stripe(sandbox: Sandbox) -> None:
    url = f"{sandbox.url}/stripe/v1/payment_intents"
    unauthorised = requests.post(url, data={"amount": 100}, timeout=10)
    assert unauthorised.status_code == 401
    assert unauthorised.json()["error"]["type"] == "invalid_request_error"
    wrong = requests.post(url, headers={"Authorization": "Bearer sk_test_no"}, timeout=10)
    assert wrong.status_code == 401
    assert "Invalid API Key" in wrong.json()["error"]["message"]

    auth = {"Authorization": f"Bearer {SECRET_KEY}", "Idempotency-Key": "k1"}
    form = {"amount": "1200", "currency": "EUR", "metadata[payment_id]": "pay_9"}
    created = requests.post(url, data=form, headers=auth, timeout=10)
    assert created.status_code == 200
    body = created.json()
    assert (body["object"], body["currency"], body["metadata"]) == (
        "payment_intent",
        "eur",
        {"payment_id": "pay_9"},
    )
    replay = requests.post(url, data=form, headers=auth, timeout=10)
    assert replay.json()["id"] == body["id"]
    assert replay.headers["Idempotent-Replayed"] == "true"

    unknown = requests.post(
        url, data={**form, "colour": "red"}, headers=auth | {"Idempotency-Key": "k2"}, timeout=10
    )
    assert unknown.status_code == 400
    assert unknown.json()["error"] == {
        "type": "invalid_request_error",
        "message": "Received unknown parameter: colour",
        "code": "parameter_unknown",
        "doc_url": "https://stripe.com/docs/error-codes/parameter-unknown",
        "param": "colour",
    }
    missing = requests.post(
        url, data={"currency": "usd"}, headers={"Authorization": auth["Authorization"]}, timeout=10
    )
    assert missing.json()["error"]["code"] == "parameter_missing"


def test_a_failed_webhook_delivery_is_reported_not_raised() -> None:
    router = Router()
    closed = f"http://127.0.0.1:{free_port()}"
    register(router, SimpleNamespace(api_url=closed, sandbox_url="http://sandbox.invalid"))
    auth = {
        "authorization": f"Bearer {SECRET_KEY}",
        "content-type": "application/x-www-form-urlencoded",
    }
    create, _ = router.resolve("POST", "/stripe/v1/payment_intents")
    body = b"amount=5000&currency=usd"
    created = create(Request("POST", "/stripe/v1/payment_intents", {}, auth, body))
    ref = created.body["id"]  # type: ignore[union-attr]
    complete, params = router.resolve("POST", f"/stripe/payments/{ref}/complete")
    answer = complete(Request("POST", "", {}, {}, b"", params))
    assert isinstance(answer, dict)
    assert answer["status"] == "succeeded"
    assert answer["callback"]["url"] == f"{closed}/v1/payments/webhook/stripe"
    assert answer["callback"]["status_code"] is None
    assert answer["callback"]["error"]
