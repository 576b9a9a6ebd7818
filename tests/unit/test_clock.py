from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chalicelib import clock


def test_offset_file_clock_moves_every_reader(tmp_path: Path) -> None:
    # GIVEN two processes' views of one clock file
    path = str(tmp_path / "clock")
    writer, reader = clock.OffsetFileClock(path), clock.OffsetFileClock(path)
    before = reader.now()
    # WHEN one advances it by three days
    writer.advance(3 * 24 * 3600)
    # THEN the other sees the jump
    assert reader.now() - before >= timedelta(days=3)
    assert reader.offset() == timedelta(days=3)


def test_offset_file_clock_without_file_is_system_time(tmp_path: Path) -> None:
    moment = clock.OffsetFileClock(str(tmp_path / "missing")).now()
    assert abs(moment - datetime.now(UTC)) < timedelta(seconds=5)


def test_frozen_clock_is_used_by_now() -> None:
    frozen = clock.FrozenClock(datetime(2030, 1, 1, tzinfo=UTC))
    clock.use(frozen)
    try:
        frozen.advance(90)
        assert clock.now() == datetime(2030, 1, 1, 0, 1, 30, tzinfo=UTC)
    finally:
        clock.use(None)


def test_rfc3339_round_trip() -> None:
    moment = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
    assert clock.to_rfc3339(moment) == "2026-11-22T14:00:00Z"
    assert clock.parse_rfc3339("2026-11-22T17:00:00+03:00") == moment


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        clock.parse_rfc3339("2026-11-22T14:00:00")
