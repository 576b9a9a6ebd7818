"""Table keys: rate limits and admin-watched counters."""

from __future__ import annotations


# Rate limiting: one token bucket per (scope, who), one item per refill window (TTL'd).
def rate_bucket_pk(scope: str, who: str) -> str:
    return f"RATE#{scope}#{who}"


def rate_window_sk(window: int) -> str:
    return f"WINDOW#{window}"


# Counters of things admins watch (e.g. callbacks naming no payment), one item per UTC day.
def counter_pk(name: str, dimension: str) -> str:
    return f"COUNTER#{name}#{dimension}"


def counter_day_sk(day_iso: str) -> str:
    return f"DAY#{day_iso}"
