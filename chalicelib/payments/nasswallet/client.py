"""NassWallet's HTTP conversation: a login token cached until shortly before it expires (one
login at a time), and the `{"data": …}` envelopes whose `responseCode` 0 means success
whatever the HTTP status says."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.payments.base import PaymentError

PROVIDER = "nasswallet"
TIMEOUT_SECONDS = 10.0
REFRESH_MARGIN_SECONDS = 60.0
# A login answer without a usable expiry is trusted only briefly.
DEFAULT_TOKEN_SECONDS = 60.0
_EPOCH_MS_FLOOR = 10**12  # the documented unit; smaller values are taken as epoch seconds
_EPOCH_S_FLOOR = 10**9
_MESSAGE_KEYS = ("message", "responseMessage", "errMessage", "error", "errorMessage")


@dataclass(frozen=True)
class Credentials:
    gateway_token: str  # the static Basic token NassWallet issues for the login call
    username: str
    password: str

    @property
    def basic(self) -> str:
        # Configured either bare (as issued) or already prefixed.
        token = self.gateway_token.strip()
        return token if token.lower().startswith("basic ") else f"Basic {token}"


@dataclass(frozen=True)
class _Token:
    value: str
    refresh_at: float  # epoch seconds


class NassWalletClient:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._credentials = credentials
        self._clock = clock
        self._timeout = timeout
        self._lock = threading.Lock()
        self._token: _Token | None = None

    def call(self, operation: str, data: dict[str, Any]) -> dict[str, Any]:
        """The checked answer body (its `data` is an object). A refused token (HTTP 401) is
        dropped and the call made once more: an unauthenticated request was not processed."""
        token = self._bearer()
        status, body = self._post(operation, data, f"Bearer {token}")
        if status == 401:
            self._forget(token)
            status, body = self._post(operation, data, f"Bearer {self._bearer()}")
        return _checked(operation, status, body)

    def _bearer(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._token.refresh_at:
                self._token = self._login()
            return self._token.value

    def _forget(self, token: str) -> None:
        with self._lock:
            if self._token is not None and self._token.value == token:
                self._token = None

    def _login(self) -> _Token:
        credentials = self._credentials
        status, body = self._post(
            "login",
            {
                "username": credentials.username,
                "password": credentials.password,
                "grantType": "password",
            },
            credentials.basic,
        )
        data = _checked("login", status, body)["data"]
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise PaymentError(PROVIDER, "login answered without an access token")
        return _Token(token, _refresh_at(data.get("accessTokenExpiry"), self._clock()))

    def _post(self, operation: str, data: dict[str, Any], authorization: str) -> tuple[int, Any]:
        import requests

        try:
            response = requests.post(
                f"{self._base_url}/{operation}",
                json={"data": data},
                headers={"authorization": authorization, "accept": "application/json"},
                timeout=self._timeout,
            )
        except requests.Timeout as error:
            raise PaymentError(PROVIDER, f"{operation} timed out", retryable=True) from error
        except requests.RequestException as error:
            raise PaymentError(
                PROVIDER, f"{operation} failed: {type(error).__name__}", retryable=True
            ) from error
        try:
            body = response.json()
        except ValueError:
            body = None
        return response.status_code, body


def _checked(operation: str, status: int, body: Any) -> dict[str, Any]:
    code = body.get("responseCode") if isinstance(body, dict) else None
    if status >= 400 or (code is not None and not _is_success(code)):
        raise PaymentError(
            PROVIDER,
            f"{operation} refused: {_message(body) or f'HTTP {status}'}",
            retryable=status >= 500 or status == 429,
            details={"http_status": status, "response_code": code},
        )
    if not isinstance(body, dict) or code is None or not isinstance(body.get("data"), dict):
        raise PaymentError(
            PROVIDER,
            f"{operation} answered an unexpected body",
            details={"http_status": status},
        )
    return body


def _is_success(code: Any) -> bool:
    # bool is an int in Python; `false` is not a response code.
    if isinstance(code, bool):
        return False
    if isinstance(code, int):
        return code == 0
    return isinstance(code, str) and code.strip() == "0"


def _message(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None


def _refresh_at(expiry: Any, now: float) -> float:
    expires_at = _epoch_seconds(expiry)
    if expires_at is None:
        return now + DEFAULT_TOKEN_SECONDS
    # Short-lived tokens are refreshed halfway through rather than never used.
    margin = min(REFRESH_MARGIN_SECONDS, max(expires_at - now, 0.0) / 2)
    return expires_at - margin


def _epoch_seconds(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if number >= _EPOCH_MS_FLOOR:
        return number / 1000
    if number >= _EPOCH_S_FLOOR:
        return number
    return None
