"""Reading and setting a talent's availability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.domain import availability
from chalicelib.errors import ValidationError
from chalicelib.models import calendar, search_index, search_outbox
from chalicelib.models import talent as talent_store
from chalicelib.schemas.talent import AvailabilityPut
from chalicelib.usecases.talent import visible


@dataclass(frozen=True)
class Availability:
    talent: talent_store.Talent
    days: list[availability.DayStatus]


def _parse(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{name} is not a valid date", {"field": name}) from None


def _days(first_day: date, last_day: date) -> list[date]:
    try:
        return availability.days_between(first_day, last_day)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def _window(talent: talent_store.Talent, days: list[date]) -> Availability:
    window = calendar.window(talent.id, days[0], days[-1])
    statuses = availability.calendar(days, window.explicit, talent.weekly, window.booked)
    return Availability(talent, statuses)


def read(talent_id: str, viewer: Viewer, first: str, last: str) -> Availability:
    days = _days(_parse(first, "from"), _parse(last, "to"))
    return _window(visible(talent_id, viewer), days)


def write(talent_id: str, principal: Principal, body: AvailabilityPut) -> Availability:
    viewer = Viewer.of(principal)
    talent = visible(talent_id, viewer)
    viewer.require_owner(talent.owner_user_id, "availability")
    days: dict[date, bool] = {}
    for entry in body.days:
        day = _parse(entry.date, "days.date")
        if day in days and days[day] != entry.available:
            raise ValidationError(f"{day} is given twice with different values")
        days[day] = entry.available
    if days and (max(days) - min(days)).days >= availability.MAX_DAYS:
        raise ValidationError(f"days must fall within {availability.MAX_DAYS} days")
    if body.weekly is not None and body.clear_weekly:
        raise ValidationError("give weekly or clear_weekly, not both")
    search_outbox.mark_stale(talent.id)
    if body.weekly is not None or body.clear_weekly:
        talent = talent_store.update(talent, {"weekly": body.weekly})
    calendar.set_days(talent.id, days.items())
    search_index.refresh(talent.id)
    if not days:
        return Availability(talent, [])
    return _window(talent, _days(min(days), max(days)))
