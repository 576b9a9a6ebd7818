"""Turns DynamoDB's conditional-check failures into ConflictError, in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError

from chalicelib.errors import ConflictError


def _is_condition_failure(error: Exception) -> bool:
    code = getattr(error, "cause_response_code", None)
    if code == "ConditionalCheckFailedException":
        return True
    if isinstance(error, TransactWriteError) and code == "TransactionCanceledException":
        reasons = getattr(error, "cancellation_reasons", None) or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    return False


def _is_transaction_conflict(error: Exception) -> bool:
    if not isinstance(error, TransactWriteError):
        return False
    if getattr(error, "cause_response_code", None) == "TransactionConflictException":
        return True
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(r is not None and r.code == "TransactionConflict" for r in reasons)


@contextmanager
def conflict_on_condition_failure(message: str) -> Iterator[None]:
    """Wrap a conditional write: a failed condition (or a racing transaction) is a 409."""
    try:
        yield
    except (PutError, UpdateError, DeleteError, TransactWriteError) as error:
        if _is_condition_failure(error) or _is_transaction_conflict(error):
            raise ConflictError(message) from error
        raise


def failed_positions(error: Exception) -> list[int]:
    """The positions, in the order the actions were added, of a cancelled transaction's
    actions whose condition failed: which guard lost the race."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return [
        i for i, r in enumerate(reasons) if r is not None and r.code == "ConditionalCheckFailed"
    ]
