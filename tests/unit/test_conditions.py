"""A failed condition is told from a transient transaction conflict, with the failed items'
positions; transient conflicts are retried a bounded number of times with jittered,
growing, capped delays."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from pynamodb.exceptions import TransactWriteError, VerboseClientError

from chalicelib.errors import ConflictError
from chalicelib.models.conditions import (
    RETRY_ATTEMPTS,
    ConditionFailedError,
    TransientConflictError,
    conflict_on_condition_failure,
    retry_transient,
)


def _cancelled(*codes: str) -> TransactWriteError:
    from pynamodb.exceptions import CancellationReason

    response: dict[str, Any] = {
        "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}
    }
    cause = VerboseClientError(
        response,
        "TransactWriteItems",
        {},
        cancellation_reasons=[CancellationReason(code=c) if c != "None" else None for c in codes],
    )
    assert isinstance(cause, ClientError)
    return TransactWriteError("Failed to write transaction items", cause)


def _raised(error: Exception) -> ConflictError:
    with pytest.raises(ConflictError) as caught, conflict_on_condition_failure("moved"):
        raise error
    return caught.value


def test_a_failed_condition_names_the_items_that_failed() -> None:
    conflict = _raised(_cancelled("None", "ConditionalCheckFailed", "None"))
    assert isinstance(conflict, ConditionFailedError)
    assert not isinstance(conflict, TransientConflictError)
    assert conflict.positions == [1]


def test_a_transaction_conflict_alone_is_transient() -> None:
    conflict = _raised(_cancelled("TransactionConflict", "None"))
    assert isinstance(conflict, TransientConflictError)
    assert conflict.status == 409


def test_a_failed_condition_decides_even_beside_a_conflict() -> None:
    conflict = _raised(_cancelled("TransactionConflict", "ConditionalCheckFailed"))
    assert isinstance(conflict, ConditionFailedError) and conflict.positions == [1]


def test_transient_conflicts_are_retried_with_bounded_jittered_backoff() -> None:
    slept: list[float] = []
    calls: list[int] = []

    def always_conflicts() -> None:
        calls.append(1)
        raise TransientConflictError("busy")

    with pytest.raises(TransientConflictError):
        retry_transient(always_conflicts, sleep=slept.append, jitter=lambda low, high: high)
    assert len(calls) == RETRY_ATTEMPTS
    assert len(slept) == RETRY_ATTEMPTS - 1
    assert slept == sorted(slept) and slept[0] > 0 and max(slept) <= 0.4


def test_a_retry_that_succeeds_returns_its_result_and_a_condition_is_not_retried() -> None:
    outcomes: list[Exception | str] = [TransientConflictError("busy"), "done"]

    def second_time_lucky() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert retry_transient(second_time_lucky, sleep=lambda _: None) == "done"
    calls: list[int] = []

    def refused() -> None:
        calls.append(1)
        raise ConditionFailedError("moved", [0])

    with pytest.raises(ConditionFailedError):
        retry_transient(refused, sleep=lambda _: None)
    assert calls == [1]
