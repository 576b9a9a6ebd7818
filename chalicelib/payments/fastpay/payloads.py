"""Reading FastPay's bodies: the envelope's `code`, the validate and refund data, the IPN.
Pure functions, so they are tested against recorded payloads without a network."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, TypeGuard
from urllib.parse import parse_qsl

from chalicelib.payments.base import (
    CallbackRef,
    CallbackRejected,
    PaymentError,
    ProviderStatus,
    RefundRef,
    header,
)
from chalicelib.payments.fastpay.statuses import state_of

PROVIDER = "fastpay"
CODE_OK = 200
CODE_NOT_FOUND = 404  # validate: the order is unknown or not paid yet
CODE_BAD_CREDENTIALS = 422  # the store id and password do not match: fixed by people
CODE_SERVER_ERROR = 500
_ORDER_ID = re.compile(r"[A-Za-z0-9]{8,32}")


def is_order_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and _ORDER_ID.fullmatch(value) is not None


def body_code(body: Mapping[str, Any]) -> int | None:
    """FastPay answers HTTP 200 for its own errors: the verdict is the body's `code`."""
    code = body.get("code")
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.strip().isdigit():
        return int(code.strip())
    return None


def messages_text(body: Mapping[str, Any]) -> str:
    """`messages` is a list of strings in the docs, a dict of field errors in validation
    failures, and sometimes a plain `message`."""
    messages = body.get("messages", body.get("message"))
    if isinstance(messages, str):
        return messages
    if isinstance(messages, Mapping):
        messages = [item for value in messages.values() for item in _as_list(value)]
    if isinstance(messages, list):
        return "; ".join(str(item) for item in messages)
    return ""


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def error_for(body: Mapping[str, Any], *, action: str) -> PaymentError:
    code = body_code(body)
    text = messages_text(body) or "no message"
    return PaymentError(
        PROVIDER,
        f"{action} refused (code {code}): {text}",
        retryable=code is not None and code >= CODE_SERVER_ERROR,
        details={"fastpay_code": code},
    )


def dinars(value: object) -> int:
    """FastPay reports amounts as decimal strings ("5000.00"); IQD is whole dinars. A
    fraction is dropped, never rounded up: what was paid is never overstated."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not an amount: {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount: {value!r}")
    return int(amount.to_integral_value(rounding=ROUND_DOWN))


def _data(body: Mapping[str, Any], *, action: str) -> Mapping[str, Any]:
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise PaymentError(PROVIDER, f"{action} answered code 200 without data")
    return data


def status_from_validation(order_id: str, body: Mapping[str, Any]) -> ProviderStatus:
    """The validate API's answer for `order_id`; code 404 is an order not paid (yet)."""
    code = body_code(body)
    if code == CODE_NOT_FOUND:
        return ProviderStatus(provider_ref=order_id, state="pending", raw=dict(body))
    if code == CODE_BAD_CREDENTIALS:
        raise error_for(body, action="validate")
    if code != CODE_OK or not isinstance(body.get("data"), Mapping):
        # Nothing FastPay documents: it says neither paid nor not, so ask again later
        # (and let reconciliation abandon the payment at its deadline) rather than fail
        # it for good or loop on an error the sweep cannot get past.
        raise PaymentError(
            PROVIDER,
            f"validate answered code {code} ({messages_text(body) or 'no message'})",
            retryable=True,
            details={"fastpay_code": code},
        )
    data = _data(body, action="validate")
    named = data.get("merchant_order_id", data.get("order_id"))
    if named is not None and str(named) != order_id:
        raise PaymentError(PROVIDER, f"validate for {order_id} answered about {named}")
    amount = None
    if data.get("received_amount") is not None:
        try:
            amount = dinars(data["received_amount"])
        except ValueError as error:
            raise PaymentError(PROVIDER, f"validate: {error}") from None
    currency = data.get("currency")
    return ProviderStatus(
        provider_ref=order_id,
        state=state_of(data.get("status")),
        amount=amount,
        currency=currency.upper() if isinstance(currency, str) and currency else None,
        raw=dict(body),
    )


def customer_msisdn(status: ProviderStatus) -> str | None:
    """The payer's wallet number, where FastPay sends a refund."""
    data = status.raw.get("data")
    number = data.get("customer_mobile_number") if isinstance(data, Mapping) else None
    return number if isinstance(number, str) and number.strip() else None


def refund_from(order_id: str, reference: str, body: Mapping[str, Any]) -> RefundRef:
    """A code-200 refund has moved the money (wallet to wallet): it is done, not pending."""
    if body_code(body) != CODE_OK:
        raise error_for(body, action="refund")
    data = body.get("data")
    summary = data.get("summary") if isinstance(data, Mapping) else None
    invoice = summary.get("invoice_id") if isinstance(summary, Mapping) else None
    refund_ref = str(invoice) if invoice else f"{order_id}:{reference}"
    return RefundRef(refund_ref=refund_ref, state="refunded", raw=dict(body))


def refund_validation_from(order_id: str, body: Mapping[str, Any]) -> RefundRef:
    """`refund_status` is a boolean: true once the order has been refunded."""
    if body_code(body) != CODE_OK:
        raise error_for(body, action="refund validation")
    flag = _data(body, action="refund validation").get("refund_status")
    done = flag is True or (isinstance(flag, str | int) and str(flag).lower() in {"true", "1"})
    return RefundRef(
        refund_ref=order_id, state="refunded" if done else "refund_pending", raw=dict(body)
    )


def callback_fields(headers: Mapping[str, str], raw_body: bytes) -> Mapping[str, Any]:
    """The IPN is documented as a POST of fields; some stores receive JSON, others a form."""
    try:
        text = raw_body.decode("utf-8")
    except UnicodeDecodeError:
        raise CallbackRejected("FastPay IPN body is not UTF-8") from None
    content_type = (header(headers, "content-type") or "").lower()
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            fields = json.loads(text)
        except ValueError:
            raise CallbackRejected("FastPay IPN body is not valid JSON") from None
        if not isinstance(fields, dict):
            raise CallbackRejected("FastPay IPN body is not a JSON object")
        return fields
    return dict(parse_qsl(text, keep_blank_values=True))


def ref_from_callback(headers: Mapping[str, str], raw_body: bytes) -> CallbackRef:
    """The IPN is unsigned: it only names the order, which the processor re-validates."""
    fields = callback_fields(headers, raw_body)
    order_id = fields.get("merchant_order_id")
    if not is_order_id(order_id):
        raise CallbackRejected(
            "FastPay IPN without a valid merchant_order_id", {"provider": PROVIDER}
        )
    transaction = fields.get("gw_transaction_id")
    event_id = str(transaction) if isinstance(transaction, str | int) and transaction else None
    return CallbackRef(provider_ref=order_id, event_id=event_id, order_ref=order_id)
