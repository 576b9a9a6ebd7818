"""First Iraqi Bank's online-shop API, simulated: the Keycloak token endpoint (form body,
tokens that expire), payments with FIB's fields, statuses and error bodies, refunds that go
REFUND_REQUESTED -> REFUNDED, IBAN payouts, and unsigned `{id, status}` callbacks.

Levers: `POST /fib/payments/{paymentId}/complete` (PAID) and `/fail` (DECLINED, reason
PAYMENT_CANCELLATION unless the body names another), each calling back the
statusCallbackUrl; `GET /fib/sandbox/stats` counts token requests (tests of token caching).
A payout to an IBAN outside FIB (bank code other than FIQB) fails once authorised."""

from __future__ import annotations

import base64
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs

from devstack.sandbox.http import HttpError, Request, Response, Router, bad_request
from devstack.sandbox.providers import SANDBOX_SECRETS

PREFIX = "/fib"
TOKEN_PATH = "/auth/realms/fib-online-shop/protocol/openid-connect/token"
TOKEN_LIFETIME_SECONDS = 60  # tests shorten or lengthen it
CALLBACK_TIMEOUT_SECONDS = 5.0
MIN_AMOUNT_EXCLUSIVE = 250
MAX_DESCRIPTION = 50
DEFAULT_EXPIRES_IN = "PT1H"
DEFAULT_REFUNDABLE_FOR = "P7D"
DECLINING_REASONS = frozenset({"SERVER_FAILURE", "PAYMENT_EXPIRATION", "PAYMENT_CANCELLATION"})
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_IBAN = re.compile(r"^IQ\d{2}[A-Z]{4}\d{15}$")
_FIB_BANK_CODE = "FIQB"
# The smallest PNG there is: the QR code's picture does not matter, its data-URL shape does.
_QR_PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
).decode()
_SANDBOX_PAYER = {"name": "Sandbox Customer", "iban": "IQ98FIQB004085190510001"}


def _clock() -> float:
    """Token expiry runs on this clock; tests move it to expire tokens early."""
    return time.monotonic()


def _now() -> datetime:
    return datetime.now(UTC)


class FibError(Exception):
    """An answer in FIB's own error shape (not the sandbox envelope)."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail

    def response(self) -> Response:
        title = self.code.replace("_", " ").capitalize()
        return Response(
            {
                "errors": [{"code": self.code, "title": title, "detail": self.detail}],
                "traceId": uuid.uuid4().hex,
            },
            status=self.status,
        )


@dataclass
class _Payment:
    payment_id: str
    amount: int
    currency: str
    description: str
    callback_url: str | None
    redirect_uri: str | None
    refundable_for: timedelta
    valid_until: datetime
    status: str = "UNPAID"
    declining_reason: str | None = None
    declined_at: datetime | None = None
    paid_at: datetime | None = None

    def status_body(self) -> dict[str, Any]:
        return {
            "paymentId": self.payment_id,
            "status": self.status,
            "paidAt": _iso(self.paid_at),
            "amount": {"amount": self.amount, "currency": self.currency},
            "decliningReason": self.declining_reason,
            "declinedAt": _iso(self.declined_at),
            "paidBy": _SANDBOX_PAYER if self.paid_at is not None else None,
            "validUntil": _iso(self.valid_until),
        }


@dataclass
class _Payout:
    payout_id: str
    amount: int
    currency: str
    iban: str
    description: str
    status: str = "CREATED"
    authorized_at: int | None = None
    failed_at: int | None = None

    def body(self) -> dict[str, Any]:
        return {
            "payoutId": self.payout_id,
            "status": self.status,
            "targetAccountIban": self.iban,
            "description": self.description,
            "amount": {"amount": self.amount, "currency": self.currency},
            "authorizedAt": self.authorized_at,
            "failedAt": self.failed_at,
        }


@dataclass
class FibSandbox:
    lock: threading.Lock = field(default_factory=threading.Lock)
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry on _clock
    token_requests: int = 0
    payments: dict[str, _Payment] = field(default_factory=dict)
    payouts: dict[str, _Payout] = field(default_factory=dict)

    def register(self, router: Router) -> None:
        routes: list[tuple[str, str, Callable[[Request], Response | dict[str, Any]]]] = [
            ("POST", TOKEN_PATH, self.token),
            ("POST", "/protected/v1/payments", _fib(self.create_payment)),
            ("GET", "/protected/v1/payments/{payment_id}/status", _fib(self.payment_status)),
            ("POST", "/protected/v1/payments/{payment_id}/cancel", _fib(self.cancel)),
            ("POST", "/protected/v1/payments/{payment_id}/refund", _fib(self.refund)),
            ("POST", "/protected/v1/payouts", _fib(self.create_payout)),
            ("POST", "/protected/v1/payouts/{payout_id}/authorize", _fib(self.authorize_payout)),
            ("GET", "/protected/v1/payouts/{payout_id}", _fib(self.payout_details)),
            ("POST", "/payments/{ref}/complete", self.complete),
            ("POST", "/payments/{ref}/fail", self.fail),
            ("GET", "/sandbox/stats", self.stats),
        ]
        for method, path, handler in routes:
            router.add(method, f"{PREFIX}{path}", handler)

    # --- Keycloak ---------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        with self.lock:
            self.token_requests += 1
        form = _form(request)
        client_id, client_secret = _client_credentials(request, form)
        if not form.get("grant_type"):
            return _oauth_error(400, "invalid_request", "Missing form parameter: grant_type")
        if form["grant_type"] != "client_credentials":
            return _oauth_error(400, "unsupported_grant_type", "Unsupported grant_type")
        if (client_id, client_secret) != (
            SANDBOX_SECRETS["FIB_CLIENT_ID"],
            SANDBOX_SECRETS["FIB_CLIENT_SECRET"],
        ):
            return _oauth_error(
                401, "unauthorized_client", "Invalid client or Invalid client credentials"
            )
        value = f"fib-sandbox-{uuid.uuid4().hex}"
        lifetime = TOKEN_LIFETIME_SECONDS
        with self.lock:
            now = _clock()
            self.tokens = {token: expiry for token, expiry in self.tokens.items() if expiry > now}
            self.tokens[value] = now + lifetime
        return Response(
            {
                "access_token": value,
                "expires_in": lifetime,
                "refresh_expires_in": 0,
                "token_type": "Bearer",
                "not-before-policy": 0,
                "scope": "profile email",
            }
        )

    def _authenticate(self, request: Request) -> None:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        with self.lock:
            expiry = self.tokens.get(value) if scheme.lower() == "bearer" else None
            if expiry is None or expiry <= _clock():
                raise FibError(401, "UNAUTHORIZED", "missing, unknown or expired access token")

    # --- payments ---------------------------------------------------------------------------

    def create_payment(self, request: Request) -> Response:
        self._authenticate(request)
        body = _fib_json(request)
        value = body.get("monetaryValue")
        if not isinstance(value, dict):
            raise FibError(400, "INVALID_REQUEST", "monetaryValue is required")
        if value.get("currency") != "IQD":
            raise FibError(400, "UNSUPPORTED_CURRENCY", "only IQD is supported")
        amount = _whole(value.get("amount"))
        if amount is None or amount <= MIN_AMOUNT_EXCLUSIVE:
            raise FibError(
                400, "INVALID_AMOUNT", f"amount must be above {MIN_AMOUNT_EXCLUSIVE} IQD"
            )
        description = body.get("description") or ""
        if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
            raise FibError(400, "INVALID_DESCRIPTION", "description is at most 50 characters")
        callback_url = _optional_str(body, "statusCallbackUrl")
        redirect_uri = _optional_str(body, "redirectUri")
        expires_in = _duration(body.get("expiresIn") or DEFAULT_EXPIRES_IN, "expiresIn")
        refundable_for = _duration(
            body.get("refundableFor") or DEFAULT_REFUNDABLE_FOR, "refundableFor"
        )
        payment = _Payment(
            payment_id=str(uuid.uuid4()),
            amount=amount,
            currency="IQD",
            description=description,
            callback_url=callback_url,
            redirect_uri=redirect_uri,
            refundable_for=refundable_for,
            valid_until=_now() + expires_in,
        )
        with self.lock:
            self.payments[payment.payment_id] = payment
        code = payment.payment_id.replace("-", "")[:12].upper()
        link = f"payment?identifier={payment.payment_id}"
        return Response(
            {
                "paymentId": payment.payment_id,
                "readableCode": f"{code[:4]}-{code[4:8]}-{code[8:]}",
                "qrCode": f"data:image/png;base64,{_QR_PNG}",
                "validUntil": _iso(payment.valid_until),
                "personalAppLink": f"https://personal.fib.iq/{link}",
                "businessAppLink": f"https://business.fib.iq/{link}",
                "corporateAppLink": f"https://corporate.fib.iq/{link}",
            },
            status=201,
        )

    def payment_status(self, request: Request) -> dict[str, Any]:
        self._authenticate(request)
        with self.lock:
            payment = self._payment(request.params["payment_id"])
            if payment.status == "UNPAID" and _now() >= payment.valid_until:
                self._decline(payment, "PAYMENT_EXPIRATION", at=payment.valid_until)
            body = payment.status_body()
            # FIB settles a refund some time after accepting it: here, by the next read.
            if payment.status == "REFUND_REQUESTED":
                payment.status = "REFUNDED"
        return body

    def cancel(self, request: Request) -> Response:
        self._authenticate(request)
        with self.lock:
            payment = self._payment(request.params["payment_id"])
            if payment.status != "UNPAID":
                raise FibError(
                    400, "PAYMENT_CANNOT_BE_CANCELLED", f"payment is {payment.status}, not UNPAID"
                )
            self._decline(payment, "PAYMENT_CANCELLATION", at=_now())
        # Merchant-initiated: no callback (the caller already knows, and may be the API itself
        # mid-request). A 204 has no body, so the connection cannot carry the sandbox's JSON.
        return Response(None, status=204, headers={"Connection": "close"})

    def refund(self, request: Request) -> Response:
        self._authenticate(request)
        with self.lock:
            payment = self._payment(request.params["payment_id"])
            if payment.status != "PAID" or payment.paid_at is None:
                raise FibError(400, "TRANSACTION_STATUS_IS_NOT_PAID", "payment is not PAID")
            if _now() > payment.paid_at + payment.refundable_for:
                raise FibError(400, "REFUND_PERIOD_EXPIRED", "the refundable period is over")
            payment.status = "REFUND_REQUESTED"
        return Response(None, status=202, headers={"Connection": "close"})

    # --- payouts ----------------------------------------------------------------------------

    def create_payout(self, request: Request) -> Response:
        self._authenticate(request)
        body = _fib_json(request)
        value = body.get("amount")
        if not isinstance(value, dict) or value.get("currency") != "IQD":
            raise FibError(400, "INVALID_REQUEST", "amount {amount, currency: IQD} is required")
        amount = _whole(value.get("amount"))
        if amount is None or amount <= 0:
            raise FibError(400, "INVALID_AMOUNT", "amount must be a positive whole number")
        iban = body.get("targetAccountIban")
        if not isinstance(iban, str) or not _IBAN.fullmatch(iban):
            raise FibError(400, "INVALID_IBAN", "targetAccountIban is not an Iraqi IBAN")
        description = _optional_str(body, "description") or ""
        payout = _Payout(str(uuid.uuid4()), amount, "IQD", iban, description[:MAX_DESCRIPTION])
        with self.lock:
            self.payouts[payout.payout_id] = payout
        return Response({"payoutId": payout.payout_id}, status=201)

    def authorize_payout(self, request: Request) -> Response:
        self._authenticate(request)
        with self.lock:
            payout = self.payouts.get(request.params["payout_id"])
            if payout is None:
                raise FibError(404, "PAYOUT_NOT_FOUND", "no such payout")
            if payout.status != "CREATED":
                raise FibError(400, "PAYOUT_ALREADY_PROCESSED", f"payout is {payout.status}")
            if payout.iban[4:8] == _FIB_BANK_CODE:
                payout.status, payout.authorized_at = "AUTHORIZED", int(time.time())
            else:
                payout.status, payout.failed_at = "FAILED", int(time.time())
        return Response(None, status=204, headers={"Connection": "close"})

    def payout_details(self, request: Request) -> dict[str, Any]:
        self._authenticate(request)
        with self.lock:
            payout = self.payouts.get(request.params["payout_id"])
            if payout is None:
                raise FibError(404, "PAYOUT_NOT_FOUND", "no such payout")
            return payout.body()

    # --- levers -----------------------------------------------------------------------------

    def complete(self, request: Request) -> dict[str, Any]:
        with self.lock:
            payment = self._unpaid(request.params["ref"])
            payment.status, payment.paid_at = "PAID", _now()
        return self._called_back(payment, "PAID")

    def fail(self, request: Request) -> dict[str, Any]:
        reason = request.json_object(required=False).get("reason", "PAYMENT_CANCELLATION")
        if reason not in DECLINING_REASONS:
            raise bad_request(f"reason must be one of {sorted(DECLINING_REASONS)}")
        with self.lock:
            payment = self._unpaid(request.params["ref"])
            self._decline(payment, reason, at=_now())
        return self._called_back(payment, "DECLINED")

    def stats(self, request: Request) -> dict[str, Any]:
        with self.lock:
            return {
                "token_requests": self.token_requests,
                "payments": len(self.payments),
                "payouts": len(self.payouts),
            }

    # --- helpers ----------------------------------------------------------------------------

    def _payment(self, payment_id: str) -> _Payment:
        payment = self.payments.get(payment_id)
        if payment is None:
            raise FibError(404, "PAYMENT_NOT_FOUND", f"no payment {payment_id}")
        return payment

    def _unpaid(self, ref: str) -> _Payment:
        payment = self.payments.get(ref)
        if payment is None:
            raise HttpError(404, "NOT_FOUND", f"no FIB payment {ref}")
        if payment.status != "UNPAID":
            raise HttpError(409, "CONFLICT", f"FIB payment {ref} is {payment.status}, not UNPAID")
        return payment

    @staticmethod
    def _decline(payment: _Payment, reason: str, *, at: datetime) -> None:
        payment.status, payment.declining_reason, payment.declined_at = "DECLINED", reason, at

    @staticmethod
    def _called_back(payment: _Payment, status: str) -> dict[str, Any]:
        callback = None
        if payment.callback_url:
            callback = _post_callback(
                payment.callback_url, {"id": payment.payment_id, "status": status}
            )
        return {"provider_ref": payment.payment_id, "status": status, "callback": callback}


def register(router: Router, context: Any) -> None:
    FibSandbox().register(router)


def _fib(
    handler: Callable[[Request], Response | dict[str, Any]],
) -> Callable[[Request], Response | dict[str, Any]]:
    def answer(request: Request) -> Response | dict[str, Any]:
        try:
            return handler(request)
        except FibError as error:
            return error.response()

    return answer


def _post_callback(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    import requests

    try:
        response = requests.post(url, json=payload, timeout=CALLBACK_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        return {"url": url, "status_code": None, "error": type(error).__name__}
    return {"url": url, "status_code": response.status_code}


def _form(request: Request) -> dict[str, str]:
    try:
        parsed = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return {}
    return {key: values[0] for key, values in parsed.items()}


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    """From the form, or (Keycloak's other client authentication) HTTP Basic."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", ""
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def _oauth_error(status: int, error: str, description: str) -> Response:
    return Response({"error": error, "error_description": description}, status=status)


def _fib_json(request: Request) -> dict[str, Any]:
    try:
        return request.json_object()
    except HttpError as error:
        raise FibError(400, "INVALID_REQUEST", error.message) from None


def _optional_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FibError(400, "INVALID_REQUEST", f"{key} must be a string")
    return value or None


def _whole(value: object) -> int | None:
    """FIB takes the amount as a number or a decimal string; IQD has no fraction."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _duration(value: object, name: str) -> timedelta:
    match = _DURATION.fullmatch(value) if isinstance(value, str) else None
    if match is None or value == "P" or (isinstance(value, str) and value.endswith("T")):
        raise FibError(400, "INVALID_REQUEST", f"{name} must be an ISO-8601 duration")
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None
