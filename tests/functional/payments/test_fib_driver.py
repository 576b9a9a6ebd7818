"""The FIB driver against the FIB sandbox: the real paths, token handling, callbacks."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

import devstack.sandbox.providers.fib as fib_sandbox
from chalicelib.payments import registry
from chalicelib.payments.base import CallbackRejected, Order, PaymentError
from chalicelib.payments.fib.driver import FibDriver, build
from chalicelib.settings import reset_settings
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.functional.payments.levers import payer_lever
from tests.payments_sandbox import Sandbox

CLIENT = {
    "client_id": SANDBOX_SECRETS["FIB_CLIENT_ID"],
    "client_secret": SANDBOX_SECRETS["FIB_CLIENT_SECRET"],
}

PROVIDER = "fib"  # the sandbox the shared fixtures serve (conftest.py)


@pytest.fixture
def driver(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> FibDriver:
    monkeypatch.setenv("FIB_BASE_URL", f"{sandbox.url}/fib")
    monkeypatch.setenv("FIB_CLIENT_ID", CLIENT["client_id"])
    monkeypatch.setenv("FIB_CLIENT_SECRET", CLIENT["client_secret"])
    return build()


def order(sandbox: Sandbox, amount: int = 25_000, **changes: Any) -> Order:
    fields: dict[str, Any] = {
        "payment_id": "pay_01",
        "order_ref": "ord0000001",
        "amount": amount,
        "currency": "IQD",
        "description": "Booking 42: portrait session",
        "callback_url": f"{sandbox.api_url}/v1/payments/webhook/fib",
        **changes,
    }
    return Order(**fields)


def lever(sandbox: Sandbox, ref: str, action: str, body: Any = None) -> requests.Response:
    return payer_lever(sandbox, PROVIDER, ref, action, body)


def token_requests(sandbox: Sandbox) -> int:
    stats = requests.get(f"{sandbox.url}/fib/sandbox/stats", timeout=10).json()
    return int(stats["token_requests"])


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_create_complete_callback_and_status(sandbox: Sandbox, driver: FibDriver) -> None:
    tokens = token_requests(sandbox)
    before = datetime.now(UTC)
    payment = driver.create_payment(order(sandbox, return_url="https://app.example/done"))

    assert payment.provider_ref == payment.raw["paymentId"]
    action = payment.action
    assert action.type == "qr"
    assert action.qr_code is not None
    assert action.qr_code.startswith("data:image/png;base64,")
    assert action.deeplinks is not None
    assert set(action.deeplinks) == {"personal", "business", "corporate"}
    assert action.deeplinks["personal"] == payment.raw["personalAppLink"]
    assert action.expires_at is not None
    # expiresIn PT30M, as the driver asks
    assert timedelta(minutes=29) < action.expires_at - before < timedelta(minutes=31)
    assert len(payment.raw["readableCode"]) == 14

    pending = driver.get_status(payment.provider_ref)
    assert (pending.state, pending.amount, pending.currency) == ("pending", 25_000, "IQD")

    answer = lever(sandbox, payment.provider_ref, "complete")
    assert answer.status_code == 200
    assert answer.json()["provider_ref"] == payment.provider_ref
    assert answer.json()["status"] == "PAID"
    assert answer.json()["callback"]["status_code"] == 200

    assert len(sandbox.callbacks) == 1
    callback = sandbox.callbacks[0]
    assert callback.path == "/v1/payments/webhook/fib"
    assert json.loads(callback.body) == {"id": payment.provider_ref, "status": "PAID"}
    ref = driver.parse_callback(callback.headers, callback.body)
    assert ref.provider_ref == payment.provider_ref
    assert ref.event_id is None

    paid = driver.get_status(payment.provider_ref)
    assert (paid.state, paid.amount, paid.currency) == ("succeeded", 25_000, "IQD")
    assert paid.raw["paidAt"] is not None
    # One token served every call.
    assert token_requests(sandbox) == tokens + 1


def test_long_descriptions_are_cut_to_fibs_50_characters(
    sandbox: Sandbox, driver: FibDriver
) -> None:
    # The sandbox refuses descriptions over 50 characters, as FIB does.
    payment = driver.create_payment(order(sandbox, description="x" * 80))
    assert driver.get_status(payment.provider_ref).state == "pending"


@pytest.mark.parametrize(
    ("reason", "state"),
    [(None, "cancelled"), ("SERVER_FAILURE", "failed"), ("PAYMENT_EXPIRATION", "expired")],
)
def test_fail_calls_back_declined(
    sandbox: Sandbox, driver: FibDriver, reason: str | None, state: str
) -> None:
    payment = driver.create_payment(order(sandbox))
    answer = lever(sandbox, payment.provider_ref, "fail", {"reason": reason} if reason else None)

    assert answer.status_code == 200
    assert answer.json()["status"] == "DECLINED"
    assert answer.json()["callback"]["status_code"] == 200
    body = json.loads(sandbox.callbacks[0].body)
    assert body == {"id": payment.provider_ref, "status": "DECLINED"}
    assert driver.parse_callback({}, sandbox.callbacks[0].body).provider_ref == payment.provider_ref
    status = driver.get_status(payment.provider_ref)
    assert status.state == state
    assert status.raw["decliningReason"] == (reason or "PAYMENT_CANCELLATION")
    # A declined payment cannot then be paid.
    assert lever(sandbox, payment.provider_ref, "complete").status_code == 409


def test_an_unpaid_payment_expires_at_valid_until(
    sandbox: Sandbox, driver: FibDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = driver.create_payment(order(sandbox))
    later = datetime.now(UTC) + timedelta(minutes=31)
    monkeypatch.setattr(fib_sandbox, "_now", lambda: later)
    status = driver.get_status(payment.provider_ref)
    assert (status.state, status.raw["decliningReason"]) == ("expired", "PAYMENT_EXPIRATION")


def test_full_refund_goes_refund_requested_then_refunded(
    sandbox: Sandbox, driver: FibDriver
) -> None:
    payment = driver.create_payment(order(sandbox, amount=12_000))
    lever(sandbox, payment.provider_ref, "complete")

    refund = driver.refund(payment.provider_ref, 12_000, "IQD", reference="refund-1")
    assert (refund.refund_ref, refund.state) == (payment.provider_ref, "refund_pending")

    first = driver.get_status(payment.provider_ref)
    assert (first.state, first.amount) == ("refund_pending", 12_000)
    assert driver.get_status(payment.provider_ref).state == "refunded"
    # Asking again reports the refund instead of failing on a payment no longer PAID.
    again = driver.refund(payment.provider_ref, 12_000, "IQD", reference="refund-1")
    assert again.state == "refunded"


def test_partial_refunds_are_refused(sandbox: Sandbox, driver: FibDriver) -> None:
    assert driver.capabilities.partial_refund is False
    payment = driver.create_payment(order(sandbox, amount=12_000))
    lever(sandbox, payment.provider_ref, "complete")

    with pytest.raises(PaymentError, match="full amount only") as refused:
        driver.refund(payment.provider_ref, 5_000, "IQD", reference="refund-1")
    assert refused.value.retryable is False
    assert driver.get_status(payment.provider_ref).state == "succeeded"


def test_refunding_an_unpaid_payment_is_fibs_error(sandbox: Sandbox, driver: FibDriver) -> None:
    payment = driver.create_payment(order(sandbox))
    with pytest.raises(PaymentError) as refused:
        driver.refund(payment.provider_ref, 25_000, "IQD", reference="refund-1")
    assert refused.value.details["fib_code"] == "TRANSACTION_STATUS_IS_NOT_PAID"
    assert refused.value.details["status_code"] == 400
    assert refused.value.retryable is False


def test_cancel(sandbox: Sandbox, driver: FibDriver) -> None:
    payment = driver.create_payment(order(sandbox))
    driver.cancel(payment.provider_ref)

    status = driver.get_status(payment.provider_ref)
    assert (status.state, status.raw["decliningReason"]) == ("cancelled", "PAYMENT_CANCELLATION")
    assert sandbox.callbacks == []
    with pytest.raises(PaymentError) as refused:
        driver.cancel(payment.provider_ref)
    assert refused.value.details["fib_code"] == "PAYMENT_CANNOT_BE_CANCELLED"
    assert lever(sandbox, payment.provider_ref, "complete").status_code == 409


def test_payout_to_a_fib_iban_is_authorised(sandbox: Sandbox, driver: FibDriver) -> None:
    payout = driver.payout(
        {"iban": "iq23 fiqb 0040 7362 8710 001"}, 10_000, "IQD", reference="payout-7"
    )
    assert payout.state == "pending"
    assert payout.payout_ref

    status = driver.payout_status(payout.payout_ref)
    assert status.state == "paid"
    assert status.raw["targetAccountIban"] == "IQ23FIQB004073628710001"
    assert status.raw["amount"] == {"amount": 10_000, "currency": "IQD"}
    assert status.raw["description"] == "payout-7"


def test_payout_to_another_bank_fails(sandbox: Sandbox, driver: FibDriver) -> None:
    payout = driver.payout({"iban": "IQ20RAFB004073628710001"}, 10_000, "IQD", reference="p-8")
    assert driver.payout_status(payout.payout_ref).state == "failed"


def test_payout_refusals(sandbox: Sandbox, driver: FibDriver) -> None:
    with pytest.raises(PaymentError) as bad_iban:
        driver.payout({"iban": "DE89370400440532013000"}, 10_000, "IQD", reference="p-9")
    assert bad_iban.value.details["fib_code"] == "INVALID_IBAN"
    with pytest.raises(PaymentError, match="iban"):
        driver.payout({}, 10_000, "IQD", reference="p-9")
    with pytest.raises(PaymentError, match="IQD only"):
        driver.payout({"iban": "IQ23FIQB004073628710001"}, 10_000, "USD", reference="p-9")
    with pytest.raises(PaymentError) as unknown:
        driver.payout_status("no-such-payout")
    assert unknown.value.details["status_code"] == 404


def test_small_amounts_and_other_currencies_are_refused_before_calling(
    sandbox: Sandbox, driver: FibDriver
) -> None:
    tokens = token_requests(sandbox)
    with pytest.raises(PaymentError, match="above 250"):
        driver.create_payment(order(sandbox, amount=250))
    with pytest.raises(PaymentError, match="IQD only"):
        driver.create_payment(order(sandbox, currency="USD"))
    assert token_requests(sandbox) == tokens
    assert driver.create_payment(order(sandbox, amount=251)).provider_ref


def test_wrong_credentials(sandbox: Sandbox) -> None:
    wrong = FibDriver(base_url=f"{sandbox.url}/fib", client_id="sandbox-client", client_secret="x")
    with pytest.raises(PaymentError, match="credentials refused") as refused:
        wrong.create_payment(order(sandbox))
    assert refused.value.retryable is False
    assert refused.value.details["status_code"] == 401


def test_missing_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FIB_CLIENT_ID", raising=False)
    monkeypatch.setenv("FIB_CLIENT_SECRET", "x")
    with pytest.raises(PaymentError, match="FIB_CLIENT_ID"):
        build()


def test_fib_error_bodies_become_payment_errors(sandbox: Sandbox, driver: FibDriver) -> None:
    with pytest.raises(PaymentError, match="no payment") as missing:
        driver.get_status("0b8e2c6e-0000-0000-0000-000000000000")
    assert missing.value.details["fib_code"] == "PAYMENT_NOT_FOUND"
    assert missing.value.details["status_code"] == 404
    assert missing.value.retryable is False


def test_a_wrong_base_url_is_a_payment_error(sandbox: Sandbox) -> None:
    lost = FibDriver(base_url=sandbox.url, **CLIENT)  # missing the /fib base path
    with pytest.raises(PaymentError, match="HTTP 404"):
        lost.get_status("anything")


def test_an_unreachable_fib_is_retryable() -> None:
    from tests.support import free_port

    gone = FibDriver(base_url=f"http://127.0.0.1:{free_port()}", **CLIENT)
    with pytest.raises(PaymentError) as unreachable:
        gone.get_status("anything")
    assert unreachable.value.retryable is True


def test_one_token_serves_many_calls(sandbox: Sandbox, driver: FibDriver) -> None:
    tokens = token_requests(sandbox)
    payment = driver.create_payment(order(sandbox))
    for _ in range(4):
        driver.get_status(payment.provider_ref)
    driver.cancel(payment.provider_ref)
    assert token_requests(sandbox) == tokens + 1


def test_the_token_is_renewed_a_little_before_it_expires(sandbox: Sandbox) -> None:
    tokens = token_requests(sandbox)
    clock = FakeClock()
    fib = FibDriver(base_url=f"{sandbox.url}/fib", clock=clock, **CLIENT)
    payment = fib.create_payment(order(sandbox))
    clock.now += 45  # of the token's 60 s
    fib.get_status(payment.provider_ref)
    assert token_requests(sandbox) == tokens + 1
    clock.now += 10  # 55 s: inside the safety margin
    fib.get_status(payment.provider_ref)
    assert token_requests(sandbox) == tokens + 2


def test_a_token_fib_no_longer_takes_is_replaced_once(
    sandbox: Sandbox, driver: FibDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = driver.create_payment(order(sandbox))
    tokens = token_requests(sandbox)
    # FIB's clock runs past the token's life while the driver thinks it fresh: one 401.
    later = time.monotonic() + 120
    monkeypatch.setattr(fib_sandbox, "_clock", lambda: later)
    assert driver.get_status(payment.provider_ref).state == "pending"
    assert token_requests(sandbox) == tokens + 1


def test_a_token_refused_twice_is_an_error_not_a_loop(
    sandbox: Sandbox, driver: FibDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = token_requests(sandbox)
    monkeypatch.setattr(fib_sandbox, "TOKEN_LIFETIME_SECONDS", 0)
    with pytest.raises(PaymentError, match="HTTP 401") as refused:
        driver.get_status("anything")
    assert refused.value.details["fib_code"] == "UNAUTHORIZED"
    assert token_requests(sandbox) == tokens + 2


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"status": "PAID"}', b'{"id": ""}', b'{"id": 7}', b"\xff"]
)
def test_malformed_callbacks_are_rejected(body: bytes) -> None:
    fib = FibDriver(base_url="https://fib.invalid", **CLIENT)  # parsing calls nobody
    with pytest.raises(CallbackRejected):
        fib.parse_callback({"content-type": "application/json"}, body)


def test_the_registry_builds_the_fib_driver(
    driver: FibDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAYMENT_PROVIDERS", "fib")
    reset_settings()
    registry.reset()
    try:
        built = registry.get("fib")
        assert isinstance(built, FibDriver)
        assert built.capabilities.currencies == frozenset({"IQD"})
        assert (built.capabilities.cancel, built.capabilities.payout) == (True, True)
        assert built.capabilities.signed_callbacks is False
    finally:
        registry.reset()
