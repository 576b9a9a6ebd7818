"""Stripe SDK exceptions as our PaymentError: only what may pass on a retry is retryable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.payments.base import PaymentError

if TYPE_CHECKING:
    from stripe import StripeError

NAME = "stripe"


def wrap(operation: str, error: StripeError) -> PaymentError:
    import stripe

    # Network trouble, rate limits and Stripe's own 5xx may pass; a refusal will not.
    transient = isinstance(
        error, stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError
    )
    status = error.http_status
    retryable = transient or (status is not None and status >= 500)
    details: dict[str, Any] = {
        "operation": operation,
        "http_status": status,
        "code": error.code,
        "error_type": _error_type(error),
        "request_id": error.request_id,
    }
    message = error.user_message or type(error).__name__
    return PaymentError(NAME, f"{operation}: {message}", retryable=retryable, details=details)


def bad_response(operation: str, why: str, raw: Any = None) -> PaymentError:
    return PaymentError(
        NAME, f"{operation}: {why}", retryable=False, details={"operation": operation, "raw": raw}
    )


def _error_type(error: StripeError) -> str | None:
    body = error.json_body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        kind = body["error"].get("type")
        return kind if isinstance(kind, str) else None
    return None
