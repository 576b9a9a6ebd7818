"""areeba's IXOPAY gateway (JSON API v3), simulated under /areeba/api/v3.

What it keeps from the real gateway: HTTP Basic auth plus the API key in the path (401
otherwise); an `X-Signature` on a request is verified when present; refusals are HTTP 200
with `success: false` (and `returnType: ERROR` for transactions); a debit answers
`returnType: REDIRECT` and stays REDIRECT until the payer acts; the status API
(`/status/{apiKey}/getByUuid/{uuid}`) describes one transaction, refunds being
transactions of their own; callbacks are JSON signed with the shared secret and expect
the body OK. The payer's side is `POST /areeba/payments/{uuid}/complete` or `/fail`.

The signature is computed here independently of the driver, from IXOPAY's description,
so a driver that signs wrongly fails against the sandbox."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import threading
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from devstack.sandbox.http import HttpError, Request, Response, Router
from devstack.sandbox.providers import SANDBOX_SECRETS

PREFIX = "/areeba/api/v3"
CURRENCY_EXPONENTS = {"IQD": 0, "USD": 2}  # what areeba's Iraqi merchants settle in
CALLBACK_TIMEOUT_SECONDS = 5.0
CALLBACK_CONTENT_TYPE = "application/json; charset=utf-8"
_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,3})?$")
_DEBIT_FIELDS = ("merchantTransactionId", "amount", "currency")
_REFUND_FIELDS = ("merchantTransactionId", "referenceUuid", "amount", "currency")
_OPEN = frozenset({"REDIRECT", "PENDING"})
_DECLINE = {
    "errorMessage": "The transaction was declined",
    "errorCode": 2003,
    "adapterMessage": "Do not honor",
    "adapterCode": "05",
}
_CARD = {"_TYPE": "cardData", "type": "visa", "binBrand": "VISA", "lastFourDigits": "4242"}


def _sign(*, method: str, body: bytes, content_type: str, date: str, uri: str) -> str:
    message = f"{method}\n{hashlib.sha512(body).hexdigest()}\n{content_type}\n{date}\n{uri}"
    secret = SANDBOX_SECRETS["AREEBA_SHARED_SECRET"].encode()
    return base64.b64encode(hmac.new(secret, message.encode(), hashlib.sha512).digest()).decode()


def _refusal(message: str, code: int, status: int = 200) -> Response:
    return Response({"success": False, "errorMessage": message, "errorCode": code}, status)


def _declined(message: str, code: int, uuid: str | None = None) -> Response:
    body: dict[str, Any] = {
        "success": False,
        "returnType": "ERROR",
        "errors": [{"errorMessage": message, "errorCode": code}],
    }
    if uuid is not None:
        body["uuid"] = uuid
    return Response(body)


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__("refused")
        self.response = response


class AreebaSandbox:
    def __init__(self, context: Any) -> None:
        self._context = context
        self._lock = threading.Lock()
        self._transactions: dict[str, dict[str, Any]] = {}
        self._merchant_ids: set[str] = set()

    def register(self, router: Router) -> None:
        router.add("POST", PREFIX + "/transaction/{api_key}/debit", self.debit)
        router.add("POST", PREFIX + "/transaction/{api_key}/refund", self.refund)
        router.add("GET", PREFIX + "/status/{api_key}/getByUuid/{uuid}", self.status)
        router.add("GET", "/areeba/redirect/{uuid}", self.payment_page)
        router.add("POST", "/areeba/payments/{ref}/complete", self.complete)
        router.add("POST", "/areeba/payments/{ref}/fail", self.fail)

    # -- the gateway's API ----------------------------------------------------------------

    def debit(self, request: Request) -> Response:
        try:
            body = self._authenticated_body(request, _DEBIT_FIELDS)
            amount = _amount(body)
        except _Refused as refused:
            return refused.response
        uuid = secrets.token_hex(10)
        with self._lock:
            if body["merchantTransactionId"] in self._merchant_ids:
                return _declined("merchantTransactionId has already been used", 3004)
            self._merchant_ids.add(body["merchantTransactionId"])
            self._transactions[uuid] = {
                **_base(uuid, body, "DEBIT", "REDIRECT"),
                "refunded": Decimal(0),
                "callbackUrl": body.get("callbackUrl"),
                "description": body.get("description"),
                "successUrl": body.get("successUrl"),
                "errorUrl": body.get("errorUrl"),
                "amountValue": amount,
            }
            purchase_id = self._transactions[uuid]["purchaseId"]
        return Response(
            {
                "success": True,
                "uuid": uuid,
                "purchaseId": purchase_id,
                "returnType": "REDIRECT",
                "redirectUrl": f"{self._context.sandbox_url}/areeba/redirect/{uuid}",
                "paymentMethod": "Creditcard",
            }
        )

    def refund(self, request: Request) -> Response:
        try:
            body = self._authenticated_body(request, _REFUND_FIELDS)
            amount = _amount(body)
        except _Refused as refused:
            return refused.response
        with self._lock:
            if body["merchantTransactionId"] in self._merchant_ids:
                return _declined("merchantTransactionId has already been used", 3004)
            debit = self._transactions.get(body["referenceUuid"])
            if debit is None or debit["transactionType"] != "DEBIT":
                return _declined("Reference transaction not found", 3002)
            problem = _refund_problem(debit, body, amount)
            if problem is not None:
                return _declined(*problem)
            uuid = secrets.token_hex(10)
            self._merchant_ids.add(body["merchantTransactionId"])
            debit["refunded"] += amount
            self._transactions[uuid] = {
                **_base(uuid, body, "REFUND", "SUCCESS"),
                "referenceUuid": debit["uuid"],
            }
            purchase_id = debit["purchaseId"]
        return Response(
            {
                "success": True,
                "uuid": uuid,
                "purchaseId": purchase_id,
                "returnType": "FINISHED",
                "paymentMethod": "Creditcard",
            }
        )

    def status(self, request: Request) -> Response:
        try:
            self._authenticate(request)
        except _Refused as refused:
            return refused.response
        with self._lock:
            transaction = self._transactions.get(request.params["uuid"])
            if transaction is None:
                return _refusal("Transaction not found", 8001)
            return Response({"success": True, **_public(transaction)})

    # -- the payer's side -----------------------------------------------------------------

    def payment_page(self, request: Request) -> dict[str, Any]:
        """What the hosted page would show; JSON, since the sandbox speaks nothing else."""
        with self._lock:
            transaction = self._debit(request.params["uuid"])
            shown = {**_public(transaction), "description": transaction["description"]}
        base = f"{self._context.sandbox_url}/areeba/payments/{shown['uuid']}"
        return {
            **shown,
            "complete": f"POST {base}/complete",
            "fail": f"POST {base}/fail",
        }

    def complete(self, request: Request) -> dict[str, Any]:
        return self._finish(request.params["ref"], "SUCCESS")

    def fail(self, request: Request) -> dict[str, Any]:
        return self._finish(request.params["ref"], "ERROR")

    def _finish(self, uuid: str, status: str) -> dict[str, Any]:
        with self._lock:
            transaction = self._debit(uuid)
            if transaction["transactionStatus"] not in _OPEN:
                raise HttpError(
                    409,
                    "CONFLICT",
                    f"transaction {uuid} is already {transaction['transactionStatus']}",
                )
            transaction["transactionStatus"] = status
            if status == "ERROR":
                transaction["errors"] = [dict(_DECLINE)]
            callback_url = transaction["callbackUrl"]
            payload = _callback_body(transaction)
        callback = self._call_back(callback_url, payload) if callback_url else None
        return {"provider_ref": uuid, "status": status, "callback": callback}

    def _call_back(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        import requests

        body = json.dumps(payload, separators=(",", ":")).encode()
        date = format_datetime(datetime.now(UTC), usegmt=True)
        parts = urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {
            "Content-Type": CALLBACK_CONTENT_TYPE,
            "Date": date,
            "X-Signature": _sign(
                method="POST", body=body, content_type=CALLBACK_CONTENT_TYPE, date=date, uri=uri
            ),
        }
        try:
            answer = requests.post(
                url, data=body, headers=headers, timeout=CALLBACK_TIMEOUT_SECONDS
            )
        except requests.RequestException as error:
            return {"url": url, "status_code": None, "error": type(error).__name__}
        return {"url": url, "status_code": answer.status_code, "answer": answer.text[:200]}

    # -- checks ---------------------------------------------------------------------------

    def _debit(self, uuid: str) -> dict[str, Any]:
        transaction = self._transactions.get(uuid)
        if transaction is None or transaction["transactionType"] != "DEBIT":
            raise HttpError(404, "NOT_FOUND", f"no areeba debit {uuid}")
        return transaction

    def _authenticated_body(self, request: Request, required: tuple[str, ...]) -> dict[str, Any]:
        self._authenticate(request)
        try:
            body = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _Refused(_refusal("Request body is not valid JSON", 1002)) from None
        if not isinstance(body, dict):
            raise _Refused(_refusal("Request body must be a JSON object", 1002))
        missing = [
            name for name in required if not isinstance(body.get(name), str) or not body[name]
        ]
        if missing:
            raise _Refused(_refusal(f"Missing or invalid field(s): {', '.join(missing)}", 1002))
        if len(body["merchantTransactionId"]) > 50:
            raise _Refused(_refusal("merchantTransactionId is longer than 50 characters", 1002))
        return body

    def _authenticate(self, request: Request) -> None:
        if not _basic_auth_ok(request.headers.get("authorization", "")):
            raise _Refused(_refusal("Invalid credentials", 1001, 401))
        if request.params.get("api_key") != SANDBOX_SECRETS["AREEBA_API_KEY"]:
            raise _Refused(_refusal("Invalid API key", 1001, 401))
        signature = request.headers.get("x-signature")
        if signature is None:
            return  # the connector accepts unsigned requests; a present signature must hold
        date = request.headers.get("date") or request.headers.get("x-date") or ""
        expected = _sign(
            method=request.method,
            body=request.body,
            content_type=request.headers.get("content-type", ""),
            date=date,
            uri=request.path,
        )
        if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
            raise _Refused(_refusal("Invalid signature", 1004, 401))


def _basic_auth_ok(authorization: str) -> bool:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        username, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(
        username, SANDBOX_SECRETS["AREEBA_USERNAME"]
    ) and hmac.compare_digest(password, SANDBOX_SECRETS["AREEBA_PASSWORD"])


def _amount(body: dict[str, Any]) -> Decimal:
    currency, amount = body["currency"], body["amount"]
    exponent = CURRENCY_EXPONENTS.get(currency)
    if exponent is None:
        raise _Refused(_declined(f"Currency {currency} is not enabled on this connector", 1002))
    if not _AMOUNT.match(amount):
        raise _Refused(_refusal(f"Invalid amount {amount!r}", 1002))
    value = Decimal(amount)
    if value <= 0 or value != value.quantize(Decimal(1).scaleb(-exponent)):
        raise _Refused(_refusal(f"Invalid amount {amount!r} for {currency}", 1002))
    return value


def _refund_problem(
    debit: dict[str, Any], body: dict[str, Any], amount: Decimal
) -> tuple[str, int] | None:
    if debit["transactionStatus"] != "SUCCESS":
        return ("Reference transaction is not refundable", 3003)
    if body["currency"] != debit["currency"]:
        return ("Currency does not match the reference transaction", 1002)
    if amount > debit["amountValue"] - debit["refunded"]:
        return ("Refund amount exceeds the refundable amount", 3005)
    return None


def _base(uuid: str, body: dict[str, Any], kind: str, status: str) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "merchantTransactionId": body["merchantTransactionId"],
        "purchaseId": f"{datetime.now(UTC):%Y%m%d}-{uuid}",
        "transactionType": kind,
        "transactionStatus": status,
        "paymentMethod": "Creditcard",
        "amount": body["amount"],
        "currency": body["currency"],
    }


_PUBLIC_FIELDS = (
    "uuid",
    "merchantTransactionId",
    "purchaseId",
    "transactionType",
    "transactionStatus",
    "paymentMethod",
    "amount",
    "currency",
    "errors",
)


def _public(transaction: dict[str, Any]) -> dict[str, Any]:
    """A transaction as the status API shows it."""
    shown = {name: transaction[name] for name in _PUBLIC_FIELDS if name in transaction}
    if transaction["transactionType"] == "DEBIT" and transaction["transactionStatus"] == "SUCCESS":
        shown["returnData"] = dict(_CARD)
    return shown


def _callback_body(transaction: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "result": "OK" if transaction["transactionStatus"] == "SUCCESS" else "ERROR",
        "uuid": transaction["uuid"],
        "merchantTransactionId": transaction["merchantTransactionId"],
        "purchaseId": transaction["purchaseId"],
        "transactionType": transaction["transactionType"],
        "paymentMethod": transaction["paymentMethod"],
        "amount": transaction["amount"],
        "currency": transaction["currency"],
    }
    if body["result"] == "OK":
        body["returnData"] = dict(_CARD)
    else:
        error = transaction["errors"][0]
        body.update(
            code=error["errorCode"],
            message=error["errorMessage"],
            adapterCode=error["adapterCode"],
            adapterMessage=error["adapterMessage"],
        )
    return body


def register(router: Router, context: Any) -> None:
    AreebaSandbox(context).register(router)
