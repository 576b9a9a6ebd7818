"""What a cancelled booking refunds, by the policy copied onto the booking when it was
requested (a later change to the service's policy does not apply to it).

- flexible: full refund up to 24 h before the start, none after;
- moderate: full refund at least 72 h before, 50 % from 72 h to 24 h, none after;
- strict: 50 % at least 7 days before, none after;
- a talent's cancellation always refunds in full.

Hours are hours. "7 days" is seven calendar days in the talent's time zone: the same local
clock time a week earlier, which is 167 or 169 hours across a daylight-saving change.
Each boundary belongs to the better side ("at least 72 h before" includes 72 h exactly).
A partial refund rounds down to the minor unit: amounts are integers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Policy = Literal["flexible", "moderate", "strict"]
Canceller = Literal["customer", "talent", "admin", "system"]


@dataclass(frozen=True)
class Refund:
    percent: int
    amount: int
    rule: str


def _local_days_before(start: datetime, days: int, timezone: str) -> datetime:
    zone = ZoneInfo(timezone)
    local = start.astimezone(zone)
    wall = local.replace(tzinfo=None) - timedelta(days=days)
    return wall.replace(tzinfo=zone).astimezone(start.tzinfo)


def _percent(policy: Policy, start: datetime, now: datetime, timezone: str) -> tuple[int, str]:
    before = start - now
    if policy == "flexible":
        return (
            (100, "24 h or more before the start") if before >= timedelta(hours=24) else (0, "late")
        )
    if policy == "moderate":
        if before >= timedelta(hours=72):
            return 100, "72 h or more before the start"
        if before >= timedelta(hours=24):
            return 50, "between 72 h and 24 h before the start"
        return 0, "less than 24 h before the start"
    if now <= _local_days_before(start, 7, timezone):
        return 50, "7 days or more before the start"
    return 0, "less than 7 days before the start"


def refund(
    policy: Policy,
    paid: int,
    start: datetime,
    now: datetime,
    *,
    timezone: str,
    cancelled_by: Canceller,
) -> Refund:
    if isinstance(paid, bool) or not isinstance(paid, int) or paid < 0:
        raise ValueError("paid is an integer amount in minor units")
    if cancelled_by in ("talent", "system"):
        # The customer did nothing wrong: the talent cancelled, or the platform did (e.g. the
        # day was taken by another booking).
        return Refund(100, paid, f"cancelled by the {cancelled_by}")
    percent, rule = _percent(policy, start, now, timezone)
    return Refund(percent, paid * percent // 100, f"{policy}: {rule}")
