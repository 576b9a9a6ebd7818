"""FastPay's merchant payment gateway, simulated: the real paths under `/fastpay` (so
FASTPAY_BASE_URL = <sandbox>/fastpay), store credentials in every JSON body, and FastPay's
quirks: HTTP 200 for every error with the verdict in the body's `code` (422 for bad
credentials or input, 404 for an unknown or unpaid order), an IPN on success only, none on
failure. `/fastpay/pay/{order_id}` stands in for the hosted checkout page."""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from devstack.sandbox.http import HttpError, Request, Router
from devstack.sandbox.providers import SANDBOX_SECRETS

API = "/fastpay/api/v1/public/pgw/payment"
CALLBACK_TIMEOUT_SECONDS = 5.0
CUSTOMER_NAME = "Sandbox Customer"
CUSTOMER_MOBILE = f"+{SANDBOX_SECRETS['FASTPAY_MSISDN']}"
_ORDER_ID = re.compile(r"[A-Za-z0-9]{8,32}")
_Action = Callable[[dict[str, Any]], dict[str, Any]]
_BAD_CREDENTIALS = "Sorry! The Store ID and Store Password combination is wrong."


@dataclass
class _Payment:
    order_id: str
    bill_amount: int
    currency: str
    cart: list[dict[str, Any]]
    success_url: str
    cancel_url: str
    callback_url: str | None
    status: str = "Pending"  # FastPay's own words once settled: Success | Failed
    received_amount: int = 0
    refunded: int = 0
    gw_transaction_id: str | None = None
    at: str | None = None


class _Refused(Exception):
    """A FastPay error: answered with HTTP 200 and the code in the body."""

    def __init__(self, code: int, *messages: str) -> None:
        super().__init__(messages[0] if messages else str(code))
        self.code = code
        self.messages = list(messages)


def _answer(code: int, messages: list[str], data: Any = None) -> dict[str, Any]:
    return {"code": code, "messages": messages, "data": data}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _money(amount: int) -> str:
    return f"{amount}.00"


def _whole_amount(value: object, field: str) -> int:
    """FastPay takes numbers or numeric strings; IQD has no fraction."""
    if isinstance(value, bool) or value is None:
        raise _Refused(422, f"The {field} field is required.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _Refused(422, f"The {field} must be a number.") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.to_integral_value():
        raise _Refused(422, f"The {field} must be a positive whole number of dinars.")
    return int(amount)


def _text(body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise _Refused(422, f"The {field} field is required.")
    return value


def _cart(value: object) -> list[dict[str, Any]]:
    """`cart` is a JSON string (not an array) of {name, qty, unit_price}."""
    if not isinstance(value, str):
        raise _Refused(422, "The cart must be a JSON string.")
    try:
        items = json.loads(value)
    except ValueError:
        raise _Refused(422, "The cart must be a valid JSON string.") from None
    if not isinstance(items, list) or not items:
        raise _Refused(422, "The cart must be a non-empty list.")
    for item in items:
        if not isinstance(item, dict) or not {"name", "qty", "unit_price"} <= set(item):
            raise _Refused(422, "Each cart item needs name, qty and unit_price.")
    return items


def _digits(number: object) -> str:
    return "".join(ch for ch in str(number) if ch.isdigit())


class FastPaySandbox:
    def __init__(self, context: Any) -> None:
        self._context = context
        self._lock = threading.Lock()
        self._payments: dict[str, _Payment] = {}

    def register(self, router: Router) -> None:
        router.add("POST", f"{API}/initiation", self._fastpay(self.initiate))
        router.add("POST", f"{API}/validate", self._fastpay(self.validate))
        router.add("POST", f"{API}/refund", self._fastpay(self.refund))
        router.add("POST", f"{API}/refund/validation", self._fastpay(self.refund_validation))
        router.add("GET", "/fastpay/pay/{order_id}", self.checkout_page)
        router.add("POST", "/fastpay/payments/{ref}/complete", self.complete)
        router.add("POST", "/fastpay/payments/{ref}/fail", self.fail)

    def _fastpay(self, action: _Action) -> Callable[[Request], dict[str, Any]]:
        """FastPay's envelope: credentials first, every error as HTTP 200 with a code."""

        def handler(request: Request) -> dict[str, Any]:
            try:
                body = json.loads(request.body.decode("utf-8") or "null")
            except (UnicodeDecodeError, ValueError):
                return _answer(422, ["The request body must be JSON."])
            if not isinstance(body, dict):
                return _answer(422, ["The request body must be a JSON object."])
            try:
                if (
                    body.get("store_id") != SANDBOX_SECRETS["FASTPAY_STORE_ID"]
                    or body.get("store_password") != SANDBOX_SECRETS["FASTPAY_STORE_PASSWORD"]
                ):
                    raise _Refused(422, _BAD_CREDENTIALS)
                result: dict[str, Any] = action(body)
            except _Refused as refused:
                return _answer(refused.code, refused.messages)
            return result

        return handler

    def _order_id(self, body: dict[str, Any]) -> str:
        order_id = body.get("order_id")
        if not isinstance(order_id, str) or not _ORDER_ID.fullmatch(order_id):
            raise _Refused(422, "The order id must be 8 to 32 letters and digits.")
        return order_id

    def _known(self, order_id: str) -> _Payment:
        payment = self._payments.get(order_id)
        if payment is None:
            raise _Refused(404, "Sorry! This order is not found.")
        return payment

    def initiate(self, body: dict[str, Any]) -> dict[str, Any]:
        order_id = self._order_id(body)
        amount = _whole_amount(body.get("bill_amount"), "bill_amount")
        if body.get("currency") != "IQD":
            raise _Refused(422, "The selected currency is invalid.")
        callback_url = body.get("callback_url")
        payment = _Payment(
            order_id=order_id,
            bill_amount=amount,
            currency="IQD",
            cart=_cart(body.get("cart")),
            success_url=_text(body, "success_url"),
            cancel_url=_text(body, "cancel_url"),
            callback_url=callback_url if isinstance(callback_url, str) and callback_url else None,
        )
        with self._lock:
            existing = self._payments.get(order_id)
            # A retried initiation of the same unpaid order gets the same checkout again.
            if existing is not None and (
                existing.status != "Pending" or existing.bill_amount != amount
            ):
                raise _Refused(422, "The order id has already been taken.")
            if existing is None:
                self._payments[order_id] = payment
        redirect = f"{self._context.sandbox_url}/fastpay/pay/{order_id}"
        return _answer(
            200, ["Payment Initiation request processed successfully."], {"redirect_uri": redirect}
        )

    def validate(self, body: dict[str, Any]) -> dict[str, Any]:
        order_id = self._order_id(body)
        with self._lock:
            payment = self._known(order_id)
            if payment.status == "Pending":
                raise _Refused(404, "Sorry! This order is not paid yet.")
            return _answer(200, ["Payment validated."], self._transaction(payment))

    def _transaction(self, payment: _Payment) -> dict[str, Any]:
        return {
            "gw_transaction_id": payment.gw_transaction_id,
            "merchant_order_id": payment.order_id,
            "received_amount": _money(payment.received_amount),
            "currency": payment.currency,
            "status": payment.status,
            "customer_name": CUSTOMER_NAME,
            "customer_mobile_number": CUSTOMER_MOBILE,
            "at": payment.at,
        }

    def refund(self, body: dict[str, Any]) -> dict[str, Any]:
        order_id = self._order_id(body)
        if body.get("refund_secret_key") != SANDBOX_SECRETS["FASTPAY_REFUND_SECRET"]:
            raise _Refused(422, "The refund secret key is wrong.")
        amount = _whole_amount(body.get("amount"), "amount")
        with self._lock:
            payment = self._known(order_id)
            if payment.status != "Success":
                raise _Refused(422, "Only a successful payment can be refunded.")
            if _digits(body.get("msisdn")) != _digits(CUSTOMER_MOBILE):
                raise _Refused(422, "The msisdn is not the payer of this order.")
            if payment.refunded + amount > payment.received_amount:
                left = payment.received_amount - payment.refunded
                raise _Refused(422, f"The refund amount exceeds the refundable {left}.")
            payment.refunded += amount
        summary = {
            "recipient": {"name": CUSTOMER_NAME, "mobile_number": CUSTOMER_MOBILE, "avatar": None},
            "invoice_id": f"R{secrets.token_hex(5).upper()}",
        }
        return _answer(200, ["messages.successfully_refund"], {"summary": summary})

    def refund_validation(self, body: dict[str, Any]) -> dict[str, Any]:
        order_id = self._order_id(body)
        with self._lock:
            refunded = self._known(order_id).refunded > 0
        data = {"order_id": order_id, "refund_status": refunded, "status_checked_at": _now()}
        return _answer(200, [], data)

    def checkout_page(self, request: Request) -> dict[str, Any]:
        """What the hosted page shows; paying happens through /complete or /fail."""
        with self._lock:
            payment = self._payments.get(request.params["order_id"])
            if payment is None:
                raise HttpError(404, "NOT_FOUND", "no such FastPay order")
            return {
                "order_id": payment.order_id,
                "bill_amount": payment.bill_amount,
                "currency": payment.currency,
                "cart": payment.cart,
                "status": payment.status,
            }

    def _settle(self, ref: str, status: str, received: int | None) -> _Payment:
        with self._lock:
            payment = self._payments.get(ref)
            if payment is None:
                raise HttpError(404, "NOT_FOUND", f"no FastPay order {ref}")
            if payment.status != "Pending":
                raise HttpError(409, "CONFLICT", f"FastPay order {ref} is already {payment.status}")
            payment.status = status
            payment.received_amount = payment.bill_amount if received is None else received
            payment.gw_transaction_id = f"C{secrets.token_hex(5).upper()}"
            payment.at = _now()
            return _Payment(**vars(payment))

    def complete(self, request: Request) -> dict[str, Any]:
        """Pays the order (optionally a different `received_amount`) and sends the IPN."""
        body = request.json_object(required=False)
        received = body.get("received_amount")
        if received is not None and (
            isinstance(received, bool) or not isinstance(received, int) or received < 0
        ):
            raise HttpError(400, "VALIDATION_ERROR", "received_amount must be whole dinars")
        payment = self._settle(request.params["ref"], "Success", received)
        callback = None
        if payment.callback_url is not None:
            callback = _send_ipn(payment.callback_url, self._transaction(payment))
        return {"provider_ref": payment.order_id, "status": payment.status, "callback": callback}

    def fail(self, request: Request) -> dict[str, Any]:
        """FastPay tells nobody about a failure: the merchant finds out by validating."""
        payment = self._settle(request.params["ref"], "Failed", 0)
        return {"provider_ref": payment.order_id, "status": payment.status, "callback": None}


def _send_ipn(url: str, fields: dict[str, Any]) -> dict[str, Any]:
    import requests

    try:
        answer = requests.post(url, json=fields, timeout=CALLBACK_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        return {"url": url, "status_code": None, "error": type(error).__name__}
    return {"url": url, "status_code": answer.status_code}


def register(router: Router, context: Any) -> None:
    FastPaySandbox(context).register(router)
