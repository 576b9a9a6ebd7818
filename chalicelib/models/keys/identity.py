"""Table keys: identity, idempotency records and timers."""

from __future__ import annotations

import hashlib

# Generic key attributes: the table knows nothing of entity types.
PK, SK = "PK", "SK"


def _issuer_tag(issuer: str) -> str:
    # Issuers are URLs; a short stable hash keeps keys compact and free of '#'.
    return hashlib.sha256(issuer.encode()).hexdigest()[:16]


def identity_pk(issuer: str, subject: str) -> str:
    return f"IDENTITY#{_issuer_tag(issuer)}#{subject}"


USER_SK = "USER"


def user_by_id_gsi1pk(user_id: str) -> str:
    return f"USER#{user_id}"


def idempotency_pk(scope: str, key: str) -> str:
    return f"IDEMPOTENCY#{scope}#{key}"


IDEMPOTENCY_SK = "RECORD"

# Timers: a sparse index (GSI3) holds only items that are due at some moment.
TIMER_SHARD_COUNT = 4


def timer_gsi3pk(shard: int) -> str:
    return f"TIMERS#{shard}"


def timer_gsi3sk(due_at_iso: str, timer_id: str) -> str:
    return f"{due_at_iso}#{timer_id}"


def dead_timers_gsi1pk() -> str:
    """GSI1 partition of timers parked after too many failed attempts."""
    return "TIMERS#DEAD"


def timer_pk(timer_id: str) -> str:
    return f"TIMER#{timer_id}"


TIMER_SK = "TIMER"
