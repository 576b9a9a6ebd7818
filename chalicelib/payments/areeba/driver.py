"""The areeba driver: IXOPAY's JSON API v3 with HTTP Basic auth, the API key in the path,
and (when AREEBA_SHARED_SECRET is set) signed requests and verified callbacks.

create_payment debits through the hosted payment page (action: redirect); provider_ref is
the transaction's `uuid`, which the status API (`getByUuid`) and refunds take. IXOPAY voids
only preauthorizations, so a debit cannot be cancelled; payouts are not offered."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from chalicelib.money import CURRENCY_EXPONENTS
from chalicelib.payments.areeba import amounts, signing, statuses
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
    header,
    provider_config,
)

NAME = "areeba"
PRODUCTION_URL = "https://gateway.areebapayment.com/api/v3"
CURRENCIES = frozenset({"IQD", "USD"})
TIMEOUT_SECONDS = 10.0
CONTENT_TYPE = "application/json; charset=utf-8"
# The API's webhook route for this provider (POST /v1/payments/webhook/{provider});
# IXOPAY signs callbacks over the path it posts to, so verification needs it.
WEBHOOK_PATH = f"/v1/payments/webhook/{NAME}"
MAX_REFERENCE_LENGTH = 50  # merchantTransactionId


@dataclass(frozen=True)
class AreebaConfig:
    base_url: str
    api_key: str
    username: str
    password: str
    shared_secret: str | None
    public_api_url: str  # where payers land when the order names no return URL

    @property
    def callback_uri(self) -> str:
        return signing.request_uri(self.public_api_url.rstrip("/") + WEBHOOK_PATH)


class AreebaDriver:
    name = NAME

    def __init__(self, config: AreebaConfig) -> None:
        self._config = config
        self.capabilities = Capabilities(
            currencies=CURRENCIES,
            refund=True,
            partial_refund=True,
            cancel=False,
            payout=False,
            signed_callbacks=config.shared_secret is not None,
        )

    # -- payments -------------------------------------------------------------------------

    def create_payment(self, order: Order) -> ProviderPayment:
        _check_money(order.amount, order.currency)
        _check_reference(order.order_ref)
        landing = (
            order.return_url or f"{self._config.public_api_url}/v1/payments/{order.payment_id}"
        )
        body = {
            "merchantTransactionId": order.order_ref,
            "amount": amounts.to_decimal_string(order.amount, order.currency),
            "currency": order.currency,
            "successUrl": landing,
            "cancelUrl": landing,
            "errorUrl": landing,
            "callbackUrl": order.callback_url,
            "description": order.description,
            "language": order.language,
        }
        data = self._call("debit", "POST", f"/transaction/{self._key}/debit", body)
        _require_success("debit", data)
        uuid = _text(data, "uuid", "debit")
        return_type = str(data.get("returnType") or "").upper()
        if return_type == "REDIRECT":
            url = _text(data, "redirectUrl", "debit")
        elif return_type in {"FINISHED", "PENDING"}:
            # Nothing for the payer to do at the gateway: send them back; status decides.
            url = landing
        else:
            raise PaymentError(
                NAME, f"debit answered returnType {return_type or 'none'!r}", details={"uuid": uuid}
            )
        return ProviderPayment(provider_ref=uuid, action=Action(type="redirect", url=url), raw=data)

    def get_status(self, provider_ref: str, *, order_ref: str | None = None) -> ProviderStatus:
        path = f"/status/{self._key}/getByUuid/{quote(provider_ref, safe='')}"
        data = self._call("status", "GET", path)
        _require_success("status", data)
        currency = data.get("currency")
        currency = currency if isinstance(currency, str) else None
        return ProviderStatus(
            provider_ref=provider_ref,
            state=statuses.state_of(data),
            amount=_paid_amount(data.get("amount"), currency),
            currency=currency,
            raw=data,
        )

    def cancel(self, provider_ref: str) -> None:
        raise PaymentError(NAME, "a debit cannot be cancelled: IXOPAY voids preauthorizations only")

    def refund(self, provider_ref: str, amount: int, currency: str, *, reference: str) -> RefundRef:
        _check_money(amount, currency)
        _check_reference(reference)
        body = {
            "merchantTransactionId": reference,
            "referenceUuid": provider_ref,
            "amount": amounts.to_decimal_string(amount, currency),
            "currency": currency,
        }
        data = self._call("refund", "POST", f"/transaction/{self._key}/refund", body)
        _require_success("refund", data)
        finished = str(data.get("returnType") or "").upper() == "FINISHED"
        return RefundRef(
            refund_ref=_text(data, "uuid", "refund"),
            state="refunded" if finished else "refund_pending",
            raw=data,
        )

    def payout(
        self, destination: Mapping[str, Any], amount: int, currency: str, *, reference: str
    ) -> PayoutRef:
        raise PaymentError(NAME, "payouts are not offered: pay talent by manual batch")

    # -- callbacks ------------------------------------------------------------------------

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> CallbackRef:
        if self._config.shared_secret is not None:
            self._verify(headers, raw_body, self._config.shared_secret)
        try:
            payload = json.loads(raw_body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise CallbackRejected("areeba callback is not JSON") from None
        uuid = payload.get("uuid") if isinstance(payload, dict) else None
        if not isinstance(uuid, str) or not uuid:
            raise CallbackRejected("areeba callback names no transaction uuid")
        order_ref = payload.get("merchantTransactionId")
        return CallbackRef(
            provider_ref=uuid,
            order_ref=order_ref if isinstance(order_ref, str) else None,
            # IXOPAY retries a callback until its body is exactly OK.
            answer="OK",
        )

    def _verify(self, headers: Mapping[str, str], raw_body: bytes, secret: str) -> None:
        received = header(headers, "X-Signature")
        # The gateway sends one value in both; X-Date first, since a proxy on the way may
        # rewrite Date but leaves X-Date alone.
        dates = [
            d for d in dict.fromkeys((header(headers, "X-Date"), header(headers, "Date"))) if d
        ]
        if not received or not dates:
            raise CallbackRejected("areeba callback is not signed")
        content_type = header(headers, "Content-Type") or CONTENT_TYPE
        # No freshness window: a replay changes nothing, every callback is re-checked.
        for date in dates:
            for legacy in (False, True):
                expected = signing.signature(
                    secret,
                    method="POST",
                    body=raw_body,
                    content_type=content_type,
                    date=date,
                    uri=self._config.callback_uri,
                    legacy=legacy,
                )
                if signing.matches(expected, received):
                    return
        raise CallbackRejected("areeba callback signature does not match")

    # -- HTTP -----------------------------------------------------------------------------

    @property
    def _key(self) -> str:
        return quote(self._config.api_key, safe="")

    def _call(
        self, operation: str, method: str, path: str, body: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """One signed request; `operation` names it in errors (the path holds the API key)."""
        import requests

        url = self._config.base_url + path
        raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": CONTENT_TYPE, "Accept": "application/json"}
        if self._config.shared_secret is not None:
            date = signing.http_date(datetime.now(UTC))
            headers["Date"] = date
            headers["X-Signature"] = signing.signature(
                self._config.shared_secret,
                method=method,
                body=raw,
                content_type=CONTENT_TYPE,
                date=date,
                uri=signing.request_uri(url),
            )
        try:
            response = requests.request(
                method,
                url,
                data=raw if body is not None else None,
                headers=headers,
                auth=(self._config.username, self._config.password),
                timeout=TIMEOUT_SECONDS,
            )
        except requests.Timeout as error:
            raise PaymentError(NAME, f"{operation} timed out", retryable=True) from error
        except requests.RequestException as error:
            raise PaymentError(
                NAME, f"{operation} failed: {type(error).__name__}", retryable=True
            ) from error
        return _decode(operation, response.status_code, response.content)


def _decode(operation: str, status_code: int, content: bytes) -> dict[str, Any]:
    try:
        data = json.loads(content.decode("utf-8")) if content else None
    except (UnicodeDecodeError, ValueError):
        data = None
    if status_code >= 400:
        message = _error_message(data) if isinstance(data, dict) else "no error body"
        raise PaymentError(
            NAME,
            f"{operation} answered HTTP {status_code}: {message}",
            retryable=status_code == 429 or status_code >= 500,
            details={"http_status": status_code, **_error_details(data)},
        )
    if not isinstance(data, dict):
        raise PaymentError(NAME, f"{operation} answered a body that is not a JSON object")
    return data


def _require_success(operation: str, data: dict[str, Any]) -> None:
    """IXOPAY answers refusals with HTTP 200: `success: false` and/or `returnType: ERROR`."""
    if data.get("success") is True and str(data.get("returnType") or "").upper() != "ERROR":
        return
    raise PaymentError(
        NAME, f"{operation} refused: {_error_message(data)}", details=_error_details(data)
    )


def _first_error(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0]
    return data


def _error_message(data: object) -> str:
    error = _first_error(data)
    message = error.get("errorMessage") or error.get("message") or "request failed"
    code = error.get("errorCode") or error.get("code")
    return f"{message} ({code})" if code is not None else str(message)


def _error_details(data: object) -> dict[str, Any]:
    error = _first_error(data)
    fields = {
        "error_code": error.get("errorCode") or error.get("code"),
        "adapter_code": error.get("adapterCode"),
        "adapter_message": error.get("adapterMessage"),
    }
    return {key: value for key, value in fields.items() if value is not None}


def _text(data: Mapping[str, Any], key: str, operation: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise PaymentError(NAME, f"{operation} answered without {key}")
    return value


def _paid_amount(value: object, currency: str | None) -> int | None:
    if value is None or currency is None or currency not in CURRENCY_EXPONENTS:
        return None
    try:
        return amounts.to_minor_units(value, currency)
    except ValueError as error:
        raise PaymentError(NAME, f"status answered a bad amount: {error}") from error


def _check_money(amount: int, currency: str) -> None:
    if currency not in CURRENCIES:
        raise PaymentError(NAME, f"currency {currency} is not supported (IQD, USD)")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(NAME, f"amount must be a positive integer, not {amount!r}")


def _check_reference(reference: str) -> None:
    if not reference or len(reference) > MAX_REFERENCE_LENGTH:
        raise PaymentError(
            NAME, f"merchantTransactionId must be 1-{MAX_REFERENCE_LENGTH} characters"
        )


def build() -> AreebaDriver:
    from chalicelib.settings import get_settings
    from chalicelib.settings_models import AreebaSettings

    config = provider_config(NAME, AreebaSettings)
    return AreebaDriver(
        AreebaConfig(
            base_url=(config.base_url or PRODUCTION_URL).rstrip("/"),
            api_key=config.api_key,
            username=config.username,
            password=config.password,
            # Optional: without it requests go unsigned and callbacks are only re-checked.
            shared_secret=config.shared_secret,
            public_api_url=get_settings().public_api_url,
        )
    )
