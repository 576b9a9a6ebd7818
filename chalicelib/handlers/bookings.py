"""Service bookings: requested by a customer, moved by the booking process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.handlers.subject_views import subject_json
from chalicelib.lazy import lazy_import
from chalicelib.schemas.transactions import (
    BookingCreate,
    BookingListQuery,
    SubjectList,
    SubjectOut,
)
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.usecases import bookings, transitions
else:
    bookings = lazy_import("chalicelib.usecases.bookings")
    transitions = lazy_import("chalicelib.usecases.transitions")

api = Api(__name__, tag="transactions")


@api.post(
    "/v1/bookings",
    operation_id="createBooking",
    summary="Request a booking of a service (price and policy are copied from the service)",
    body=BookingCreate,
    response=SubjectOut,
    status=201,
    errors=(400, 404, 409),
)
def create_booking(ctx: RequestContext) -> dict[str, Any]:
    booking = bookings.request(ctx.principal, ctx.body)
    return subject_json(booking, transitions.Caller(ctx.principal))


@api.get(
    "/v1/bookings",
    operation_id="listBookings",
    summary="My bookings, newest first: as the customer (default) or as the talent",
    query=BookingListQuery,
    response=SubjectList,
)
def list_bookings(ctx: RequestContext) -> dict[str, Any]:
    query = ctx.query
    found, cursor = bookings.mine(ctx.principal, query.role, query.limit, query.cursor)
    caller = transitions.Caller(ctx.principal)
    return {"items": [subject_json(b, caller) for b in found], "next_cursor": cursor}


@api.get(
    "/v1/bookings/{booking_id}",
    operation_id="getBooking",
    summary="A booking (its customer, its talent, admins)",
    response=SubjectOut,
    errors=(404,),
)
def get_booking(ctx: RequestContext, booking_id: str) -> dict[str, Any]:
    booking = bookings.get(booking_id, ctx.principal)
    return subject_json(booking, transitions.Caller(ctx.principal))
