"""The platform clock: every piece of code that asks "what time is it" asks here.

Production reads the system clock. The local stack keeps an offset in a file
that the sandbox's `/dev/clock` moves forward, so the API process and every
processor travel in time together. Tests install a `FrozenClock`.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from chalicelib.settings import get_settings


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetFileClock:
    """System time plus an offset (seconds) stored in a file; re-read only when it changes."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._mtime_ns = -1
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def offset(self) -> timedelta:
        try:
            mtime_ns = os.stat(self._path).st_mtime_ns
        except FileNotFoundError:
            return timedelta(0)
        with self._lock:
            if mtime_ns != self._mtime_ns:
                with open(self._path, encoding="ascii") as handle:
                    text = handle.read().strip()
                self._offset = timedelta(seconds=float(text or 0))
                self._mtime_ns = mtime_ns
            return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def advance(self, seconds: float) -> timedelta:
        """Move the shared clock forward; the file is replaced atomically."""
        try:
            previous_ns = os.stat(self._path).st_mtime_ns
        except FileNotFoundError:
            previous_ns = 0
        new_offset = self.offset().total_seconds() + seconds
        temp = f"{self._path}.tmp.{os.getpid()}.{threading.get_ident()}"
        with open(temp, "w", encoding="ascii") as handle:
            handle.write(repr(new_offset))
        # Readers re-read only when the mtime changes: two writes within one filesystem
        # timestamp tick must still look like two.
        stamp = max(time.time_ns(), previous_ns + 1)
        os.utime(temp, ns=(stamp, stamp))
        os.replace(temp, self._path)
        return timedelta(seconds=new_offset)


class FrozenClock:
    """A clock that only moves when told to; for tests."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


_override: Clock | None = None
_file_clocks: dict[str, OffsetFileClock] = {}
_system = SystemClock()


def use(clock: Clock | None) -> None:
    """Install a clock for this process (None restores the configured one)."""
    global _override  # noqa: PLW0603 - the process-wide clock is deliberately global
    _override = clock


def current() -> Clock:
    if _override is not None:
        return _override
    settings = get_settings()
    if settings.is_local and settings.clock_file:
        path = settings.clock_file
        if path not in _file_clocks:
            _file_clocks[path] = OffsetFileClock(path)
        return _file_clocks[path]
    return _system


def now() -> datetime:
    return current().now()


def to_rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_rfc3339_precise(moment: datetime) -> str:
    """RFC 3339 with microseconds, for moments compared against stored ones."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp; a naive value is refused rather than guessed."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("timestamp must carry a UTC offset, e.g. 2026-11-22T14:00:00Z")
    return value.astimezone(UTC)
