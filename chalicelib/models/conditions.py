"""Turns DynamoDB's write failures into our errors, in one place.

Two failures look alike and mean opposite things. A failed *condition* is a verdict: the
item is not as the write required (the state moved, the day is taken), and trying again
changes nothing. A *transaction conflict* is an accident of timing: another transaction
touched one of the items at the same moment (DynamoDB cancels with `TransactionConflict`
and no condition failed), and the same write may well succeed a moment later. Money code
must not read the second as the first: a good payment would be refunded."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError

from chalicelib.errors import ConflictError

T = TypeVar("T")

# DynamoDB cancels a transaction with these when it collided with another, not because a
# condition failed (ThrottlingError: the items' partition was too busy, also worth a retry).
_TRANSIENT_REASONS = frozenset({"TransactionConflict", "ThrottlingError"})
_TRANSIENT_CODES = frozenset({"TransactionConflictException", "TransactionInProgressException"})


class ConditionFailedError(ConflictError):
    """A write's condition was false. `positions` are the indexes, in the order the
    transaction's actions were sent, of the actions whose condition failed (CancellationReasons);
    empty for a single-item write."""

    def __init__(self, message: str, positions: list[int] | None = None) -> None:
        super().__init__(message)
        self.positions = positions or []


class TransientConflictError(ConflictError):
    """The transaction lost a race on timing only (no condition failed): retry it. Still a
    409 to an HTTP caller, who may retry as well."""


def _is_condition_failure(error: Exception) -> bool:
    code = getattr(error, "cause_response_code", None)
    if code == "ConditionalCheckFailedException":
        return True
    return bool(isinstance(error, TransactWriteError) and failed_positions(error))


def _is_transient(error: Exception) -> bool:
    if not isinstance(error, TransactWriteError):
        return False
    if getattr(error, "cause_response_code", None) in _TRANSIENT_CODES:
        return True
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(r is not None and r.code in _TRANSIENT_REASONS for r in reasons)


@contextmanager
def conflict_on_condition_failure(message: str) -> Iterator[None]:
    """Wrap a conditional write: a failed condition is a ConditionFailedError, a collision
    with another transaction a TransientConflictError (both 409s)."""
    try:
        yield
    except (PutError, UpdateError, DeleteError, TransactWriteError) as error:
        # A condition that failed decides, even if another item also collided.
        if _is_condition_failure(error):
            raise ConditionFailedError(message, failed_positions(error)) from error
        if _is_transient(error):
            raise TransientConflictError(message) from error
        raise


def failed_positions(error: Exception) -> list[int]:
    """The positions, in the order the actions were added, of a cancelled transaction's
    actions whose condition failed: which guard lost the race."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return [
        i for i, r in enumerate(reasons) if r is not None and r.code == "ConditionalCheckFailed"
    ]


# Bounded: a processor retries a few times in-process, then leaves it to the queue's retry.
RETRY_ATTEMPTS = 4
_BASE_DELAY_S = 0.02
_MAX_DELAY_S = 0.4


def retry_transient(
    attempt: Callable[[], T],
    *,
    attempts: int = RETRY_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[float, float], float] = random.uniform,
) -> T:
    """Run `attempt` (which must re-read what it writes from) again after a transient
    conflict, with full-jitter exponential backoff; the last conflict is raised."""
    for tried in range(1, attempts + 1):
        try:
            return attempt()
        except TransientConflictError:
            if tried == attempts:
                raise
            sleep(jitter(0, min(_MAX_DELAY_S, _BASE_DELAY_S * 2**tried)))
    raise AssertionError("unreachable: the loop returns or raises")
