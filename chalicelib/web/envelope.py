"""The one error envelope, and the one place that turns errors into responses."""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Response

from chalicelib.errors import DomainError, RateLimitedError

Headers = dict[str, str | list[str]]
JSON_HEADERS: Headers = {"Content-Type": "application/json"}

# Chalice's own error codes (its body is {"Code": ..., "Message": ...}) mapped to ours.
_CHALICE_CODES: dict[int, str] = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "IDEMPOTENCY_KEY_REUSED",
    429: "RATE_LIMITED",
}


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(error: DomainError) -> Response:
    headers: Headers = dict(JSON_HEADERS)
    if isinstance(error, RateLimitedError):
        headers["Retry-After"] = str(error.retry_after_seconds)
    return Response(
        body=json.dumps(envelope(error.code, error.message, error.details)),
        status_code=error.status,
        headers=headers,
    )


def internal_error_response() -> Response:
    return Response(
        body=json.dumps(envelope("INTERNAL_ERROR", "An internal error occurred.")),
        status_code=500,
        headers=dict(JSON_HEADERS),
    )


def _chalice_error_body(body: Any) -> dict[str, Any] | None:
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    if isinstance(body, dict) and "Code" in body and "error" not in body:
        return body
    return None


def normalise(response: Response) -> Response:
    """Re-wrap an error the framework produced itself (405, 415, bad JSON, unhandled) in our
    envelope; responses already in the envelope pass through untouched."""
    if response.status_code < 400:
        return response
    native = _chalice_error_body(response.body)
    if native is None:
        return response
    if response.status_code >= 500:
        return internal_error_response()
    code = _CHALICE_CODES.get(response.status_code, "VALIDATION_ERROR")
    headers: Headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    headers.update(JSON_HEADERS)
    return Response(
        body=json.dumps(envelope(code, str(native.get("Message", "")))),
        status_code=response.status_code,
        headers=headers,
    )
