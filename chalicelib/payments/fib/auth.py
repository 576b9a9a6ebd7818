"""FIB's OAuth2 client-credentials token, cached per driver and shared by threads.

Tokens live about a minute; one is fetched at a time (the lock is held across the request so
a burst of callers shares a single fetch) and replaced a little before it expires."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.payments.base import PaymentError

PROVIDER = "fib"
TOKEN_PATH = "/auth/realms/fib-online-shop/protocol/openid-connect/token"
TIMEOUT_SECONDS = 10.0
REFRESH_MARGIN_SECONDS = 10.0
DEFAULT_LIFETIME_SECONDS = 60.0  # FIB's usual lifetime, if a response ever omits expires_in


@dataclass(frozen=True)
class _Token:
    value: str
    refresh_at: float  # on the cache's clock


class TokenCache:
    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = f"{base_url}{TOKEN_PATH}"
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._lock = threading.Lock()
        self._token: _Token | None = None

    def get(self) -> str:
        with self._lock:
            token = self._token
            if token is None or self._clock() >= token.refresh_at:
                token = self._token = self._fetch()
            return token.value

    def invalidate(self, value: str) -> None:
        """Forget a token FIB refused, unless another thread has already replaced it."""
        with self._lock:
            if self._token is not None and self._token.value == value:
                self._token = None

    def _fetch(self) -> _Token:
        import requests

        started = self._clock()
        form = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        try:
            response = requests.post(self._url, data=form, timeout=TIMEOUT_SECONDS)
        except requests.RequestException as error:
            raise PaymentError(
                PROVIDER, f"token request failed: {type(error).__name__}", retryable=True
            ) from error
        if response.status_code in {400, 401, 403}:
            raise PaymentError(
                PROVIDER,
                f"client credentials refused (HTTP {response.status_code})",
                details={"status_code": response.status_code, "body": _text(response)},
            )
        if response.status_code != 200:
            raise PaymentError(
                PROVIDER,
                f"token request failed (HTTP {response.status_code})",
                retryable=response.status_code >= 500 or response.status_code == 429,
                details={"status_code": response.status_code, "body": _text(response)},
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        value = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise PaymentError(PROVIDER, "token response carries no access_token", retryable=True)
        lifetime = _seconds(body.get("expires_in") if isinstance(body, dict) else None)
        # Measured from before the request: the token's life started no earlier than that.
        margin = min(REFRESH_MARGIN_SECONDS, lifetime / 4)
        return _Token(value, started + lifetime - margin)


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return DEFAULT_LIFETIME_SECONDS
    return float(value)


def _text(response: object) -> str:
    return str(getattr(response, "text", ""))[:500]
