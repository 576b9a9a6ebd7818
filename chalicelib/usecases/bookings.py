"""Service bookings: a customer requests a talent's service for a date; the booking then
moves only through the booking process (chalicelib.domain.process_definitions.BOOKING_V1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.domain import availability, pricing
from chalicelib.domain.reviews import REVIEWEE_USER
from chalicelib.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.models import blocks, calendar, exports, keys, search_outbox, subjects, talent
from chalicelib.models import review_items as customer_reviews
from chalicelib.models import service as service_store
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import TransactionConflictError, Writes
from chalicelib.schemas.transactions import BookingCreate
from chalicelib.settings import get_settings
from chalicelib.usecases import transitions
from chalicelib.usecases.transitions import Caller

# A request needs some notice: the talent must have time to answer.
MIN_NOTICE = timedelta(hours=2)
# Calendars and prices are not planned further ahead (and far dates overflow timer arithmetic).
MAX_ADVANCE = timedelta(days=3 * 365)
DEFAULT_DURATION = timedelta(hours=1)


def _package(service: service_store.Service, tier: str | None) -> dict[str, Any] | None:
    if tier is None:
        return None
    for package in service.packages:
        if package["tier"] == tier:
            return package
    raise ValidationError(f"the service has no {tier} package")


def _price(
    service: service_store.Service, package: dict[str, Any] | None, minutes: int
) -> dict[str, Any]:
    if package is not None:
        return dict(package["price"])
    price = service.pricing["price"]
    if service.pricing["type"] == "hourly":
        minimum = service.duration_minutes or 60
        if minutes < minimum:
            raise ValidationError(f"this service is booked for at least {minimum} minutes")
        return {"amount": int(price["amount"]) * minutes // 60, "currency": price["currency"]}
    return dict(price)


def _check_days(talent_item: talent.Talent, days: list[str]) -> None:
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    window = calendar.window(talent_item.id, first, last)
    statuses = availability.calendar(
        [date.fromisoformat(d) for d in days], window.explicit, talent_item.weekly, window.booked
    )
    for status in statuses:
        if status.booked:
            raise ConflictError(f"{status.date} is already booked", {"date": str(status.date)})
        if status.source != "none" and not status.available:
            raise ConflictError(f"the talent is not available on {status.date}")


def request(principal: Principal, body: BookingCreate) -> Subject:
    service = service_store.get(body.service_id)
    if service is None or not service.is_active:
        raise NotFoundError("service not found")
    talent_item = talent.require(service.talent_id, with_portfolio=False)
    if not talent_item.is_public:
        raise NotFoundError("service not found")
    if talent_item.owner_user_id == principal.user_id:
        raise ValidationError("you cannot book your own service")
    now = clock.now()
    start = body.start.astimezone(clock.now().tzinfo)
    if start < now + MIN_NOTICE:
        raise ValidationError("start must be at least 2 hours from now")
    if start > now + MAX_ADVANCE:
        raise ValidationError(f"start must be within {MAX_ADVANCE.days} days from now")
    default = timedelta(minutes=service.duration_minutes) if service.duration_minutes else None
    end = body.end.astimezone(start.tzinfo) if body.end else start + (default or DEFAULT_DURATION)
    package = _package(service, body.package_tier)
    price = _price(service, package, int((end - start).total_seconds() // 60))
    pricing.check_price(price, get_settings().max_prices, what="the booking's price")
    deposit_percent = int(service.deposit_percent or 0)
    deposit = pricing.deposit_of(price, deposit_percent)
    days = [day.isoformat() for day in availability.local_days(start, end, talent_item.timezone)]
    _check_days(talent_item, days)
    booking_id = ids.new_id()
    created = clock.to_rfc3339(now)
    booking = transitions.new_subject(
        "booking",
        booking_id,
        parties=(principal.user_id, talent_item.id, talent_item.owner_user_id),
        now=now,
        start_at=start,
        end_at=end,
        data={
            "service_id": service.id,
            "service_title": service.title,
            "package_tier": body.package_tier,
            "price": price,
            "list_price": price,
            "deposit": deposit,
            "deposit_percent": deposit_percent if deposit else 0,
            "cancellation_policy": service.cancellation_policy,
            # Copied like the price: the QC gate applies as the service said when requested.
            "report_required": service.report_required,
            "service_category": service.category,
            "timezone": talent_item.timezone,
            "days": days,
            "location": body.location.model_dump() if body.location else None,
            "event_type": body.event_type,
            "details": body.details,
            "guest_count": body.guest_count,
            # What talent decide a request on: the customer's standing as other talent
            # reviewed it, as of the request.
            "customer_rating": customer_reviews.rating_of(REVIEWEE_USER, principal.user_id),
        },
        index_keys={
            "gsi1pk": keys.subjects_of_user_gsi1pk(principal.user_id, "booking"),
            "gsi1sk": keys.subject_by_time_sk(created, booking_id),
            "gsi2pk": keys.subjects_of_talent_gsi2pk(talent_item.id, "booking"),
            "gsi2sk": keys.subject_by_time_sk(created, booking_id),
            # Admin exports page through bookings by creation day (models/exports.py).
            **exports.export_index("booking", now, booking_id),
        },
    )
    writes = Writes()
    booking = transitions.create_in(writes, booking, Caller(principal), "customer", now)
    profile = talent.TalentItem(keys.talent_pk(talent_item.id), keys.PROFILE_SK)
    writes.add(
        (profile.pk, profile.sk),
        "talent",
        lambda t: t.update(
            profile,
            actions=[talent.TalentItem.requests_received.add(1)],
            condition=talent.TalentItem.pk.exists(),
        ),
    )
    stale = search_outbox.timer_item(talent_item.id)
    writes.add((stale.pk, stale.sk), "reindex", lambda t: t.save(stale))
    # A talent who blocked the customer is not bookable by them: checked in the same commit.
    blocks.require_not_blocked_in(
        writes, blocker_id=talent_item.owner_user_id, blocked_id=principal.user_id
    )
    try:
        writes.commit("the booking could not be created; retry")
    except TransactionConflictError as conflict:
        refusal = blocks.refusal(conflict)
        if refusal is not None:
            raise refusal from None
        raise
    return booking


def get(booking_id: str, principal: Principal) -> Subject:
    booking = subjects.require("booking", booking_id)
    Caller(principal).require_party(booking)
    return booking


def mine(
    principal: Principal, role: str, limit: int, cursor: str | None
) -> tuple[list[Subject], str | None]:
    if role == "talent":
        talent_id = principal.user.talent_id
        if talent_id is None:
            return [], None
        return subjects.list_by_index(
            "gsi2", keys.subjects_of_talent_gsi2pk(talent_id, "booking"), limit=limit, cursor=cursor
        )
    return subjects.list_by_index(
        "gsi1",
        keys.subjects_of_user_gsi1pk(principal.user_id, "booking"),
        limit=limit,
        cursor=cursor,
    )


def confirm_payment(
    booking_id: str,
    payment_id: str | None = None,
    *,
    provider: str | None = None,
    extra: Callable[[Writes], None] | None = None,
) -> transitions.Outcome:
    """The system's `payment_succeeded` (a provider's webhook, through the payments
    processor). When another booking confirmed the day first, the booking is cancelled as
    `slot_taken` instead, and what was paid is owed back in full."""
    before = subjects.require("booking", booking_id)
    params = {
        name: value
        for name, value in (("payment_id", payment_id), ("provider", provider))
        if value is not None
    }
    try:
        return transitions.apply_to(
            before, "payment_succeeded", transitions.SYSTEM, params, extra=extra
        )
    except TransactionConflictError as conflict:
        if conflict.labels != ["day"]:
            raise
    return transitions.apply_to(before, "slot_taken", transitions.SYSTEM, params, extra=extra)
