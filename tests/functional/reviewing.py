"""Setups for review tests: a booking taken to `completed` the way users and the system do,
and posting reviews over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.functional.deals import CUSTOMER, TALENT, book, system, take
from tests.functional.factories import create_service, create_talent
from tests.support import JsonClient, Reply

COMPLETED_AT = datetime.fromisoformat("2026-12-10T18:05:00+00:00")


def completed_booking(
    api: JsonClient,
    clock: Any,
    *,
    customer: str = CUSTOMER,
    talent_email: str = TALENT,
    talent_id: str | None = None,
    start: str = "2026-12-10T18:00:00Z",
) -> dict[str, Any]:
    """Book, accept, pay, deliver, confirm: the booking completes at `start` + 5 minutes."""
    if talent_id is None:
        talent_id = create_talent(api, talent_email)["id"]
    service = create_service(api, talent_email, talent_id)
    booking = book(api, service["id"], customer=customer, start=start)
    assert take(api, "bookings", booking["id"], "accept", talent_email).status == 200
    system("booking", booking["id"], "payment_succeeded", payment_id=f"pay_{booking['id']}")
    clock.set(datetime.fromisoformat(start.replace("Z", "+00:00")) + timedelta(minutes=5))
    assert take(api, "bookings", booking["id"], "mark_delivered", talent_email).status == 200
    done = take(api, "bookings", booking["id"], "confirm_completion", customer)
    assert done.body["state"] == "completed", done.body
    return dict(done.body)


def review(
    api: JsonClient,
    author: str,
    subject_id: str,
    rating: int = 5,
    subject_type: str = "booking",
    **more: Any,
) -> Reply:
    body = {"subject": {"type": subject_type, "id": subject_id}, "rating": rating, **more}
    return api.post("/v1/reviews", as_user=author, json_body=body)


def sweep() -> dict[str, int]:
    from chalicelib.workers import timer_kinds
    from chalicelib.workers import timer_sweep as sweeper

    timer_kinds.load()
    report = sweeper.sweep().as_dict()
    assert report["failed"] == 0, report
    return report
