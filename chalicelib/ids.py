"""ULID ids. The ulid package is imported on first use to keep cold starts small."""

from __future__ import annotations

import re

from chalicelib import clock

_ULID_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def new_id() -> str:
    from ulid import ULID

    # Stamp ids with platform time so that ids sort with the (possibly moved) platform clock.
    return str(ULID.from_datetime(clock.now()))


def is_valid_id(value: str) -> bool:
    return bool(_ULID_PATTERN.match(value))
