"""One DynamoDB transaction assembled from labelled actions. A cancelled transaction says
which labelled condition failed, so a caller can tell "the day is taken" from "the state
moved". DynamoDB refuses two actions on one item, and silently keeping only one of them
would lose a write (a counter, a money posting): a second action on an item raises unless
the caller says how they merge (`add_or_keep` for the same intent; a condition on the
subject's own write goes in `Change.subject_condition`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.errors import ConflictError
from chalicelib.models.base import connection
from chalicelib.models.conditions import (
    TransientConflictError,
    conflict_on_condition_failure,
    failed_positions,
)

Action = Callable[[TransactWrite], None]
# DynamoDB's limit on actions in one transaction.
MAX_ACTIONS = 100


# pynamodb sends a transaction's actions grouped in this order, whatever order they were added.
_SENT_ORDER = ("condition_check", "delete", "save", "update")


class _Recorder:
    """Forwards actions to the transaction and remembers, per kind, whose they were."""

    def __init__(self, transaction: TransactWrite) -> None:
        self._transaction = transaction
        self.label = ""
        self.sent: dict[str, list[str]] = {kind: [] for kind in _SENT_ORDER}

    def __getattr__(self, kind: str) -> Any:
        forward = getattr(self._transaction, kind)

        def record(*args: Any, **kwargs: Any) -> Any:
            self.sent[kind].append(self.label)
            return forward(*args, **kwargs)

        return record

    def in_sent_order(self) -> list[str]:
        return [label for kind in _SENT_ORDER for label in self.sent[kind]]


class TransactionConflictError(ConflictError):
    def __init__(self, message: str, labels: list[str]) -> None:
        super().__init__(message, {"conflicts": labels} if labels else None)
        self.labels = labels


class DuplicateWriteError(RuntimeError):
    """A programming error: two parts of one transaction both write one item."""

    def __init__(self, key: tuple[str, str], first: str, second: str) -> None:
        super().__init__(
            f"{key[0]}/{key[1]} is written twice in one transaction ({first!r}, then {second!r}); "
            "merge them into one action"
        )


class Writes:
    def __init__(self) -> None:
        self._actions: dict[tuple[str, str], tuple[str, Action]] = {}

    def add(self, key: tuple[str, str], label: str, action: Action) -> None:
        existing = self._actions.get(key)
        if existing is not None:
            raise DuplicateWriteError(key, existing[0], label)
        self._actions[key] = (label, action)

    def add_or_keep(self, key: tuple[str, str], label: str, action: Action) -> None:
        """For an action that means the same whoever asks (the same label: "reindex this
        talent"): asked twice, it is written once. A different label on the item still raises."""
        existing = self._actions.get(key)
        if existing is None:
            self._actions[key] = (label, action)
        elif existing[0] != label:
            raise DuplicateWriteError(key, existing[0], label)

    def add_first(self, key: tuple[str, str], label: str, action: Action) -> None:
        """Like `add`, but sent first (the subject's own write, so its failed condition is
        the one reported); another action on the item still raises."""
        existing = self._actions.get(key)
        if existing is not None:
            raise DuplicateWriteError(key, existing[0], label)
        self._actions = {key: (label, action), **self._actions}

    def __len__(self) -> int:
        return len(self._actions)

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self._actions.values()]

    def commit(self, message: str) -> None:
        if len(self._actions) > MAX_ACTIONS:
            raise ValueError(f"{len(self._actions)} actions exceed one transaction")
        recorder: _Recorder | None = None
        try:
            with (
                conflict_on_condition_failure(message),
                TransactWrite(connection=connection()) as transaction,
            ):
                recorder = _Recorder(transaction)
                for label, action in self._actions.values():
                    recorder.label = label
                    action(recorder)  # type: ignore[arg-type]
        except TransientConflictError:
            raise  # no condition failed: nothing to name, and worth a retry
        except ConflictError as conflict:
            cause = conflict.__cause__
            failed = failed_positions(cause) if isinstance(cause, TransactWriteError) else []
            sent = recorder.in_sent_order() if recorder is not None else []
            labels = sorted({sent[i] for i in failed if i < len(sent)})
            raise TransactionConflictError(message, labels) from cause


def save(item: Any, condition: Any = None) -> Action:
    return lambda transaction: transaction.save(item, condition=condition)


def delete(item: Any, condition: Any = None) -> Action:
    return lambda transaction: transaction.delete(item, condition=condition)
