"""Opaque list cursors, every one of them made and checked here: DynamoDB's
LastEvaluatedKey (and search's own keyset state), signed with HMAC-SHA256 under
`CURSOR_SECRET`, so a caller can hand back only what we gave out; and checked for shape
on the way back in (exactly the key attributes of the index queried, short strings, the
caller's partition), so nothing made up ever reaches DynamoDB as an ExclusiveStartKey
(real DynamoDB answers a malformed one with a ValidationException)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from chalicelib.errors import ValidationError
from chalicelib.settings import get_settings

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# DynamoDB keys are at most 2048 bytes (partition) and 1024 (sort); ours are far shorter.
_MAX_VALUE_LENGTH = 1024
_SIGNATURE_BYTES = 16
# Only the local stack may run without a configured secret: settings refuse to load
# without one anywhere else.
_LOCAL_SECRET = b"local-stack-cursor-secret"


def _secret() -> bytes:
    secret = get_settings().cursor_secret
    return secret.encode() if secret else _LOCAL_SECRET


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode())


def _sign(payload: str, purpose: str) -> str:
    mac = hmac.new(_secret(), f"{purpose}.{payload}".encode(), hashlib.sha256)
    return _b64(mac.digest()[:_SIGNATURE_BYTES])


def seal(state: Mapping[str, Any], purpose: str) -> str:
    """Any JSON state as a signed cursor; `purpose` keeps one list's cursors out of another."""
    payload = _b64(json.dumps(state, sort_keys=True, separators=(",", ":")).encode())
    return f"{payload}.{_sign(payload, purpose)}"


def unseal(cursor: str, purpose: str) -> dict[str, Any]:
    """The state a cursor we signed holds; anything else is a 400."""
    payload, _, signature = cursor.partition(".")
    if not payload or not signature or not hmac.compare_digest(signature, _sign(payload, purpose)):
        raise ValidationError("invalid cursor")
    try:
        state = json.loads(_unb64(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError("invalid cursor") from None
    if not isinstance(state, dict):
        raise ValidationError("invalid cursor")
    return state


_KEY_PURPOSE = "key"


def encode(last_evaluated_key: Mapping[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    return seal(last_evaluated_key, _KEY_PURPOSE)


def _expected_attributes(partition: Mapping[str, str]) -> set[str]:
    """A table query's LastEvaluatedKey holds PK and SK; a GSI's adds its own two keys."""
    expected = {"PK", "SK"}
    for attribute in partition:
        if attribute.endswith("PK") and attribute != "PK":
            expected |= {attribute, f"{attribute[:-2]}SK"}
    return expected


def decode(cursor: str | None, partition: Mapping[str, str]) -> dict[str, Any] | None:
    """Decode a cursor that must belong to `partition` ({attribute: value} of the query key)."""
    if not cursor:
        return None
    key = unseal(cursor, _KEY_PURPOSE)
    if set(key) != _expected_attributes(partition) or not all(
        isinstance(value, dict)
        and set(value) == {"S"}
        and isinstance(value["S"], str)
        and 0 < len(value["S"]) <= _MAX_VALUE_LENGTH
        for value in key.values()
    ):
        raise ValidationError("invalid cursor")
    for attribute, expected in partition.items():
        if key[attribute]["S"] != expected:
            raise ValidationError("cursor belongs to another list")
    return key
