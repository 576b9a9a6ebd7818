"""The error hierarchy. Each error knows its envelope code and HTTP status; one place
(`chalicelib.web.envelope`) turns them into responses."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "INTERNAL_ERROR"
    status = 500

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ValidationError(DomainError):
    code = "VALIDATION_ERROR"
    status = 400


class UnauthenticatedError(DomainError):
    code = "UNAUTHENTICATED"
    status = 401


class ForbiddenError(DomainError):
    code = "FORBIDDEN"
    status = 403


class AccountSuspendedError(ForbiddenError):
    """A suspended user may read, but nothing they send changes anything."""

    code = "ACCOUNT_SUSPENDED"


class NotFoundError(DomainError):
    code = "NOT_FOUND"
    status = 404


class MethodNotAllowedError(DomainError):
    code = "METHOD_NOT_ALLOWED"
    status = 405


class ConflictError(DomainError):
    code = "CONFLICT"
    status = 409


class PayloadTooLargeError(DomainError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413


class IdempotencyKeyReusedError(DomainError):
    code = "IDEMPOTENCY_KEY_REUSED"
    status = 422


class RateLimitedError(DomainError):
    code = "RATE_LIMITED"
    status = 429

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message, {"retry_after_seconds": retry_after_seconds})
        self.retry_after_seconds = retry_after_seconds


class ProviderError(DomainError):
    code = "PROVIDER_ERROR"
    status = 502
