"""The FastPay driver against the FastPay sandbox over real sockets: GIVEN the sandbox and
the driver built from the environment, WHEN a payment goes through its life, THEN the
driver reports what FastPay would."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests

from chalicelib.payments.base import Order, PaymentError
from chalicelib.payments.fastpay import driver as fastpay
from devstack.sandbox.providers import SANDBOX_SECRETS
from tests.functional.payments.levers import payer_lever
from tests.payments_sandbox import Sandbox
from tests.support import free_port

API = "/fastpay/api/v1/public/pgw/payment"
CUSTOMER = f"+{SANDBOX_SECRETS['FASTPAY_MSISDN']}"

PROVIDER = "fastpay"  # the sandbox the shared fixtures serve (conftest.py)


@pytest.fixture
def settings(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FASTPAY_BASE_URL", f"{sandbox.url}/fastpay")
    for name in ("STORE_ID", "STORE_PASSWORD", "REFUND_SECRET", "MSISDN"):
        monkeypatch.setenv(f"FASTPAY_{name}", SANDBOX_SECRETS[f"FASTPAY_{name}"])


@pytest.fixture
def driver(settings: None) -> fastpay.FastPayDriver:
    return fastpay.build()


def _order(sandbox: Sandbox, amount: int = 25_000, **changes: Any) -> Order:
    fields: dict[str, object] = {
        "payment_id": "pay-1",
        "order_ref": f"ORD{uuid.uuid4().hex[:20].upper()}",
        "amount": amount,
        "currency": "IQD",
        "description": "Wedding photography deposit",
        "callback_url": f"{sandbox.api_url}/v1/payments/webhook/fastpay",
        "return_url": "https://app.example.com/payments/pay-1",
        **changes,
    }
    return Order(**fields)  # type: ignore[arg-type]


def _lever(sandbox: Sandbox, ref: str, outcome: str, **body: object) -> dict[str, object]:
    answer = payer_lever(sandbox, PROVIDER, ref, outcome, body)
    assert answer.status_code == 200, answer.text
    result: dict[str, object] = answer.json()
    return result


def _paid(driver: fastpay.FastPayDriver, sandbox: Sandbox, amount: int = 25_000) -> str:
    ref = driver.create_payment(_order(sandbox, amount)).provider_ref
    _lever(sandbox, ref, "complete")
    return ref


def test_a_payment_is_created_paid_called_back_and_validated(
    driver: fastpay.FastPayDriver, sandbox: Sandbox
) -> None:
    order = _order(sandbox)

    payment = driver.create_payment(order)

    assert payment.provider_ref == order.order_ref
    assert payment.action.type == "redirect"
    assert payment.action.url == f"{sandbox.url}/fastpay/pay/{order.order_ref}"
    page = requests.get(payment.action.url, timeout=5).json()
    assert page["bill_amount"] == 25_000
    assert page["cart"] == [{"name": "Wedding photography deposit", "qty": 1, "unit_price": 25_000}]
    assert driver.get_status(payment.provider_ref).state == "pending"

    completed = _lever(sandbox, payment.provider_ref, "complete")

    assert completed["provider_ref"] == order.order_ref
    assert completed["status"] == "Success"
    assert completed["callback"] == {"url": order.callback_url, "status_code": 200}
    assert len(sandbox.callbacks) == 1
    callback = sandbox.callbacks[0]
    assert callback.path == "/v1/payments/webhook/fastpay"
    assert json.loads(callback.body)["received_amount"] == "25000.00"
    ref = driver.parse_callback(callback.headers, callback.body)
    assert ref.provider_ref == order.order_ref
    assert ref.event_id == json.loads(callback.body)["gw_transaction_id"]
    status = driver.get_status(ref.provider_ref or "")
    assert (status.state, status.amount, status.currency) == ("succeeded", 25_000, "IQD")
    assert status.raw["data"]["merchant_order_id"] == order.order_ref


def test_an_underpayment_reports_what_was_received(
    driver: fastpay.FastPayDriver, sandbox: Sandbox
) -> None:
    ref = driver.create_payment(_order(sandbox, 25_000)).provider_ref

    _lever(sandbox, ref, "complete", received_amount=20_000)

    assert driver.get_status(ref).amount == 20_000


def test_a_failed_payment_sends_no_callback_and_validates_failed(
    driver: fastpay.FastPayDriver, sandbox: Sandbox
) -> None:
    ref = driver.create_payment(_order(sandbox)).provider_ref

    failed = _lever(sandbox, ref, "fail")

    assert failed == {"provider_ref": ref, "status": "Failed", "callback": None}
    assert sandbox.callbacks == []
    assert driver.get_status(ref).state == "failed"


def test_a_settled_payment_cannot_be_settled_again(
    driver: fastpay.FastPayDriver, sandbox: Sandbox
) -> None:
    ref = _paid(driver, sandbox)

    again = requests.post(f"{sandbox.url}/fastpay/payments/{ref}/fail", timeout=5)

    assert again.status_code == 409
    assert driver.get_status(ref).state == "succeeded"


def test_an_unreachable_callback_is_reported_not_fatal(
    driver: fastpay.FastPayDriver, sandbox: Sandbox
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1/payments/webhook/fastpay"
    ref = driver.create_payment(_order(sandbox, callback_url=dead)).provider_ref

    completed = _lever(sandbox, ref, "complete")

    assert completed["callback"] == {"url": dead, "status_code": None, "error": "ConnectionError"}
    assert driver.get_status(ref).state == "succeeded"


def test_partial_refunds_up_to_the_amount_paid(
    driver: fastpay.FastPayDriver, sandbox: Sandbox
) -> None:
    ref = _paid(driver, sandbox, 10_000)
    assert driver.refund_status(ref).state == "refund_pending"

    first = driver.refund(ref, 4_000, "IQD", reference="refund-1")
    second = driver.refund(ref, 6_000, "IQD", reference="refund-2")

    assert first.state == second.state == "refunded"
    assert first.refund_ref.startswith("R")
    assert first.refund_ref != second.refund_ref
    assert second.raw["data"]["summary"]["recipient"]["mobile_number"] == CUSTOMER
    assert driver.refund_status(ref).state == "refunded"
    with pytest.raises(PaymentError, match="exceeds the refundable 0") as raised:
        driver.refund(ref, 1, "IQD", reference="refund-3")
    assert raised.value.retryable is False


def test_a_full_refund_in_one_go(driver: fastpay.FastPayDriver, sandbox: Sandbox) -> None:
    ref = _paid(driver, sandbox, 7_500)

    refund = driver.refund(ref, 7_500, "IQD", reference="refund-1")

    assert refund.state == "refunded"
    with pytest.raises(PaymentError, match="exceeds"):
        driver.refund(ref, 7_500, "IQD", reference="refund-2")


def test_an_unpaid_or_failed_payment_cannot_be_refunded(
    driver: fastpay.FastPayDriver, sandbox: Sandbox
) -> None:
    unpaid = driver.create_payment(_order(sandbox)).provider_ref
    failed = driver.create_payment(_order(sandbox)).provider_ref
    _lever(sandbox, failed, "fail")

    with pytest.raises(PaymentError, match="it is pending"):
        driver.refund(unpaid, 1_000, "IQD", reference="r")
    with pytest.raises(PaymentError, match="it is failed"):
        driver.refund(failed, 1_000, "IQD", reference="r")


def test_a_wrong_refund_secret_is_refused(
    sandbox: Sandbox, settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = _paid(fastpay.build(), sandbox)
    monkeypatch.setenv("FASTPAY_REFUND_SECRET", "not-the-secret")

    with pytest.raises(PaymentError, match="refund secret key is wrong"):
        fastpay.build().refund(ref, 1_000, "IQD", reference="r")


def test_without_a_refund_secret_refunds_are_not_offered(
    sandbox: Sandbox, settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FASTPAY_REFUND_SECRET")
    driver = fastpay.build()
    ref = _paid(driver, sandbox)

    assert driver.capabilities.refund is False
    with pytest.raises(PaymentError, match="FASTPAY_REFUND_SECRET"):
        driver.refund(ref, 1_000, "IQD", reference="r")


def test_capabilities_no_cancel_no_payout(driver: fastpay.FastPayDriver, sandbox: Sandbox) -> None:
    ref = driver.create_payment(_order(sandbox)).provider_ref

    assert driver.capabilities.currencies == frozenset({"IQD"})
    assert (driver.capabilities.refund, driver.capabilities.partial_refund) == (True, True)
    assert (driver.capabilities.cancel, driver.capabilities.payout) == (False, False)
    assert driver.capabilities.signed_callbacks is False
    with pytest.raises(PaymentError, match="no cancel"):
        driver.cancel(ref)
    with pytest.raises(PaymentError, match="no payout"):
        driver.payout({"msisdn": CUSTOMER}, 1_000, "IQD", reference="p")
    assert driver.get_status(ref).state == "pending"


def test_wrong_credentials_are_an_error_not_a_pending_payment(
    sandbox: Sandbox, settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = _paid(fastpay.build(), sandbox)
    monkeypatch.setenv("FASTPAY_STORE_PASSWORD", "wrong-password")
    wrong = fastpay.build()

    with pytest.raises(PaymentError, match=r"code 422.*combination is wrong"):
        wrong.create_payment(_order(sandbox))
    with pytest.raises(PaymentError, match="code 422") as raised:
        wrong.get_status(ref)
    assert raised.value.retryable is False
    with pytest.raises(PaymentError, match="code 422"):
        wrong.refund_status(ref)


def test_fastpay_answers_errors_with_http_200_and_a_body_code(sandbox: Sandbox) -> None:
    answer = requests.post(
        f"{sandbox.url}{API}/initiation",
        json={
            "store_id": SANDBOX_SECRETS["FASTPAY_STORE_ID"],
            "store_password": SANDBOX_SECRETS["FASTPAY_STORE_PASSWORD"],
            "order_id": "short",
            "bill_amount": 1000,
            "currency": "IQD",
            "cart": "[]",
            "success_url": "https://example.com",
            "cancel_url": "https://example.com",
        },
        timeout=5,
    )

    assert answer.status_code == 200
    assert answer.json()["code"] == 422
    assert "order id" in answer.json()["messages"][0]


def test_a_reinitiated_order_keeps_its_checkout_but_not_a_new_amount(
    driver: fastpay.FastPayDriver, sandbox: Sandbox
) -> None:
    order = _order(sandbox)
    first = driver.create_payment(order)

    again = driver.create_payment(order)

    assert again.action.url == first.action.url
    with pytest.raises(PaymentError, match="already been taken"):
        driver.create_payment(_order(sandbox, 1_000, order_ref=order.order_ref))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"currency": "USD", "amount": 1000}, "IQD only"),
        ({"amount": 0}, "positive"),
        ({"order_ref": "ORD-1234-5678"}, "8-32 letters and digits"),
        ({"order_ref": "SHORT"}, "8-32 letters and digits"),
    ],
)
def test_orders_fastpay_cannot_take_are_refused_before_calling(
    driver: fastpay.FastPayDriver, sandbox: Sandbox, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(PaymentError, match=message):
        driver.create_payment(_order(sandbox, **changes))


def test_an_http_error_from_the_gateway_is_an_error(
    sandbox: Sandbox, settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FASTPAY_BASE_URL", f"{sandbox.url}/not-fastpay")

    with pytest.raises(PaymentError, match="HTTP 404") as raised:
        fastpay.build().get_status("ORDER00123456")

    assert raised.value.retryable is False


def test_an_unreachable_gateway_is_a_retryable_error_except_for_refunds(
    settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FASTPAY_BASE_URL", f"http://127.0.0.1:{free_port()}")
    driver = fastpay.build()

    with pytest.raises(PaymentError) as status_error:
        driver.get_status("ORDER00123456")
    # A refund that may have reached FastPay must not be blindly repeated.
    with pytest.raises(PaymentError, match="check refund_status") as refund_error:
        driver._post("/refund", {"order_id": "ORDER00123456"}, action="refund", moves_money=True)

    assert status_error.value.retryable is True
    assert refund_error.value.retryable is False


def test_missing_store_credentials_fail_the_build(
    settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FASTPAY_STORE_ID")

    with pytest.raises(PaymentError, match="FASTPAY_STORE_ID"):
        fastpay.build()


def test_the_production_gateway_is_the_default(
    settings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FASTPAY_BASE_URL")

    assert fastpay.build()._settings.base_url == "https://apigw-merchant.fast-pay.iq"
