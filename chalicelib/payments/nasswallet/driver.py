"""The NassWallet driver: hosted checkout in IQD. create_payment answers a redirect to
NassWallet's checkout page; the provider_ref is NassWallet's transactionId, which is all
get_status needs. No refund, cancel or payout API exists: those raise PaymentError and the
application tracks refunds by hand."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from chalicelib.payments.base import (
    Action,
    CallbackRef,
    CallbackRejected,
    Capabilities,
    Order,
    PaymentError,
    PayoutRef,
    ProviderPayment,
    ProviderStatus,
    RefundRef,
    provider_config,
)
from chalicelib.payments.nasswallet import statuses
from chalicelib.payments.nasswallet.client import PROVIDER, Credentials, NassWalletClient

PRODUCTION_BASE_URL = "https://gw-api.nasswallet.com/phase3/payment/transaction"
PRODUCTION_CHECKOUT_URL = "https://checkout.nasswallet.com/payment-gateway"
CURRENCY = "IQD"
CALLBACK_ANSWER = "SUCCESS"  # NassWallet expects this text as the callback's answer body
# Order.language (a tag such as "ar" or "ckb-IQ") onto NassWallet's languageCode.
LANGUAGES = {"en": "en", "ar": "ar", "ku": "ku", "ckb": "ku", "kmr": "ku"}
DEFAULT_LANGUAGE = "en"
MAX_REF_LENGTH = 128
# checkTransaction answers that mean the endpoint itself is not there (or not for us).
_ENDPOINT_GONE = frozenset({404, 405, 501})

CAPABILITIES = Capabilities(
    currencies=frozenset({CURRENCY}),
    refund=False,
    partial_refund=False,
    cancel=False,
    payout=False,
    signed_callbacks=False,
)


class NassWalletDriver:
    name = PROVIDER
    capabilities = CAPABILITIES

    def __init__(
        self, client: NassWalletClient, *, checkout_url: str, merchant_id: str, pin: str
    ) -> None:
        self._client = client
        self._checkout_url = checkout_url.rstrip("/")
        self._merchant_id = merchant_id
        self._pin = pin

    def create_payment(self, order: Order) -> ProviderPayment:
        if order.currency != CURRENCY:
            raise PaymentError(PROVIDER, f"only {CURRENCY} is accepted, not {order.currency}")
        if order.amount <= 0:
            raise PaymentError(PROVIDER, "the amount must be positive")
        # The callback URL is not sent: NassWallet calls the one set in the merchant account.
        body = self._client.call(
            "initTransaction",
            {
                "userIdentifier": self._merchant_id,
                "transactionPin": self._pin,
                "orderId": order.order_ref,
                "amount": str(order.amount),  # IQD has exponent 0: minor units are dinars
                "languageCode": language_code(order.language),
            },
        )
        data = body["data"]
        transaction_id = _text(data.get("transactionId"))
        token = _text(data.get("token"))
        if transaction_id is None or token is None:
            raise PaymentError(PROVIDER, "initTransaction answered without transactionId/token")
        query = urlencode(
            {"id": transaction_id, "token": token, "userIdentifier": self._merchant_id}
        )
        return ProviderPayment(
            provider_ref=transaction_id,
            action=Action(type="redirect", url=f"{self._checkout_url}?{query}"),
            raw=body,
        )

    def get_status(self, provider_ref: str, *, order_ref: str | None = None) -> ProviderStatus:
        try:
            body = self._client.call("checkTransaction", {"transactionId": provider_ref})
        except PaymentError as error:
            if error.details.get("http_status") not in _ENDPOINT_GONE:
                raise
            # No official source documents checkTransaction: where it is gone, the status
            # is unknown for now (retryable), and the callback may settle the payment.
            raise PaymentError(
                PROVIDER,
                f"checkTransaction is unavailable: {error.message}",
                retryable=True,
                details={**error.details, "status_unavailable": True},
            ) from error
        data = body["data"]
        answered_order = _text(data.get("orderId"))
        if order_ref is not None and answered_order is not None and answered_order != order_ref:
            raise PaymentError(
                PROVIDER,
                f"transaction {provider_ref} belongs to another order",
                details={"order_ref": order_ref, "answered_order": answered_order},
            )
        status = statuses.status_of(data)
        if not statuses.is_known(status):
            _warn_unknown_status(provider_ref, status, body)
        amount = statuses.amount_of(data)
        return ProviderStatus(
            provider_ref=provider_ref,
            state=statuses.normalise(status),
            amount=amount,
            currency=CURRENCY if amount is not None else None,
            raw=body,
        )

    def cancel(self, provider_ref: str) -> None:
        raise _unsupported("cancel")

    def refund(self, provider_ref: str, amount: int, currency: str, *, reference: str) -> RefundRef:
        raise _unsupported("refund")

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> CallbackRef:
        """NassWallet signs nothing: this only reads which transaction to re-check."""
        try:
            payload = json.loads(raw_body)
        except (UnicodeDecodeError, ValueError):
            raise CallbackRejected("nasswallet callback is not JSON") from None
        data = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            raise CallbackRejected("nasswallet callback has no data object")
        provider_ref = _text(data.get("InitTransactionId"))
        if provider_ref is None or len(provider_ref) > MAX_REF_LENGTH:
            raise CallbackRejected("nasswallet callback names no InitTransactionId")
        order_ref = _text(data.get("orderId"))
        return CallbackRef(
            provider_ref=provider_ref,
            order_ref=order_ref if order_ref and len(order_ref) <= MAX_REF_LENGTH else None,
            answer=CALLBACK_ANSWER,
        )

    def status_from_callback(
        self, raw_body: bytes, *, provider_ref: str, order_ref: str, amount: int
    ) -> ProviderStatus:
        """The callback's own word, for when checkTransaction cannot be asked: it counts
        only if it names exactly our transaction, our order (a 96-bit id only NassWallet
        and we know) and the amount due, in whole dinars. Anything else is refused."""
        data = _callback_data(raw_body)
        named = {
            "InitTransactionId": (_text(data.get("InitTransactionId")), provider_ref),
            "orderId": (_text(data.get("orderId")), order_ref),
        }
        for field, (given, expected) in named.items():
            if given != expected:
                raise PaymentError(
                    PROVIDER,
                    f"callback {field} {given!r} is not this payment's",
                    details={"field": field},
                )
        paid = statuses.amount_of(data)
        if paid != amount:
            raise PaymentError(
                PROVIDER,
                f"callback amount {data.get('amount')!r} is not the {amount} {CURRENCY} due",
                details={"field": "amount"},
            )
        status = statuses.status_of(data)
        return ProviderStatus(
            provider_ref=provider_ref,
            state=statuses.normalise(status),
            amount=paid,
            currency=CURRENCY,
            raw={"callback": data},
        )

    def payout(
        self, destination: Mapping[str, Any], amount: int, currency: str, *, reference: str
    ) -> PayoutRef:
        raise _unsupported("payout")


def _callback_data(raw_body: bytes) -> Mapping[str, Any]:
    try:
        payload = json.loads(raw_body)
    except (UnicodeDecodeError, ValueError):
        raise PaymentError(PROVIDER, "callback is not JSON") from None
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise PaymentError(PROVIDER, "callback has no data object")
    return data


def language_code(tag: str | None) -> str:
    primary = (tag or "").replace("_", "-").split("-")[0].strip().lower()
    return LANGUAGES.get(primary, DEFAULT_LANGUAGE)


def _text(value: Any) -> str | None:
    """Identifiers arrive as strings or numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _unsupported(operation: str) -> PaymentError:
    return PaymentError(
        PROVIDER, f"NassWallet has no {operation} API", details={"operation": operation}
    )


def _warn_unknown_status(provider_ref: str, status: str | None, body: dict[str, Any]) -> None:
    from chalicelib.observability import logger

    logger().warning(
        "nasswallet: unknown transaction status, kept pending",
        extra={"provider_ref": provider_ref, "status": status, "raw": body},
    )


def build() -> NassWalletDriver:
    from chalicelib.settings_models import NassWalletSettings

    config = provider_config(PROVIDER, NassWalletSettings)
    client = NassWalletClient(
        config.base_url or PRODUCTION_BASE_URL,
        Credentials(
            gateway_token=config.gateway_token,
            username=config.username,
            password=config.password,
        ),
    )
    return NassWalletDriver(
        client,
        checkout_url=config.checkout_url or PRODUCTION_CHECKOUT_URL,
        merchant_id=config.merchant_id,
        pin=config.pin,
    )
