"""Cursors: signed, shape-checked, and a secret is required outside the local stack."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.errors import ValidationError
from chalicelib.models import pagination
from chalicelib.settings import reset_settings

KEY = {"PK": {"S": "SAVED#u"}, "SK": {"S": "TALENT#t"}, "GSI1PK": {"S": "SAVED#u"}}
KEY["GSI1SK"] = {"S": "2026-11-22T12:00:00Z#t"}


@pytest.fixture
def stage(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("CURSOR_SECRET", "one-secret")
    reset_settings()
    yield monkeypatch
    reset_settings()


def test_a_cursor_round_trips_within_its_partition(stage: pytest.MonkeyPatch) -> None:
    cursor = pagination.encode(KEY)
    assert cursor is not None
    assert pagination.decode(cursor, {"GSI1PK": "SAVED#u"}) == KEY
    with pytest.raises(ValidationError):
        pagination.decode(cursor, {"GSI1PK": "SAVED#someone-else"})


def test_a_cursor_signed_under_another_secret_is_refused(stage: pytest.MonkeyPatch) -> None:
    cursor = pagination.encode(KEY)
    stage.setenv("CURSOR_SECRET", "another-secret")
    reset_settings()
    with pytest.raises(ValidationError):
        pagination.decode(cursor, {"GSI1PK": "SAVED#u"})


def test_a_signed_key_of_the_wrong_shape_is_refused(stage: pytest.MonkeyPatch) -> None:
    partition = {"GSI1PK": "SAVED#u"}
    for bad in (
        {k: v for k, v in KEY.items() if k != "SK"},
        {**KEY, "GSI2PK": {"S": "x"}},
        {**KEY, "SK": {"N": "1"}},
        {**KEY, "SK": {"S": ""}},
        {**KEY, "SK": {"S": "x" * 2000}},
    ):
        with pytest.raises(ValidationError):
            pagination.decode(pagination.seal(bad, "key"), partition)


def test_a_search_cursor_is_not_a_list_cursor(stage: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError):
        pagination.decode(pagination.seal(KEY, "search"), {"GSI1PK": "SAVED#u"})


def test_no_secret_outside_the_local_stack_fails_loudly(stage: pytest.MonkeyPatch) -> None:
    stage.delenv("CURSOR_SECRET")
    reset_settings()
    with pytest.raises(RuntimeError, match="CURSOR_SECRET"):
        pagination.encode(KEY)
    stage.setenv("STAGE", "local")
    reset_settings()
    assert pagination.decode(pagination.encode(KEY), {"GSI1PK": "SAVED#u"}) == KEY
