"""Setups for the dispute tests: a paid booking or milestone, opened into a dispute, the
books (trial balance asserted zero), and moving the clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.functional.deals import (
    ADMIN,
    CUSTOMER,
    TALENT,
    book,
    contract,
    system,
    take,
    talent_with_service,
)
from tests.support import JsonClient

PRICE = 300000  # the default service's price, IQD


def paid_booking(
    api: JsonClient, service_id: str | None = None, start: str | None = None
) -> dict[str, Any]:
    """A confirmed booking paid in full through FIB; another on the same service needs
    another day (`start`)."""
    if service_id is None:
        service_id = talent_with_service(api, deposit_percent=0)[1]["id"]
    booking = book(api, service_id, **({"start": start} if start else {}))
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    from chalicelib.usecases import bookings

    bookings.confirm_payment(booking["id"], f"pay-{booking['id']}", provider="fib")
    return booking


def open_dispute(
    api: JsonClient,
    kind: str,
    subject_id: str,
    by: str = CUSTOMER,
    category: str = "not_delivered",
    reason: str = "nothing happened",
) -> dict[str, Any]:
    reply = take(api, kind, subject_id, "dispute", by, reason=reason, category=category)
    assert reply.status == 200, reply.body
    assert reply.body["state"] == "disputed" and reply.body["dispute_id"]
    dispute = api.get(f"/v1/disputes/{reply.body['dispute_id']}", as_user=by)
    assert dispute.status == 200, dispute.body
    return dict(dispute.body)


def disputed_booking(api: JsonClient, **options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    booking = paid_booking(api)
    return booking, open_dispute(api, "bookings", booking["id"], **options)


def disputed_milestone(
    api: JsonClient, by: str = TALENT, amounts: tuple[int, ...] = (1000, 2000)
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    deal = contract(api, amounts=amounts)
    milestone = deal["milestones"][0]
    system("milestone", milestone["id"], "payment_succeeded", provider="stripe")
    return deal, milestone, open_dispute(api, "milestones", milestone["id"], by=by)


def books(api: JsonClient) -> dict[str, int]:
    reply = api.get("/v1/admin/ledger/trial-balance", as_user=ADMIN)
    assert reply.status == 200, reply.body
    assert reply.body["balanced"] is True, reply.body
    return {f"{a['account']}|{a['currency']}": a["balance"] for a in reply.body["accounts"]}


def later(frozen_clock: Any, hours: float) -> None:
    from chalicelib import clock

    frozen_clock.set(clock.now() + timedelta(hours=hours))


def offer(api: JsonClient, dispute_id: str, by: str, amount: int, currency: str = "IQD") -> Any:
    return api.post(
        f"/v1/disputes/{dispute_id}/offers",
        as_user=by,
        json_body={"refund_amount": {"amount": amount, "currency": currency}},
    )


def accept(api: JsonClient, dispute_id: str, offer_id: str, by: str) -> Any:
    return api.post(f"/v1/disputes/{dispute_id}/offers/{offer_id}/accept", as_user=by)


def get(api: JsonClient, dispute_id: str, as_user: str = ADMIN) -> dict[str, Any]:
    reply = api.get(f"/v1/disputes/{dispute_id}", as_user=as_user)
    assert reply.status == 200, reply.body
    return dict(reply.body)
