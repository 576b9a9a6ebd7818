"""The FIB driver: the customer pays in a FIB app (QR code or deep link); FIB posts an
unsigned `{id, status}` to our callback URL, so every verdict comes from the status API."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from chalicelib.payments.base import (
    Action,
    CallbackRef,
    CallbackRejected,
    Capabilities,
    Order,
    PaymentError,
    PaymentProvider,
    PayoutRef,
    ProviderPayment,
    ProviderStatus,
    RefundRef,
    provider_config,
)
from chalicelib.payments.fib.auth import PROVIDER, TokenCache
from chalicelib.payments.fib.client import FibClient
from chalicelib.payments.fib.statuses import amount_of, payment_state, payout_state

PRODUCTION_BASE_URL = "https://fib.prod.fib.iq"
CURRENCY = "IQD"
MIN_AMOUNT_EXCLUSIVE = 250  # FIB refuses payments of 250 IQD or less
MAX_DESCRIPTION = 50
REFUNDABLE_FOR = "P7D"
EXPIRES_IN = "PT30M"
_DEEPLINKS = {
    "personal": "personalAppLink",
    "business": "businessAppLink",
    "corporate": "corporateAppLink",
}


class FibDriver:
    name = PROVIDER
    capabilities = Capabilities(
        currencies=frozenset({CURRENCY}),
        refund=True,
        partial_refund=False,
        cancel=True,
        payout=True,
        signed_callbacks=False,
    )

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        base = base_url.rstrip("/")
        tokens = TokenCache(
            base_url=base, client_id=client_id, client_secret=client_secret, clock=clock
        )
        self._client = FibClient(base_url=base, tokens=tokens)

    def create_payment(self, order: Order) -> ProviderPayment:
        _require_iqd(order.currency)
        if order.amount <= MIN_AMOUNT_EXCLUSIVE:
            raise PaymentError(
                PROVIDER,
                f"FIB takes payments above {MIN_AMOUNT_EXCLUSIVE} IQD, not {order.amount}",
                details={"amount": order.amount},
            )
        request: dict[str, Any] = {
            "monetaryValue": {"amount": order.amount, "currency": CURRENCY},
            "statusCallbackUrl": order.callback_url,
            "description": order.description[:MAX_DESCRIPTION],
            "refundableFor": REFUNDABLE_FOR,
            "expiresIn": EXPIRES_IN,
        }
        if order.return_url:
            request["redirectUri"] = order.return_url
        # No idempotency key at FIB: a lost answer must not be resent blindly.
        body = _object(
            self._client.call(
                "POST", "/protected/v1/payments", body=request, ok=(200, 201), idempotent=False
            ),
            "payment creation",
        )
        payment_id = _required_str(body, "paymentId", "payment creation")
        deeplinks = {
            name: link
            for name, key in _DEEPLINKS.items()
            if isinstance(link := body.get(key), str) and link
        }
        qr_code = body.get("qrCode")
        action = Action(
            type="qr",
            qr_code=qr_code if isinstance(qr_code, str) and qr_code else None,
            deeplinks=deeplinks or None,
            expires_at=_timestamp(body.get("validUntil")),
        )
        return ProviderPayment(provider_ref=payment_id, action=action, raw=body)

    def get_status(self, provider_ref: str, *, order_ref: str | None = None) -> ProviderStatus:
        path = f"{_payment_path(provider_ref)}/status"
        body = _object(self._client.call("GET", path, idempotent=True), "payment status")
        state = payment_state(body.get("status"), body.get("decliningReason"))
        if state is None:
            raise PaymentError(
                PROVIDER,
                f"unknown payment status {body.get('status')!r}",
                details={"provider_ref": provider_ref, "body": body},
            )
        amount, currency = amount_of(body)
        return ProviderStatus(
            provider_ref=provider_ref, state=state, amount=amount, currency=currency, raw=body
        )

    def cancel(self, provider_ref: str) -> None:
        path = f"{_payment_path(provider_ref)}/cancel"
        self._client.call("POST", path, ok=(200, 202, 204), idempotent=False)

    def refund(self, provider_ref: str, amount: int, currency: str, *, reference: str) -> RefundRef:
        _require_iqd(currency)
        current = self.get_status(provider_ref)
        if current.amount is not None and amount != current.amount:
            raise PaymentError(
                PROVIDER,
                f"FIB refunds the full amount only ({current.amount} IQD), not {amount}",
                details={"provider_ref": provider_ref, "amount": amount, "paid": current.amount},
            )
        # A repeated refund request finds the first one under way: report it, do not resend.
        if current.state == "refund_pending":
            return RefundRef(refund_ref=provider_ref, state="refund_pending", raw=current.raw)
        if current.state == "refunded":
            return RefundRef(refund_ref=provider_ref, state="refunded", raw=current.raw)
        path = f"{_payment_path(provider_ref)}/refund"
        body = self._client.call("POST", path, ok=(200, 202, 204), idempotent=False)
        # FIB has no refund id: the refund is the payment's own REFUND_REQUESTED -> REFUNDED.
        raw = body if isinstance(body, dict) else {}
        return RefundRef(refund_ref=provider_ref, state="refund_pending", raw=raw)

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> CallbackRef:
        """FIB signs nothing: the body only names the payment to re-check."""
        try:
            body = json.loads(raw_body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise CallbackRejected("FIB callback body is not JSON") from None
        payment_id = body.get("id") if isinstance(body, dict) else None
        if not isinstance(payment_id, str) or not payment_id.strip():
            raise CallbackRejected("FIB callback names no payment id")
        return CallbackRef(provider_ref=payment_id.strip())

    def payout(
        self, destination: Mapping[str, Any], amount: int, currency: str, *, reference: str
    ) -> PayoutRef:
        _require_iqd(currency)
        iban = destination.get("iban")
        if not isinstance(iban, str) or not iban.strip():
            raise PaymentError(PROVIDER, "a FIB payout needs destination['iban']")
        if amount <= 0:
            raise PaymentError(PROVIDER, f"payout amount must be positive, not {amount}")
        request = {
            "amount": {"amount": amount, "currency": CURRENCY},
            "targetAccountIban": iban.replace(" ", "").upper(),
            "description": reference[:MAX_DESCRIPTION],
        }
        created = _object(
            self._client.call(
                "POST", "/protected/v1/payouts", body=request, ok=(200, 201), idempotent=False
            ),
            "payout creation",
        )
        payout_id = _required_str(created, "payoutId", "payout creation")
        try:
            self._client.call(
                "POST",
                f"/protected/v1/payouts/{quote(payout_id, safe='')}/authorize",
                ok=(200, 202, 204),
                idempotent=False,
            )
        except PaymentError as error:
            # The payout exists unauthorised: name it so it is authorised, not created again.
            reason = error.message.removeprefix(f"{PROVIDER}: ")
            raise PaymentError(
                PROVIDER,
                f"payout {payout_id} created but not authorised: {reason}",
                retryable=False,
                details={**error.details, "payout_ref": payout_id},
            ) from error
        return PayoutRef(payout_ref=payout_id, state="pending", raw=created)

    def payout_status(self, payout_ref: str) -> PayoutRef:
        path = f"/protected/v1/payouts/{_quoted(payout_ref)}"
        body = _object(self._client.call("GET", path, idempotent=True), "payout status")
        state = payout_state(body.get("status"))
        if state is None:
            raise PaymentError(
                PROVIDER,
                f"unknown payout status {body.get('status')!r}",
                details={"payout_ref": payout_ref, "body": body},
            )
        return PayoutRef(payout_ref=payout_ref, state=state, raw=body)


def build() -> FibDriver:
    from chalicelib.settings_models import FibSettings

    config = provider_config(PROVIDER, FibSettings)
    driver = FibDriver(
        base_url=config.base_url or PRODUCTION_BASE_URL,
        client_id=config.client_id,
        client_secret=config.client_secret,
    )
    _conforms: PaymentProvider = driver  # mypy holds the driver to the protocol here
    return driver


def _require_iqd(currency: str) -> None:
    if currency != CURRENCY:
        raise PaymentError(PROVIDER, f"FIB takes IQD only, not {currency}")


def _payment_path(provider_ref: str) -> str:
    return f"/protected/v1/payments/{_quoted(provider_ref)}"


def _quoted(ref: str) -> str:
    if not ref:
        raise PaymentError(PROVIDER, "empty FIB reference")
    return quote(ref, safe="")


def _object(body: Any, what: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise PaymentError(PROVIDER, f"{what} answered without a JSON object", retryable=False)
    return body


def _required_str(body: dict[str, Any], key: str, what: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise PaymentError(PROVIDER, f"{what} answered without {key}", details={"body": body})
    return value


def _timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    # FIB writes UTC with a Z; a zone-less value is read as UTC, never as this host's zone.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
