"""NassWallet's payment gateway, simulated: the merchant login (Basic gateway token plus
username and password, a bearer token with `accessTokenExpiry` in epoch ms), initTransaction,
checkTransaction and the checkout page, all under `/nasswallet` at NassWallet's own paths.
Answers carry `responseCode` (0 is success): a refused gateway or bearer token is HTTP 401,
a refused login, PIN or lookup is HTTP 200 with a non-zero code, as on the real gateway.
NassWallet takes no callback URL per transaction: it calls the one set in the merchant
account, here the API's `/v1/payments/webhook/nasswallet`."""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from devstack.sandbox.http import HttpError, Request, Response, Router
from devstack.sandbox.providers import SANDBOX_SECRETS

PREFIX = "/nasswallet"
API = f"{PREFIX}/payment/transaction"
CHECKOUT = f"{PREFIX}/payment-gateway"
TOKEN_LIFETIME_MS = 30 * 60 * 1000
CALLBACK_TIMEOUT_SECONDS = 5
LANGUAGES = frozenset({"en", "ar", "ku"})
_AMOUNT = re.compile(r"^\d{1,15}(\.\d{1,3})?$")
# Sandbox codes for refusals; the real gateway's numbering is not published.
CODE_UNAUTHORIZED = 401
CODE_INVALID = 400
CODE_FORBIDDEN = 403
CODE_NOT_FOUND = 404


class _Refusal(Exception):
    def __init__(self, http_status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.message = message


@dataclass
class _Transaction:
    transaction_id: str
    token: str
    order_id: str
    amount: str
    language: str
    merchant: str
    created_ms: int
    status: str = "PENDING"

    def summary(self) -> dict[str, Any]:
        return {
            "transactionId": self.transaction_id,
            "orderId": self.order_id,
            "amount": self.amount,
            "transactionStatus": self.status,
        }


def _now_ms() -> int:
    return int(time.time() * 1000)


def _ok(data: dict[str, Any]) -> Response:
    return Response({"responseCode": 0, "message": "Success", "data": data})


def _answers(handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """NassWallet answers refusals in its own envelope, not the sandbox's."""

    def answer(request: Request) -> Response:
        try:
            return handler(request)
        except _Refusal as refusal:
            body = {"responseCode": refusal.code, "message": refusal.message, "data": None}
            return Response(body, status=refusal.http_status)

    return answer


def _data(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except HttpError:
        raise _Refusal(400, CODE_INVALID, "Invalid request body") from None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise _Refusal(400, CODE_INVALID, "data is required")
    return data


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise _Refusal(200, CODE_INVALID, f"{key} is required")
    return str(value).strip()


class NassWalletSandbox:
    def __init__(self, context: Any) -> None:
        self._callback_url = f"{context.api_url}/v1/payments/webhook/nasswallet"
        self._sandbox_url = context.sandbox_url
        self._lock = threading.Lock()
        self._tokens: dict[str, int] = {}  # bearer token -> expiry, epoch ms
        self._transactions: dict[str, _Transaction] = {}

    def register(self, router: Router) -> None:
        router.add("POST", f"{API}/login", _answers(self.login))
        router.add("POST", f"{API}/initTransaction", _answers(self.init_transaction))
        router.add("POST", f"{API}/checkTransaction", _answers(self.check_transaction))
        router.add("GET", CHECKOUT, self.checkout)
        router.add("POST", f"{PREFIX}/payments/{{ref}}/complete", self.complete)
        router.add("POST", f"{PREFIX}/payments/{{ref}}/fail", self.fail)

    def login(self, request: Request) -> Response:
        expected = f"Basic {SANDBOX_SECRETS['NASSWALLET_GATEWAY_TOKEN']}"
        if request.headers.get("authorization") != expected:
            raise _Refusal(401, CODE_UNAUTHORIZED, "Invalid authorization token")
        data = _data(request)
        if data.get("grantType") != "password":
            raise _Refusal(200, CODE_INVALID, "Unsupported grant type")
        if (
            data.get("username") != SANDBOX_SECRETS["NASSWALLET_USERNAME"]
            or data.get("password") != SANDBOX_SECRETS["NASSWALLET_PASSWORD"]
        ):
            raise _Refusal(200, CODE_UNAUTHORIZED, "Invalid username or password")
        token = secrets.token_urlsafe(24)
        now = _now_ms()
        expiry = now + TOKEN_LIFETIME_MS
        with self._lock:
            self._tokens = {key: until for key, until in self._tokens.items() if until > now}
            self._tokens[token] = expiry
        return _ok({"access_token": token, "token_type": "bearer", "accessTokenExpiry": expiry})

    def _authorise(self, request: Request) -> None:
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        with self._lock:
            expiry = self._tokens.get(token.strip())
        if scheme.lower() != "bearer" or expiry is None or expiry <= _now_ms():
            raise _Refusal(401, CODE_UNAUTHORIZED, "Unauthorized: invalid or expired token")

    def init_transaction(self, request: Request) -> Response:
        self._authorise(request)
        data = _data(request)
        if _text(data, "userIdentifier") != SANDBOX_SECRETS["NASSWALLET_MERCHANT_ID"]:
            raise _Refusal(200, CODE_FORBIDDEN, "Invalid user identifier")
        if _text(data, "transactionPin") != SANDBOX_SECRETS["NASSWALLET_PIN"]:
            raise _Refusal(200, CODE_FORBIDDEN, "Invalid transaction PIN")
        order_id = _text(data, "orderId")
        amount = data.get("amount")
        # The gateway takes the amount as a string of dinars.
        if not isinstance(amount, str) or not _AMOUNT.match(amount) or Decimal(amount) <= 0:
            raise _Refusal(200, CODE_INVALID, "amount must be a positive amount as a string")
        language = data.get("languageCode", "en")
        if language not in LANGUAGES:
            raise _Refusal(200, CODE_INVALID, "languageCode must be en, ar or ku")
        with self._lock:
            transaction_id = self._new_id()
            transaction = _Transaction(
                transaction_id=transaction_id,
                token=secrets.token_urlsafe(16),
                order_id=order_id,
                amount=amount,
                language=language,
                merchant=SANDBOX_SECRETS["NASSWALLET_MERCHANT_ID"],
                created_ms=_now_ms(),
            )
            self._transactions[transaction_id] = transaction
        return _ok({"transactionId": transaction_id, "token": transaction.token})

    def _new_id(self) -> str:
        while True:
            candidate = str(10**11 + secrets.randbelow(9 * 10**11))
            if candidate not in self._transactions:
                return candidate

    def check_transaction(self, request: Request) -> Response:
        self._authorise(request)
        transaction_id = _text(_data(request), "transactionId")
        with self._lock:
            transaction = self._transactions.get(transaction_id)
            if transaction is None:
                raise _Refusal(200, CODE_NOT_FOUND, "Transaction not found")
            answer = transaction.summary()
            if transaction.status != "PENDING":
                answer["TransactionHistoryList"] = [
                    {
                        "TransactionId": transaction.transaction_id,
                        "OrderId": transaction.order_id,
                        "Amount": transaction.amount,
                        "TransactionStatus": transaction.status,
                    }
                ]
        return _ok(answer)

    def checkout(self, request: Request) -> dict[str, Any]:
        """The checkout page, as JSON: what the payer would be asked to approve."""
        first = {key: values[0] for key, values in request.query.items() if values}
        with self._lock:
            transaction = self._transactions.get(first.get("id", ""))
            if (
                transaction is None
                or first.get("token") != transaction.token
                or first.get("userIdentifier") != transaction.merchant
            ):
                raise HttpError(404, "NOT_FOUND", "no such pending payment")
            page = {**transaction.summary(), "currency": "IQD", "merchant": transaction.merchant}
        base = f"{self._sandbox_url}{PREFIX}/payments/{transaction.transaction_id}"
        return {**page, "complete": f"{base}/complete", "fail": f"{base}/fail"}

    def complete(self, request: Request) -> dict[str, Any]:
        return self._settle(request.params["ref"], "SUCCESS")

    def fail(self, request: Request) -> dict[str, Any]:
        return self._settle(request.params["ref"], "FAILED")

    def _settle(self, ref: str, status: str) -> dict[str, Any]:
        with self._lock:
            transaction = self._transactions.get(ref)
            if transaction is None:
                raise HttpError(404, "NOT_FOUND", f"no NassWallet transaction {ref}")
            if transaction.status != "PENDING":
                raise HttpError(
                    409, "CONFLICT", f"transaction {ref} is already {transaction.status}"
                )
            transaction.status = status
            payload = {
                "data": {
                    "orderId": transaction.order_id,
                    "amount": transaction.amount,
                    "InitTransactionId": transaction.transaction_id,
                    "transactionStatus": status,
                }
            }
        return {"provider_ref": ref, "status": status, "callback": self._call_back(payload)}

    def _call_back(self, payload: dict[str, Any]) -> dict[str, Any]:
        import requests

        try:
            response = requests.post(
                self._callback_url, json=payload, timeout=CALLBACK_TIMEOUT_SECONDS
            )
        except requests.RequestException as error:
            return {"url": self._callback_url, "status_code": None, "error": type(error).__name__}
        return {
            "url": self._callback_url,
            "status_code": response.status_code,
            "answer": response.text[:200],
        }


def register(router: Router, context: Any) -> None:
    NassWalletSandbox(context).register(router)
