"""Opaque list cursors: DynamoDB's LastEvaluatedKey, checked on the way back in so that a
tampered cursor is a 400 rather than a query outside the caller's partition."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from chalicelib.errors import ValidationError

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


def encode(last_evaluated_key: Mapping[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    raw = json.dumps(last_evaluated_key, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None, partition: Mapping[str, str]) -> dict[str, Any] | None:
    """Decode a cursor that must belong to `partition` ({attribute: value} of the query key)."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError("invalid cursor") from None
    if not isinstance(key, dict) or not all(
        isinstance(value, dict) and set(value) == {"S"} and isinstance(value["S"], str)
        for value in key.values()
    ):
        raise ValidationError("invalid cursor")
    for attribute, expected in partition.items():
        if key.get(attribute, {}).get("S") != expected:
            raise ValidationError("cursor belongs to another list")
    return key


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(MAX_LIMIT, limit))
