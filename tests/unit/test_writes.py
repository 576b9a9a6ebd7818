"""One transaction, one action per item: a second action on an item is a bug unless the
caller says how the two merge."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.models.writes import DuplicateWriteError, Writes


def _noop(transaction: Any) -> None:
    return None


def test_a_second_write_to_the_same_item_raises_and_keeps_the_first() -> None:
    writes = Writes()
    writes.add(("TALENT#1", "PROFILE"), "talent", _noop)

    with pytest.raises(DuplicateWriteError) as raised:
        writes.add(("TALENT#1", "PROFILE"), "counter", _noop)

    assert "talent" in str(raised.value) and "counter" in str(raised.value)
    assert writes.labels == ["talent"]


def test_writes_to_different_items_are_all_kept() -> None:
    writes = Writes()
    writes.add(("TALENT#1", "PROFILE"), "talent", _noop)
    writes.add(("TALENT#2", "PROFILE"), "other", _noop)

    assert writes.labels == ["talent", "other"]


def test_an_explicit_keep_merges_an_identical_intent_once() -> None:
    """The reindex outbox entry of a talent says the same thing however often it is asked."""
    writes = Writes()
    writes.add(("TIMER#reindex-1", "TIMER"), "reindex", _noop)
    writes.add_or_keep(("TIMER#reindex-1", "TIMER"), "reindex", _noop)

    assert writes.labels == ["reindex"]


def test_an_explicit_keep_still_refuses_a_different_intent() -> None:
    writes = Writes()
    writes.add(("TIMER#reindex-1", "TIMER"), "disarm", _noop)

    with pytest.raises(DuplicateWriteError):
        writes.add_or_keep(("TIMER#reindex-1", "TIMER"), "reindex", _noop)


def test_the_subject_write_goes_first_but_never_over_another_action() -> None:
    writes = Writes()
    writes.add(("TALENT#1", "PROFILE"), "talent", _noop)
    writes.add_first(("SUBJECT#1", "STATE"), "subject", _noop)
    assert writes.labels == ["subject", "talent"]

    with pytest.raises(DuplicateWriteError):
        writes.add_first(("TALENT#1", "PROFILE"), "subject", _noop)
    assert writes.labels == ["subject", "talent"]
