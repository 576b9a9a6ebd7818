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


def derived_id(text: str) -> str:
    """A ULID-shaped id that is the same for the same text (a thread between two people
    about one thing): a conditional put on it makes racing creators meet on one item."""
    import hashlib

    from ulid import ULID

    return str(ULID.from_bytes(hashlib.sha256(text.encode()).digest()[:16]))
