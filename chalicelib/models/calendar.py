"""A talent's calendar: explicit availability per local date, and booked-day markers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.models import keys
from chalicelib.models.base import Item, connection

# DynamoDB's limit on actions in one transaction.
_TRANSACTION_LIMIT = 100


class CalendarDayItem(Item, discriminator="calendar_day"):
    talent_id = UnicodeAttribute()
    day = UnicodeAttribute()
    available = BooleanAttribute()
    updated_at = UTCDateTimeAttribute()


class BookedDayItem(Item, discriminator="calendar_booked"):
    """Written by the booking process in the transaction that confirms a booking."""

    talent_id = UnicodeAttribute()
    day = UnicodeAttribute()
    booking_id = UnicodeAttribute()


@dataclass(frozen=True)
class CalendarWindow:
    explicit: dict[date, bool]
    booked: set[date]


def window(talent_id: str, first: date, last: date) -> CalendarWindow:
    """One range Query returns both explicit days and booked markers for the window."""
    low, high = keys.calendar_range(first.isoformat(), last.isoformat())
    explicit: dict[date, bool] = {}
    booked: set[date] = set()
    for item in Item.query(keys.calendar_pk(talent_id), Item.sk.between(low, high)):
        if isinstance(item, CalendarDayItem):
            explicit[date.fromisoformat(item.day)] = bool(item.available)
        elif isinstance(item, BookedDayItem):
            booked.add(date.fromisoformat(item.day))
    return CalendarWindow(explicit, booked)


def set_days(talent_id: str, days: Iterable[tuple[date, bool]]) -> None:
    """Set explicit availability; each day is an independent upsert, so a retry after a
    partial failure converges on the same calendar. Booked markers are separate items and
    are never touched here."""
    now = clock.now()
    pending = [
        CalendarDayItem(
            keys.calendar_pk(talent_id),
            keys.calendar_day_sk(day.isoformat()),
            talent_id=talent_id,
            day=day.isoformat(),
            available=available,
            updated_at=now,
        )
        for day, available in days
    ]
    for start in range(0, len(pending), _TRANSACTION_LIMIT):
        with TransactWrite(connection=connection()) as transaction:
            for item in pending[start : start + _TRANSACTION_LIMIT]:
                transaction.save(item)
