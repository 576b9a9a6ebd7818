"""Availability in the talent's own calendar. Days are local dates (YYYY-MM-DD), never
instants, so a daylight-saving change cannot move a day; instants become local dates only
through the talent's time zone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_DAYS = 366


@dataclass(frozen=True)
class DayStatus:
    date: date
    available: bool
    booked: bool
    source: str  # "day" (explicit), "weekly" (from the plan) or "none"

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "available": self.available,
            "booked": self.booked,
            "source": self.source,
        }


def days_between(first: date, last: date) -> list[date]:
    if last < first:
        raise ValueError("'to' must not be before 'from'")
    count = (last - first).days + 1
    if count > MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days at once")
    return [first + timedelta(days=offset) for offset in range(count)]


def weekday_name(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def calendar(
    days: Iterable[date],
    explicit: Mapping[date, bool],
    weekly: Iterable[str] | None,
    booked: Iterable[date],
) -> list[DayStatus]:
    """Each day's status: an explicit day wins over the weekly plan; a booked day is
    reported as booked (and so not available for another booking)."""
    weekly_days = frozenset(weekly or ())
    booked_days = frozenset(booked)
    statuses = []
    for day in days:
        if day in explicit:
            available, source = explicit[day], "day"
        elif weekly is not None:
            available, source = weekday_name(day) in weekly_days, "weekly"
        else:
            available, source = False, "none"
        statuses.append(DayStatus(day, available, day in booked_days, source))
    return statuses


def local_date(instant: datetime, timezone: str) -> date:
    """The talent-local calendar date of an instant."""
    return instant.astimezone(ZoneInfo(timezone)).date()


def local_days(start: datetime, end: datetime, timezone: str) -> list[date]:
    """The local dates an event from `start` to `end` covers. The end is exclusive, so an
    event ending at local midnight does not take the next day."""
    first = local_date(start, timezone)
    last = local_date(end - timedelta(microseconds=1), timezone)
    if last < first:
        return []
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
