"""Transactions on the local stack, over HTTP: bookings and milestones moved by people (the
API), by the system's timers (the platform clock moved with /dev/clock, the sweep run with
/dev/tick) and by a settled payment (fired directly with /dev/transitions, so these tests
are about the processes, not a provider; tests/e2e/test_payments.py goes through the
providers' webhooks). The clock only moves forward and is shared by every test
on this stack, so every time here is relative to the platform's current time."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import requests

from tests.e2e.flows import (
    HOUR,
    advance,
    book,
    create_talent_with_service,
    email,
    instant,
    now,
    ok,
    tick,
)
from tests.e2e.harness import RunningStack, assert_envelope

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _fire(
    devstack: RunningStack, subject_type: str, subject_id: str, name: str, **params: Any
) -> requests.Response:
    """The system's transition, as a settled payment's webhook fires it."""
    return devstack.sandbox(
        "POST",
        "/dev/transitions",
        json={
            "subject_type": subject_type,
            "subject_id": subject_id,
            "name": name,
            "params": params,
        },
    )


def _talent_with_service(devstack: RunningStack) -> tuple[str, str, str]:
    """A fresh talent with one fixed-price (200,000 IQD), 1-hour service without deposit:
    (email, token, service id)."""
    made = create_talent_with_service(devstack, price=200000, category="music.oud")
    return made.email, made.token, made.service_id


DAYS_AHEAD = 3  # every booking here starts this many days after the platform's now


def _state(devstack: RunningStack, token: str, kind: str, subject_id: str) -> str:
    return str(ok(devstack.api("GET", f"/v1/{kind}/{subject_id}", token))["state"])


def test_an_unanswered_booking_request_expires(devstack: RunningStack) -> None:
    _, talent, service_id = _talent_with_service(devstack)
    customer = devstack.token(email("tx"))
    booking = book(devstack, customer, service_id, days_ahead=DAYS_AHEAD)

    advance(devstack, 49 * HOUR)
    tick(devstack)

    assert _state(devstack, customer, "bookings", booking["id"]) == "expired"
    events = ok(devstack.api("GET", f"/v1/bookings/{booking['id']}/events", talent))["items"]
    assert (events[-1]["transition"], events[-1]["actor"]) == ("expire", "system")


def test_a_paid_booking_is_delivered_at_its_end_and_completes_72h_later(
    devstack: RunningStack,
) -> None:
    _, talent, service_id = _talent_with_service(devstack)
    customer = devstack.token(email("tx"))
    booking = book(devstack, customer, service_id, days_ahead=DAYS_AHEAD)
    ok(devstack.api("POST", f"/v1/bookings/{booking['id']}/transitions/accept", talent))

    paid = ok(_fire(devstack, "booking", booking["id"], "payment_succeeded", payment_id="pay-e2e"))
    assert (paid["state"], paid["version"]) == ("confirmed", 3)
    assert paid["fired"]["transition"] == "payment_succeeded"
    assert _state(devstack, customer, "bookings", booking["id"]) == "confirmed"

    advance(devstack, (instant(booking["end"]) - now(devstack)).total_seconds() + 60)
    tick(devstack)
    delivered = ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", customer))
    assert delivered["state"] == "delivered"

    advance(devstack, 72 * HOUR + 60)
    tick(devstack)
    completed = ok(devstack.api("GET", f"/v1/bookings/{booking['id']}", talent))
    assert completed["state"] == "completed"
    events = ok(devstack.api("GET", f"/v1/bookings/{booking['id']}/events", customer))["items"]
    assert [(e["transition"], e["actor"]) for e in events] == [
        ("create", "customer"),
        ("accept", "talent"),
        ("payment_succeeded", "system"),
        ("mark_delivered", "system"),
        ("auto_complete", "system"),
    ]


def test_a_submitted_milestone_is_approved_72h_later_and_completes_its_contract(
    devstack: RunningStack,
) -> None:
    talent_email = email("tx")
    talent = devstack.token(talent_email)
    ok(
        devstack.api(
            "POST",
            "/v1/talent",
            talent,
            json={
                "display_name": f"E2E Developer {uuid.uuid4().hex[:6]}",
                "categories": ["development.web"],
                "location": {"city": "Erbil", "country": "IQ", "lat": 36.19, "lng": 44.01},
                "timezone": "Asia/Baghdad",
            },
        ),
        201,
    )
    customer = devstack.token(email("tx"))
    job = ok(
        devstack.api(
            "POST",
            "/v1/jobs",
            customer,
            json={
                "title": "Build our booking website",
                "description": "A small site for a wedding venue with a booking form.",
                "category": "development.web",
                "skills": ["nextjs"],
                "budget": {
                    "type": "fixed",
                    "min": {"amount": 1000, "currency": "USD"},
                    "max": {"amount": 3000, "currency": "USD"},
                },
                "visibility": "public",
            },
        ),
        201,
    )
    due = (now(devstack) + timedelta(days=14)).date().isoformat()
    proposal = ok(
        devstack.api(
            "POST",
            f"/v1/jobs/{job['id']}/proposals",
            talent,
            json={
                "cover": "I have built venue sites before; here is my plan.",
                "milestones": [
                    {
                        "title": "The whole site",
                        "amount": {"amount": 1500, "currency": "USD"},
                        "due_date": due,
                        "dod": ["deployed"],
                    }
                ],
                "delivery_days": 14,
            },
        ),
        201,
    )
    accepted = ok(
        devstack.api("POST", f"/v1/proposals/{proposal['id']}/transitions/accept", customer)
    )
    contract_id = accepted["contract_id"]
    contract = ok(devstack.api("GET", f"/v1/contracts/{contract_id}", customer))
    assert contract["state"] == "active"
    [milestone] = [m["id"] for m in contract["milestones"]]

    funded = ok(_fire(devstack, "milestone", milestone, "payment_succeeded"))
    assert funded["state"] == "funded"
    ok(
        devstack.api(
            "POST", f"/v1/milestones/{milestone}/transitions/submit", talent, json={"note": "done"}
        )
    )
    assert _state(devstack, customer, "milestones", milestone) == "submitted"

    advance(devstack, 73 * HOUR)
    tick(devstack)

    assert _state(devstack, customer, "milestones", milestone) == "released"
    assert _state(devstack, talent, "contracts", contract_id) == "completed"


def test_a_waiting_request_reminds_the_talent_by_email(devstack: RunningStack) -> None:
    talent_email, _, service_id = _talent_with_service(devstack)
    customer = devstack.token(email("tx"))
    booking = book(devstack, customer, service_id, days_ahead=DAYS_AHEAD)

    advance(devstack, 24 * HOUR + 60)
    tick(devstack)

    ok(devstack.sandbox("POST", "/dev/drain"))
    outbox = ok(devstack.sandbox("GET", "/dev/outbox"))["items"]
    mails = [
        m
        for m in outbox
        if m["subject"] == "A booking request is waiting" and talent_email in m["to"]
    ]
    assert [m["to"] for m in mails] == [[talent_email]], outbox[-5:]
    assert "waited 24 hours" in mails[0]["text"]
    reminders = [
        n
        for n in ok(devstack.api("GET", "/v1/notifications", devstack.token(talent_email)))["items"]
        if n["type"] == "booking.reminder"
    ]
    assert [n["link"] for n in reminders] == [{"type": "booking", "id": booking["id"]}]


def test_the_second_payment_for_a_taken_day_cancels_its_booking(devstack: RunningStack) -> None:
    _, talent, service_id = _talent_with_service(devstack)
    first = book(devstack, devstack.token(email("tx")), service_id, days_ahead=DAYS_AHEAD)
    second_customer = devstack.token(email("tx"))
    second = book(devstack, second_customer, service_id, days_ahead=DAYS_AHEAD)
    for booking in (first, second):
        ok(devstack.api("POST", f"/v1/bookings/{booking['id']}/transitions/accept", talent))

    assert ok(_fire(devstack, "booking", first["id"], "payment_succeeded"))["state"] == "confirmed"
    taken = ok(_fire(devstack, "booking", second["id"], "payment_succeeded", payment_id="pay-2"))

    assert (taken["state"], taken["fired"]["transition"]) == ("cancelled", "slot_taken")
    assert taken["cancel_reason"] == "slot_taken"
    assert _state(devstack, second_customer, "bookings", second["id"]) == "cancelled"


def test_dev_transitions_refuses_what_the_system_may_not_do(devstack: RunningStack) -> None:
    _, _, service_id = _talent_with_service(devstack)
    customer = devstack.token(email("tx"))
    booking = book(devstack, customer, service_id, days_ahead=DAYS_AHEAD)

    # Not before the talent accepts; never a person's transition; no such booking; a
    # parameter the transition does not take; a subject type no process moves.
    assert_envelope(_fire(devstack, "booking", booking["id"], "payment_succeeded"), 409, "CONFLICT")
    assert_envelope(_fire(devstack, "booking", booking["id"], "accept"), 403, "FORBIDDEN")
    assert_envelope(_fire(devstack, "booking", "no-such-booking", "expire"), 404, "NOT_FOUND")
    assert_envelope(
        _fire(devstack, "booking", booking["id"], "payment_succeeded", amount=5),
        400,
        "VALIDATION_ERROR",
    )
    assert_envelope(_fire(devstack, "invoice", booking["id"], "expire"), 400, "VALIDATION_ERROR")
    assert _state(devstack, customer, "bookings", booking["id"]) == "requested"
