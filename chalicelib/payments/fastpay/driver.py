"""The FastPay driver: the merchant payment gateway API (`/api/v1/public/pgw/payment/...`).

FastPay identifies a payment by the merchant's own order id, so `provider_ref` is
`order.order_ref`. Every call carries the store credentials in its JSON body, and FastPay
reports its own errors in the body's `code` under HTTP 200."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.payments.base import (
    Action,
    CallbackRef,
    Capabilities,
    Order,
    PaymentError,
    PayoutRef,
    ProviderPayment,
    ProviderStatus,
    RefundRef,
    provider_config,
)
from chalicelib.payments.fastpay import payloads
from chalicelib.payments.fastpay.payloads import PROVIDER

if TYPE_CHECKING:
    import requests

PRODUCTION_BASE_URL = "https://apigw-merchant.fast-pay.iq"
API_PATH = "/api/v1/public/pgw/payment"
TIMEOUT_SECONDS = 10.0
CURRENCY = "IQD"
_HTTP_TOO_MANY = 429
_HTTP_ERROR = 400
_HTTP_SERVER_ERROR = 500


@dataclass(frozen=True)
class FastPayConfig:
    base_url: str
    store_id: str
    store_password: str
    # Refunds need both; without the secret the store cannot refund through the API.
    refund_secret: str | None = None
    msisdn: str | None = None  # used only when FastPay does not name the payer's number


class FastPayDriver:
    name = PROVIDER

    def __init__(self, settings: FastPayConfig) -> None:
        self._settings = settings
        self.capabilities = Capabilities(
            currencies=frozenset({CURRENCY}),
            refund=settings.refund_secret is not None,
            partial_refund=settings.refund_secret is not None,
            cancel=False,
            payout=False,
            signed_callbacks=False,
        )

    def create_payment(self, order: Order) -> ProviderPayment:
        _check_money(order.amount, order.currency)
        _check_order_id(order.order_ref)
        # FastPay's checkout needs somewhere to send the browser either way.
        return_url = order.return_url or order.callback_url
        item = {"name": order.description or order.order_ref, "qty": 1, "unit_price": order.amount}
        body = self._post(
            "/initiation",
            {
                "order_id": order.order_ref,
                "bill_amount": order.amount,
                "currency": CURRENCY,
                "cart": json.dumps([item], ensure_ascii=False),
                "success_url": return_url,
                "cancel_url": return_url,
                # Sent, but the IPN goes to the URL set in FastPay's merchant panel, which
                # may ignore this: reconciliation settles a payment whose IPN never comes.
                "callback_url": order.callback_url,
            },
            action="initiation",
        )
        if payloads.body_code(body) != payloads.CODE_OK:
            raise payloads.error_for(body, action="initiation")
        data = body.get("data")
        redirect = data.get("redirect_uri") if isinstance(data, Mapping) else None
        if not isinstance(redirect, str) or not redirect:
            raise PaymentError(PROVIDER, "initiation answered code 200 without a redirect_uri")
        return ProviderPayment(
            provider_ref=order.order_ref, action=Action(type="redirect", url=redirect), raw=body
        )

    def get_status(self, provider_ref: str, *, order_ref: str | None = None) -> ProviderStatus:
        _check_order_id(provider_ref)
        body = self._post("/validate", {"order_id": provider_ref}, action="validate")
        return payloads.status_from_validation(provider_ref, body)

    def cancel(self, provider_ref: str) -> None:
        raise PaymentError(PROVIDER, "FastPay has no cancel API: an unpaid order just lapses")

    def refund(self, provider_ref: str, amount: int, currency: str, *, reference: str) -> RefundRef:
        secret = self._settings.refund_secret
        if secret is None:
            raise PaymentError(PROVIDER, "refunds need FASTPAY_REFUND_SECRET")
        _check_money(amount, currency)
        # The refund goes to the payer's wallet, which only the validate API names; checking
        # first also keeps an unpaid order from reaching the refund call.
        status = self.get_status(provider_ref)
        if status.state != "succeeded":
            raise PaymentError(PROVIDER, f"cannot refund {provider_ref}: it is {status.state}")
        msisdn = payloads.customer_msisdn(status) or self._settings.msisdn
        if msisdn is None:
            raise PaymentError(PROVIDER, f"no wallet number to refund {provider_ref} to")
        body = self._post(
            "/refund",
            {
                "order_id": provider_ref,
                "amount": amount,
                "refund_secret_key": secret,
                "msisdn": msisdn,
            },
            action="refund",
            moves_money=True,
        )
        return payloads.refund_from(provider_ref, reference, body)

    def refund_status(self, order_ref: str) -> RefundRef:
        """Whether FastPay has refunded the order (a yes/no: it does not say how much)."""
        _check_order_id(order_ref)
        body = self._post("/refund/validation", {"order_id": order_ref}, action="refund validation")
        return payloads.refund_validation_from(order_ref, body)

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> CallbackRef:
        return payloads.ref_from_callback(headers, raw_body)

    def payout(
        self, destination: Mapping[str, Any], amount: int, currency: str, *, reference: str
    ) -> PayoutRef:
        raise PaymentError(PROVIDER, "FastPay has no payout API: payouts are manual batches")

    def _post(
        self, path: str, fields: dict[str, Any], *, action: str, moves_money: bool = False
    ) -> dict[str, Any]:
        """One call; a transport failure is retryable unless the call may have moved money."""
        import requests

        payload = {
            "store_id": self._settings.store_id,
            "store_password": self._settings.store_password,
            **fields,
        }
        url = f"{self._settings.base_url}{API_PATH}{path}"
        try:
            response = requests.post(
                url, json=payload, headers={"Accept": "application/json"}, timeout=TIMEOUT_SECONDS
            )
        except requests.RequestException as error:
            raise PaymentError(
                PROVIDER,
                f"{action} failed: {type(error).__name__}"
                + (" (the refund may have happened: check refund_status)" if moves_money else ""),
                retryable=not moves_money,
            ) from None
        return _json_body(response, action=action, moves_money=moves_money)


def _json_body(response: requests.Response, *, action: str, moves_money: bool) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    status = response.status_code
    if status >= _HTTP_ERROR:
        text = payloads.messages_text(body) if isinstance(body, dict) else ""
        raise PaymentError(
            PROVIDER,
            f"{action} failed: HTTP {status}" + (f": {text}" if text else ""),
            retryable=status >= _HTTP_SERVER_ERROR or status == _HTTP_TOO_MANY,
            details={"http_status": status},
        )
    if not isinstance(body, dict):
        raise PaymentError(
            PROVIDER,
            f"{action} answered HTTP {status} without a JSON object",
            retryable=not moves_money,
        )
    return body


def _check_money(amount: int, currency: str) -> None:
    if currency != CURRENCY:
        raise PaymentError(PROVIDER, f"FastPay takes IQD only, not {currency}")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(PROVIDER, f"amount must be a positive number of dinars: {amount!r}")


def _check_order_id(order_id: str) -> None:
    if not payloads.is_order_id(order_id):
        raise PaymentError(PROVIDER, f"order id must be 8-32 letters and digits: {order_id!r}")


def build() -> FastPayDriver:
    from chalicelib.settings_models import FastPaySettings

    config = provider_config(PROVIDER, FastPaySettings)
    return FastPayDriver(
        FastPayConfig(
            base_url=(config.base_url or PRODUCTION_BASE_URL).rstrip("/"),
            store_id=config.store_id,
            store_password=config.store_password,
            refund_secret=config.refund_secret,
            msisdn=config.msisdn,
        )
    )
