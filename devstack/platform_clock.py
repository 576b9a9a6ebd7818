"""The shared platform clock file, as the sandbox's /dev/clock moves it.

Readers (the API process, the pump) cache the offset until the file's mtime changes.
Two writes inside one filesystem timestamp tick (a few ms) would leave the same mtime, and
a reader that cached the first would never see the second: every write here therefore
moves the mtime strictly forward.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from chalicelib.clock import OffsetFileClock, to_rfc3339


@dataclass(frozen=True)
class ClockReading:
    now: str
    offset_seconds: float

    def as_dict(self) -> dict[str, object]:
        return {"now": self.now, "offset_seconds": self.offset_seconds}


class PlatformClock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._clock = OffsetFileClock(str(path))
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Back to real time: each start of the stack begins at offset 0."""
        with self._lock:
            previous = self._mtime_ns()
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temp = self._path.with_name(f"{self._path.name}.tmp.{os.getpid()}")
            temp.write_text("0", encoding="ascii")
            os.replace(temp, self._path)
            self._move_mtime_past(previous)

    def advance(self, seconds: float) -> ClockReading:
        with self._lock:
            previous = self._mtime_ns()
            self._clock.advance(seconds)
            self._move_mtime_past(previous)
        return self.read()

    def read(self) -> ClockReading:
        return ClockReading(
            now=to_rfc3339(self._clock.now()),
            offset_seconds=self._clock.offset().total_seconds(),
        )

    def _mtime_ns(self) -> int:
        try:
            return os.stat(self._path).st_mtime_ns
        except FileNotFoundError:
            return 0

    def _move_mtime_past(self, previous_ns: int) -> None:
        stamp = max(time.time_ns(), previous_ns + 1)
        os.utime(self._path, ns=(stamp, stamp))
