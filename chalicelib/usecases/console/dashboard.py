"""The admin dashboard: sums of the day items over the range (BatchGetItem, 100 days a
request) and the current-state counters (one Query each). Never a scan."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.models import stats

DISPUTE_PROCESS = "dispute"
# A dispute counts as open until it is resolved (API.md, "Disputes").
DISPUTE_CLOSED_STATES = frozenset({"resolved"})


def _per_currency(figures: dict[str, int], prefix: str) -> dict[str, int]:
    return {
        name[len(prefix) :]: amount
        for name, amount in sorted(figures.items())
        if name.startswith(prefix) and amount
    }


def _positive(counts: dict[str, int]) -> dict[str, int]:
    return {state: n for state, n in sorted(counts.items()) if n}


def figures(first: date, last: date) -> dict[str, Any]:
    days = stats.day_figures(first, last)
    states = stats.state_counts()
    pending_count, pending_amount = stats.payouts_pending()
    disputes = states.get(DISPUTE_PROCESS, {})
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "gmv": _per_currency(days, "gmv_"),
        "platform_revenue": _per_currency(days, "revenue_"),
        "bookings_by_state": _positive(states.get("booking", {})),
        "contracts_by_state": _positive(states.get("contract", {})),
        "disputes_open": sum(
            n for state, n in disputes.items() if state not in DISPUTE_CLOSED_STATES
        ),
        "payouts_pending": {
            "count": pending_count,
            "amount": {c: a for c, a in sorted(pending_amount.items()) if a},
        },
        "new_users": days.get("new_users", 0),
        "active_talent": days.get("active_talent", 0),
    }
