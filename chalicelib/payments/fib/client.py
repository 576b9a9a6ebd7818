"""Authenticated JSON calls to FIB's protected API, with every failure as a PaymentError.

A 401 is answered once by a fresh token and the same request: FIB refused it before doing
anything, so even a payment creation (which has no idempotency key) is safe to resend then.
Any other ambiguous failure of a non-idempotent call is reported as not retryable."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from chalicelib.payments.base import PaymentError
from chalicelib.payments.fib.auth import PROVIDER, TIMEOUT_SECONDS, TokenCache


class FibClient:
    def __init__(self, *, base_url: str, tokens: TokenCache) -> None:
        self._base_url = base_url
        self._tokens = tokens

    def call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        ok: Collection[int] = (200,),
        idempotent: bool,
    ) -> Any:
        """The decoded JSON body (None when FIB answers without one)."""
        token = self._tokens.get()
        response = self._send(method, path, token, body, idempotent=idempotent)
        if response.status_code == 401:
            self._tokens.invalidate(token)
            response = self._send(method, path, self._tokens.get(), body, idempotent=idempotent)
        if response.status_code not in ok:
            raise _http_error(method, path, response, idempotent=idempotent)
        return _json_or_none(response)

    def _send(
        self, method: str, path: str, token: str, body: dict[str, Any] | None, *, idempotent: bool
    ) -> Any:
        import requests

        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            return requests.request(
                method,
                f"{self._base_url}{path}",
                json=body,
                headers=headers,
                timeout=TIMEOUT_SECONDS,
            )
        except requests.exceptions.ConnectTimeout as error:
            raise _transport_error(method, path, error, retryable=True) from error
        except requests.exceptions.Timeout as error:
            # The request may have been carried out: only a read is safe to repeat.
            raise _transport_error(method, path, error, retryable=idempotent) from error
        except requests.exceptions.ConnectionError as error:
            raise _transport_error(method, path, error, retryable=idempotent) from error
        except requests.RequestException as error:
            raise _transport_error(method, path, error, retryable=False) from error


def _transport_error(method: str, path: str, error: Exception, *, retryable: bool) -> PaymentError:
    return PaymentError(
        PROVIDER,
        f"{method} {path} failed: {type(error).__name__}",
        retryable=retryable,
        details={"path": path},
    )


def _http_error(method: str, path: str, response: Any, *, idempotent: bool) -> PaymentError:
    status = int(response.status_code)
    body = _json_or_none(response)
    code, message = _error_reason(body)
    transient = status == 429 or status >= 500
    return PaymentError(
        PROVIDER,
        f"{method} {path} answered HTTP {status}: {message or code or 'no reason given'}",
        retryable=transient and (idempotent or status == 429),
        details={
            "path": path,
            "status_code": status,
            "fib_code": code,
            "body": body if body is not None else str(response.text)[:500],
        },
    )


def _error_reason(body: Any) -> tuple[str | None, str | None]:
    """FIB's `{"errors": [{code, title, detail}]}`, or Keycloak's `{error, error_description}`."""
    if not isinstance(body, dict):
        return None, None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return _str(first.get("code")), _str(first.get("detail")) or _str(first.get("title"))
    error = body.get("error")
    if isinstance(error, dict):
        return _str(error.get("code")), _str(error.get("message"))
    return _str(error), _str(body.get("error_description")) or _str(body.get("message"))


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _json_or_none(response: Any) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None
