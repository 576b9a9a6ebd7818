"""The NassWallet driver against the NassWallet sandbox: login and token caching, checkout
redirect, status, the merchant-account callback, and the refusals (credentials, PIN,
unknown transactions, unsupported refund/cancel/payout)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.payments.base import Order, PaymentError, PaymentProvider
from chalicelib.payments.nasswallet.client import Credentials, NassWalletClient, _Token
from chalicelib.payments.nasswallet.driver import NassWalletDriver, build
from devstack.sandbox.providers import SANDBOX_SECRETS, provider_env
from tests.payments_sandbox import Sandbox

PROVIDER = "nasswallet"  # the sandbox the shared fixtures serve (conftest.py)


@pytest.fixture
def settings(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    sandbox.callbacks.clear()
    values = {
        name: value
        for name, value in provider_env(sandbox.url).items()
        if name.startswith("NASSWALLET_")
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _build() -> NassWalletDriver:
    return build()


@pytest.fixture
def driver(settings: dict[str, str]) -> NassWalletDriver:
    return _build()


def _order(ref: str = "PAY0001abcd", amount: int = 25000, **changes: Any) -> Order:
    fields: dict[str, Any] = {
        "payment_id": f"pay-{ref}",
        "order_ref": ref,
        "amount": amount,
        "currency": "IQD",
        "description": "Booking deposit",
        "callback_url": "http://api.invalid/v1/payments/webhook/nasswallet",
        **changes,
    }
    return Order(**fields)


def _sandbox_post(sandbox: Sandbox, path: str) -> requests.Response:
    return requests.post(f"{sandbox.url}/nasswallet{path}", timeout=5)


def _login_counter(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real_post = requests.post

    def counting(url: str, **kwargs: Any) -> requests.Response:
        calls.append(url.rsplit("/", 1)[-1])
        return real_post(url, **kwargs)

    monkeypatch.setattr(requests, "post", counting)
    return calls


def test_build_satisfies_the_interface_and_is_honest_about_capabilities(
    settings: dict[str, str],
) -> None:
    provider: PaymentProvider = build()
    assert provider.name == "nasswallet"
    caps = provider.capabilities
    assert caps.currencies == frozenset({"IQD"})
    assert (caps.refund, caps.partial_refund, caps.cancel, caps.payout) == (
        False,
        False,
        False,
        False,
    )
    assert caps.signed_callbacks is False


def test_pay_and_complete(
    driver: NassWalletDriver, sandbox: Sandbox, settings: dict[str, str]
) -> None:
    order = _order("PAY0001paid", 25000, language="ar")
    payment = driver.create_payment(order)

    assert payment.provider_ref.isdigit()
    assert payment.action.type == "redirect"
    assert payment.action.url is not None
    url = urlsplit(payment.action.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == settings["NASSWALLET_CHECKOUT_URL"]
    query = parse_qs(url.query)
    assert query["id"] == [payment.provider_ref]
    assert query["token"] == [payment.raw["data"]["token"]]
    assert query["userIdentifier"] == [SANDBOX_SECRETS["NASSWALLET_MERCHANT_ID"]]

    page = requests.get(payment.action.url, timeout=5).json()
    assert page["orderId"] == "PAY0001paid"
    assert page["amount"] == "25000"
    assert page["transactionStatus"] == "PENDING"

    pending = driver.get_status(payment.provider_ref, order_ref=order.order_ref)
    assert pending.state == "pending"
    assert pending.amount == 25000
    assert sandbox.callbacks == []

    completed = _sandbox_post(sandbox, f"/payments/{payment.provider_ref}/complete").json()
    assert completed["provider_ref"] == payment.provider_ref
    assert completed["status"] == "SUCCESS"
    assert completed["callback"]["url"] == f"{sandbox.api_url}/v1/payments/webhook/nasswallet"
    assert completed["callback"]["status_code"] == 200

    assert len(sandbox.callbacks) == 1
    callback = sandbox.callbacks[0]
    assert callback.path == "/v1/payments/webhook/nasswallet"
    assert json.loads(callback.body)["data"]["transactionStatus"] == "SUCCESS"
    ref = driver.parse_callback(callback.headers, callback.body)
    assert ref.provider_ref == payment.provider_ref
    assert ref.order_ref == order.order_ref
    assert ref.answer == "SUCCESS"

    status = driver.get_status(payment.provider_ref, order_ref=order.order_ref)
    assert status.state == "succeeded"
    assert status.amount == 25000
    assert status.currency == "IQD"
    assert status.raw["data"]["transactionStatus"] == "SUCCESS"

    again = _sandbox_post(sandbox, f"/payments/{payment.provider_ref}/fail")
    assert again.status_code == 409
    assert driver.get_status(payment.provider_ref).state == "succeeded"


def test_pay_and_fail(driver: NassWalletDriver, sandbox: Sandbox) -> None:
    payment = driver.create_payment(_order("PAY0002fail", 1000))
    failed = _sandbox_post(sandbox, f"/payments/{payment.provider_ref}/fail").json()
    assert failed["status"] == "FAILED"
    assert failed["callback"]["status_code"] == 200
    ref = driver.parse_callback(sandbox.callbacks[-1].headers, sandbox.callbacks[-1].body)
    assert ref.provider_ref == payment.provider_ref
    assert json.loads(sandbox.callbacks[-1].body)["data"]["transactionStatus"] == "FAILED"
    status = driver.get_status(payment.provider_ref)
    assert status.state == "failed"
    assert status.amount == 1000


def test_get_status_refuses_a_transaction_of_another_order(driver: NassWalletDriver) -> None:
    payment = driver.create_payment(_order("PAY0003mine"))
    with pytest.raises(PaymentError, match="another order"):
        driver.get_status(payment.provider_ref, order_ref="PAY0003other")


def test_refund_cancel_and_payout_are_unsupported(driver: NassWalletDriver) -> None:
    payment = driver.create_payment(_order("PAY0004refund"))
    with pytest.raises(PaymentError, match="no refund API") as refund:
        driver.refund(payment.provider_ref, 25000, "IQD", reference="refund-1")
    assert refund.value.retryable is False
    with pytest.raises(PaymentError, match="no refund API"):
        driver.refund(payment.provider_ref, 100, "IQD", reference="refund-2")
    with pytest.raises(PaymentError, match="no cancel API"):
        driver.cancel(payment.provider_ref)
    with pytest.raises(PaymentError, match="no payout API"):
        driver.payout({"wallet": "9647700000000"}, 1000, "IQD", reference="payout-1")
    assert driver.get_status(payment.provider_ref).state == "pending"


def test_only_iqd_and_positive_amounts(driver: NassWalletDriver) -> None:
    with pytest.raises(PaymentError, match="only IQD"):
        driver.create_payment(_order("PAY0005usd", 1000, currency="USD"))
    with pytest.raises(PaymentError, match="positive"):
        driver.create_payment(_order("PAY0005zero", 0))


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("NASSWALLET_PASSWORD", "wrong-password", "Invalid username or password"),
        ("NASSWALLET_USERNAME", "someone-else", "Invalid username or password"),
        ("NASSWALLET_GATEWAY_TOKEN", "wrong-gateway-token", "Invalid authorization token"),
    ],
)
def test_wrong_credentials(
    settings: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(setting, value)
    driver = _build()
    with pytest.raises(PaymentError, match=message) as refused:
        driver.create_payment(_order("PAY0006creds"))
    assert refused.value.provider == "nasswallet"
    assert refused.value.retryable is False


def test_gateway_token_may_be_configured_with_its_scheme(
    settings: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NASSWALLET_GATEWAY_TOKEN", f"Basic {settings['NASSWALLET_GATEWAY_TOKEN']}")
    assert _build().create_payment(_order("PAY0007basic")).provider_ref


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("NASSWALLET_PIN", "9999", "Invalid transaction PIN"),
        ("NASSWALLET_MERCHANT_ID", "another-merchant", "Invalid user identifier"),
    ],
)
def test_provider_error_bodies(
    settings: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    setting: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(setting, value)
    with pytest.raises(PaymentError, match=message) as refused:
        _build().create_payment(_order("PAY0008body"))
    assert refused.value.details["response_code"] != 0
    assert refused.value.details["http_status"] == 200


def test_unknown_transaction_is_a_provider_error(driver: NassWalletDriver) -> None:
    with pytest.raises(PaymentError, match="Transaction not found") as refused:
        driver.get_status("999999999999")
    assert refused.value.retryable is False


def test_unreachable_gateway_is_retryable(
    settings: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support import free_port

    monkeypatch.setenv("NASSWALLET_BASE_URL", f"http://127.0.0.1:{free_port()}/nasswallet")
    with pytest.raises(PaymentError) as refused:
        _build().get_status("1")
    assert refused.value.retryable is True


def test_missing_settings_are_reported(
    settings: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NASSWALLET_PIN")
    with pytest.raises(PaymentError, match="NASSWALLET_PIN is not configured"):
        _build()


def test_token_is_cached_until_shortly_before_expiry(
    settings: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [time.time()]  # the sandbox keeps real time; the driver's clock is moved
    client = NassWalletClient(
        settings["NASSWALLET_BASE_URL"],
        Credentials(
            gateway_token=settings["NASSWALLET_GATEWAY_TOKEN"],
            username=settings["NASSWALLET_USERNAME"],
            password=settings["NASSWALLET_PASSWORD"],
        ),
        clock=lambda: now[0],
    )
    driver = NassWalletDriver(
        client,
        checkout_url=settings["NASSWALLET_CHECKOUT_URL"],
        merchant_id=settings["NASSWALLET_MERCHANT_ID"],
        pin=settings["NASSWALLET_PIN"],
    )
    calls = _login_counter(monkeypatch)
    payment = driver.create_payment(_order("PAY0009cache"))
    driver.get_status(payment.provider_ref)
    driver.get_status(payment.provider_ref)
    assert calls.count("login") == 1

    # The sandbox's token lives 30 minutes: 29 minutes on it is refreshed ahead of time.
    now[0] += 29 * 60 + 1
    driver.get_status(payment.provider_ref)
    assert calls.count("login") == 2
    driver.get_status(payment.provider_ref)
    assert calls.count("login") == 2


def test_logins_are_shared_between_threads(
    driver: NassWalletDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = driver.create_payment(_order("PAY0010threads"))
    fresh = _build()
    calls = _login_counter(monkeypatch)
    states: list[str] = []
    errors: list[BaseException] = []

    def check() -> None:
        try:
            states.append(fresh.get_status(payment.provider_ref).state)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=check) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert states == ["pending"] * 8
    assert calls.count("login") == 1
    assert calls.count("checkTransaction") == 8


def test_a_refused_token_is_replaced_once(
    driver: NassWalletDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    payment = driver.create_payment(_order("PAY0011stale"))
    # A token the gateway no longer honours, though its stated expiry is far away.
    driver._client._token = _Token("revoked-token", refresh_at=float("inf"))
    calls = _login_counter(monkeypatch)
    assert driver.get_status(payment.provider_ref).state == "pending"
    assert calls == ["checkTransaction", "login", "checkTransaction"]
