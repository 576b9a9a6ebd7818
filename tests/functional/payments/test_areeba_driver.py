"""The areeba driver against the areeba (IXOPAY) sandbox over real sockets: GIVEN the
sandbox and the driver built from the environment, WHEN a payment goes through its life,
THEN the driver reports what the gateway would, and signatures hold both ways."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
import requests

from chalicelib.payments.areeba import driver as areeba
from chalicelib.payments.base import CallbackRejected, Order, PaymentError
from chalicelib.settings import reset_settings
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.functional.payments.levers import payer_lever
from tests.payments_sandbox import Callback, Sandbox
from tests.support import free_port

BASE_PATH = "/areeba/api/v3"
WEBHOOK = "/v1/payments/webhook/areeba"

PROVIDER = "areeba"  # the sandbox the shared fixtures serve (conftest.py)


@pytest.fixture
def settings(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AREEBA_BASE_URL", f"{sandbox.url}{BASE_PATH}")
    for name in ("API_KEY", "USERNAME", "PASSWORD", "SHARED_SECRET"):
        monkeypatch.setenv(f"AREEBA_{name}", SANDBOX_SECRETS[f"AREEBA_{name}"])
    monkeypatch.setenv("PUBLIC_API_URL", sandbox.api_url)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def driver(settings: None) -> areeba.AreebaDriver:
    return areeba.build()


def _order(sandbox: Sandbox, amount: int = 25_000, **changes: object) -> Order:
    fields: dict[str, object] = {
        "payment_id": "pay-1",
        "order_ref": f"ORD{uuid.uuid4().hex[:20].upper()}",
        "amount": amount,
        "currency": "IQD",
        "description": "Wedding photography deposit",
        "callback_url": f"{sandbox.api_url}{WEBHOOK}",
        "return_url": "https://app.example.com/payments/pay-1",
        **changes,
    }
    return Order(**fields)  # type: ignore[arg-type]


def _payer(sandbox: Sandbox, provider_ref: str, outcome: str) -> dict[str, object]:
    answer = payer_lever(sandbox, PROVIDER, provider_ref, outcome)
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def _only_callback(sandbox: Sandbox) -> Callback:
    assert len(sandbox.callbacks) == 1
    return sandbox.callbacks[0]


# -- the life of a payment ----------------------------------------------------------------


def test_a_paid_debit_calls_back_signed_and_reads_succeeded(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    order = _order(sandbox)

    payment = driver.create_payment(order)

    assert payment.action.type == "redirect"
    assert payment.action.url == f"{sandbox.url}/areeba/redirect/{payment.provider_ref}"
    assert payment.raw["returnType"] == "REDIRECT"
    pending = driver.get_status(payment.provider_ref)
    assert (pending.state, pending.amount, pending.currency) == ("pending", 25_000, "IQD")
    assert pending.raw["transactionStatus"] == "REDIRECT"

    moved = _payer(sandbox, payment.provider_ref, "complete")

    assert moved["status"] == "SUCCESS"
    assert moved["callback"] == {
        "url": order.callback_url,
        "status_code": 200,
        "answer": '{"received": true}',
    }
    callback = _only_callback(sandbox)
    assert callback.path == WEBHOOK
    assert callback.headers["x-signature"]
    assert json.loads(callback.body)["result"] == "OK"
    ref = driver.parse_callback(callback.headers, callback.body)
    assert ref.provider_ref == payment.provider_ref
    assert ref.order_ref == order.order_ref
    assert ref.answer == "OK"
    paid = driver.get_status(payment.provider_ref)
    assert (paid.state, paid.amount, paid.currency) == ("succeeded", 25_000, "IQD")


def test_usd_amounts_travel_as_decimal_strings(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    payment = driver.create_payment(_order(sandbox, 1250, currency="USD"))
    _payer(sandbox, payment.provider_ref, "complete")

    paid = driver.get_status(payment.provider_ref)

    assert paid.raw["amount"] == "12.50"
    assert (paid.state, paid.amount, paid.currency) == ("succeeded", 1250, "USD")


def test_a_declined_debit_calls_back_with_error_and_reads_failed(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    payment = driver.create_payment(_order(sandbox))

    moved = _payer(sandbox, payment.provider_ref, "fail")

    assert moved["status"] == "ERROR"
    callback = _only_callback(sandbox)
    body = json.loads(callback.body)
    assert (body["result"], body["code"]) == ("ERROR", 2003)
    assert driver.parse_callback(callback.headers, callback.body).provider_ref == (
        payment.provider_ref
    )
    failed = driver.get_status(payment.provider_ref)
    assert failed.state == "failed"
    assert failed.raw["errors"][0]["adapterCode"] == "05"


def test_a_finished_debit_cannot_be_moved_again(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    payment = driver.create_payment(_order(sandbox))
    _payer(sandbox, payment.provider_ref, "complete")

    again = requests.post(f"{sandbox.url}/areeba/payments/{payment.provider_ref}/fail", timeout=10)

    assert again.status_code == 409
    assert driver.get_status(payment.provider_ref).state == "succeeded"


def test_without_a_return_url_the_payer_lands_on_the_api(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    payment = driver.create_payment(_order(sandbox, return_url=None))

    page = requests.get(payment.action.url or "", timeout=10).json()

    assert page["uuid"] == payment.provider_ref
    assert page["amount"] == "25000"


# -- refunds, cancel, payout ----------------------------------------------------------------


def test_partial_refunds_up_to_the_paid_amount(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    payment = driver.create_payment(_order(sandbox, 1250, currency="USD"))
    _payer(sandbox, payment.provider_ref, "complete")

    first = driver.refund(payment.provider_ref, 500, "USD", reference="RFD1" + uuid.uuid4().hex[:8])

    assert first.state == "refunded"
    assert first.refund_ref != payment.provider_ref
    refund_status = driver.get_status(first.refund_ref)
    assert (refund_status.state, refund_status.amount) == ("refunded", 500)
    assert refund_status.raw["transactionType"] == "REFUND"
    with pytest.raises(PaymentError, match="exceeds"):
        driver.refund(payment.provider_ref, 751, "USD", reference="RFD2" + uuid.uuid4().hex[:8])
    rest = driver.refund(payment.provider_ref, 750, "USD", reference="RFD3" + uuid.uuid4().hex[:8])
    assert rest.state == "refunded"
    # The debit itself stays SUCCESS: IXOPAY reports refunds as their own transactions.
    assert driver.get_status(payment.provider_ref).state == "succeeded"


def test_an_unpaid_debit_cannot_be_refunded(sandbox: Sandbox, driver: areeba.AreebaDriver) -> None:
    payment = driver.create_payment(_order(sandbox))

    with pytest.raises(PaymentError, match="not refundable") as refused:
        driver.refund(payment.provider_ref, 25_000, "IQD", reference="RFD" + uuid.uuid4().hex[:8])

    assert refused.value.retryable is False
    assert refused.value.details["error_code"] == 3003


def test_a_refund_reference_is_used_once(sandbox: Sandbox, driver: areeba.AreebaDriver) -> None:
    payment = driver.create_payment(_order(sandbox))
    _payer(sandbox, payment.provider_ref, "complete")
    reference = "RFD" + uuid.uuid4().hex[:8]
    driver.refund(payment.provider_ref, 1000, "IQD", reference=reference)

    with pytest.raises(PaymentError, match="already been used"):
        driver.refund(payment.provider_ref, 1000, "IQD", reference=reference)


def test_capabilities_are_honest_and_cancel_and_payout_refuse(
    driver: areeba.AreebaDriver,
) -> None:
    assert driver.capabilities.currencies == frozenset({"IQD", "USD"})
    assert (driver.capabilities.refund, driver.capabilities.partial_refund) == (True, True)
    assert (driver.capabilities.cancel, driver.capabilities.payout) == (False, False)
    assert driver.capabilities.signed_callbacks is True
    with pytest.raises(PaymentError, match="cannot be cancelled"):
        driver.cancel("abcde12345abcde12345")
    with pytest.raises(PaymentError, match="payouts"):
        driver.payout({"iban": "IQ00"}, 1000, "IQD", reference="PO1")


# -- callbacks ----------------------------------------------------------------------------


def _paid_callback(sandbox: Sandbox, driver: areeba.AreebaDriver) -> Callback:
    payment = driver.create_payment(_order(sandbox))
    _payer(sandbox, payment.provider_ref, "complete")
    return _only_callback(sandbox)


def test_a_forged_callback_signature_is_rejected(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    callback = _paid_callback(sandbox, driver)
    forged = {**callback.headers, "x-signature": "Zm9yZ2Vk" * 11}

    with pytest.raises(CallbackRejected, match="does not match"):
        driver.parse_callback(forged, callback.body)


def test_a_tampered_callback_body_is_rejected(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    callback = _paid_callback(sandbox, driver)
    tampered = callback.body.replace(b'"25000"', b'"1"')
    assert tampered != callback.body

    with pytest.raises(CallbackRejected):
        driver.parse_callback(callback.headers, tampered)


def test_an_unsigned_callback_is_rejected_when_a_secret_is_set(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    callback = _paid_callback(sandbox, driver)
    unsigned = {k: v for k, v in callback.headers.items() if k != "x-signature"}

    with pytest.raises(CallbackRejected, match="not signed"):
        driver.parse_callback(unsigned, callback.body)


def test_a_callback_signed_for_another_path_is_rejected(
    sandbox: Sandbox, settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    callback = _paid_callback(sandbox, areeba.build())
    monkeypatch.setenv("PUBLIC_API_URL", f"{sandbox.api_url}/stage")
    reset_settings()

    with pytest.raises(CallbackRejected):
        areeba.build().parse_callback(callback.headers, callback.body)


def test_a_signed_but_malformed_callback_is_rejected(driver: areeba.AreebaDriver) -> None:
    from datetime import UTC, datetime

    from chalicelib.payments.areeba import signing

    body = b'{"result":"OK"}'
    date = signing.http_date(datetime.now(UTC))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Date": date,
        "X-Signature": signing.signature(
            SANDBOX_SECRETS["AREEBA_SHARED_SECRET"],
            method="POST",
            body=body,
            content_type="application/json; charset=utf-8",
            date=date,
            uri=WEBHOOK,
        ),
    }

    with pytest.raises(CallbackRejected, match="no transaction uuid"):
        driver.parse_callback(headers, body)


def test_without_a_shared_secret_requests_go_unsigned_and_callbacks_are_only_parsed(
    sandbox: Sandbox, settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AREEBA_SHARED_SECRET")
    driver = areeba.build()
    assert driver.capabilities.signed_callbacks is False

    payment = driver.create_payment(_order(sandbox))
    _payer(sandbox, payment.provider_ref, "complete")
    callback = _only_callback(sandbox)
    bare = {"content-type": "application/json"}

    assert driver.parse_callback(bare, callback.body).provider_ref == payment.provider_ref
    with pytest.raises(CallbackRejected, match="not JSON"):
        driver.parse_callback(bare, b"<callback/>")


# -- vendor errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("AREEBA_PASSWORD", "wrong-password", "Invalid credentials"),
        ("AREEBA_USERNAME", "someone-else", "Invalid credentials"),
        ("AREEBA_API_KEY", "wrong-key", "Invalid API key"),
        ("AREEBA_SHARED_SECRET", "wrong-secret", "Invalid signature"),
    ],
)
def test_wrong_credentials_are_a_payment_error(
    sandbox: Sandbox,
    settings: None,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(name, value)
    driver = areeba.build()

    with pytest.raises(PaymentError, match=message) as refused:
        driver.create_payment(_order(sandbox))

    assert refused.value.retryable is False
    assert refused.value.details["http_status"] == 401
    assert "wrong-key" not in str(refused.value)  # the API key rides in the path: not logged


def test_a_reused_merchant_transaction_id_is_refused(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    order = _order(sandbox)
    driver.create_payment(order)

    with pytest.raises(PaymentError, match="debit refused: merchantTransactionId") as refused:
        driver.create_payment(order)

    assert refused.value.details["error_code"] == 3004


def test_an_unknown_transaction_is_a_payment_error(driver: areeba.AreebaDriver) -> None:
    with pytest.raises(PaymentError, match="Transaction not found") as refused:
        driver.get_status("00000000000000000000")

    assert refused.value.details["error_code"] == 8001


def test_unsupported_money_is_refused_before_calling(
    sandbox: Sandbox, driver: areeba.AreebaDriver
) -> None:
    with pytest.raises(PaymentError, match="EUR is not supported"):
        driver.create_payment(_order(sandbox, 1000, currency="EUR"))
    with pytest.raises(PaymentError, match="positive"):
        driver.create_payment(_order(sandbox, 0))
    with pytest.raises(PaymentError, match="EUR is not supported"):
        driver.refund("abcde12345abcde12345", 100, "EUR", reference="RFD1")


def test_a_wrong_base_path_is_a_payment_error(
    sandbox: Sandbox, settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AREEBA_BASE_URL", f"{sandbox.url}/areeba/api/v2")

    with pytest.raises(PaymentError, match="HTTP 404") as refused:
        areeba.build().get_status("abcde12345abcde12345")

    assert refused.value.retryable is False


def test_an_unreachable_gateway_is_retryable(
    settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AREEBA_BASE_URL", f"http://127.0.0.1:{free_port()}/api/v3")

    with pytest.raises(PaymentError, match="status failed") as refused:
        areeba.build().get_status("abcde12345abcde12345")

    assert refused.value.retryable is True


def test_missing_settings_are_a_payment_error(
    settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AREEBA_API_KEY")

    with pytest.raises(PaymentError, match="AREEBA_API_KEY is not configured"):
        areeba.build()
