"""Notifications on the real local stack: a booking request becomes the talent's in-app
notification, a `notification.created` frame on the talent's open WebSocket, and an email
in /dev/outbox with a text and an HTML part; a talent whose locale is Arabic gets it in
Arabic, right to left."""

from __future__ import annotations

import json
import time
from typing import Any

from websockets.sync.client import connect

from tests.e2e.flows import Talent, book, create_talent_with_service, drain, email, ok, tick
from tests.e2e.harness import RunningStack

WITHIN_SECONDS = 20.0


def _talent_with_service(devstack: RunningStack, locale: str) -> Talent:
    talent = create_talent_with_service(devstack, price=250000)
    ok(devstack.api("PATCH", "/v1/me", talent.token, json={"locale": locale}))
    return talent


def _request_booking(devstack: RunningStack, service_id: str) -> str:
    customer = devstack.token(email("notify-customer"))
    return str(book(devstack, customer, service_id, days_ahead=6)["id"])


def _email_to(devstack: RunningStack, address: str) -> dict[str, Any]:
    deadline = time.monotonic() + WITHIN_SECONDS
    while time.monotonic() < deadline:
        tick(devstack)
        drain(devstack)
        mails = [
            m for m in ok(devstack.sandbox("GET", "/dev/outbox"))["items"] if address in m["to"]
        ]
        if mails:
            (mail,) = mails
            return mail
        time.sleep(0.5)
    raise AssertionError(f"no email to {address} within {WITHIN_SECONDS} s")


def test_a_booking_request_notifies_the_talent_in_app_by_websocket_and_email(
    devstack: RunningStack,
) -> None:
    made = _talent_with_service(devstack, "en")
    talent, service_id = made.token, made.service_id
    with connect(f"{devstack.ws_url}/?token={talent}", open_timeout=10) as socket:
        booking_id = _request_booking(devstack, service_id)
        mail = _email_to(devstack, made.email)
        frame = json.loads(socket.recv(timeout=WITHIN_SECONDS))
    center = ok(devstack.api("GET", "/v1/notifications", talent))
    (item,) = center["items"]
    assert item["type"] == "booking.requested"
    assert item["link"] == {"type": "booking", "id": booking_id}
    assert center["unread_count"] == 1
    assert frame == {"type": "notification.created", "notification": item}
    assert mail["subject"] == "New booking request"
    assert item["body"] in mail["text"]
    assert '<html lang="en" dir="ltr">' in mail["html"] and item["title"] in mail["html"]


def test_an_arabic_talent_gets_an_arabic_right_to_left_email(devstack: RunningStack) -> None:
    made = _talent_with_service(devstack, "ar")
    talent = made.token
    _request_booking(devstack, made.service_id)
    mail = _email_to(devstack, made.email)
    assert mail["subject"] == "طلب حجز جديد"
    assert '<html lang="ar" dir="rtl">' in mail["html"]
    assert "طلب حجز جديد" in mail["text"]
    (item,) = ok(devstack.api("GET", "/v1/notifications", talent))["items"]
    assert item["title"] == "طلب حجز جديد"
