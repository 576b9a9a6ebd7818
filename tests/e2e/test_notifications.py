"""Notifications on the real local stack: a booking request becomes the talent's in-app
notification, a `notification.created` frame on the talent's open WebSocket, and an email
in /dev/outbox with a text and an HTML part; a talent whose locale is Arabic gets it in
Arabic, right to left."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from websockets.sync.client import connect

from tests.e2e.harness import RunningStack

WITHIN_SECONDS = 20.0


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def _talent_with_service(devstack: RunningStack, email: str, locale: str) -> tuple[str, str]:
    token = devstack.token(email)
    _ok(devstack.api("PATCH", "/v1/me", token, json={"locale": locale}))
    talent = _ok(
        devstack.api(
            "POST",
            "/v1/talent",
            token,
            json={
                "display_name": f"Notified {uuid.uuid4().hex[:6]}",
                "categories": ["music.dj"],
                "location": {"city": "Erbil", "country": "IQ", "lat": 36.19, "lng": 44.01},
                "timezone": "Asia/Baghdad",
            },
        ),
        201,
    )
    service = _ok(
        devstack.api(
            "POST",
            f"/v1/talent/{talent['id']}/services",
            token,
            json={
                "title": "DJ set, one hour",
                "category": "music.dj",
                "pricing": {"type": "fixed", "price": {"amount": 250000, "currency": "IQD"}},
                "duration_minutes": 60,
                "deposit_percent": 0,
            },
        ),
        201,
    )
    return token, str(service["id"])


def _request_booking(devstack: RunningStack, service_id: str) -> str:
    customer = devstack.token(f"notify-customer-{uuid.uuid4().hex[:8]}@example.com")
    now = datetime.fromisoformat(
        _ok(devstack.sandbox("GET", "/dev/clock"))["now"].replace("Z", "+00:00")
    )
    start = (now + timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
    booking = _ok(
        devstack.api(
            "POST",
            "/v1/bookings",
            customer,
            json={"service_id": service_id, "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
        ),
        201,
    )
    return str(booking["id"])


def _email_to(devstack: RunningStack, address: str) -> dict[str, Any]:
    deadline = time.monotonic() + WITHIN_SECONDS
    while time.monotonic() < deadline:
        _ok(devstack.sandbox("POST", "/dev/tick"))
        _ok(devstack.sandbox("POST", "/dev/drain"))
        mails = [
            m for m in _ok(devstack.sandbox("GET", "/dev/outbox"))["items"] if address in m["to"]
        ]
        if mails:
            (mail,) = mails
            return mail
        time.sleep(0.5)
    raise AssertionError(f"no email to {address} within {WITHIN_SECONDS} s")


def test_a_booking_request_notifies_the_talent_in_app_by_websocket_and_email(
    devstack: RunningStack,
) -> None:
    email = f"notify-talent-{uuid.uuid4().hex[:8]}@example.com"
    talent, service_id = _talent_with_service(devstack, email, "en")
    with connect(f"{devstack.ws_url}/?token={talent}", open_timeout=10) as socket:
        booking_id = _request_booking(devstack, service_id)
        mail = _email_to(devstack, email)
        frame = json.loads(socket.recv(timeout=WITHIN_SECONDS))
    center = _ok(devstack.api("GET", "/v1/notifications", talent))
    (item,) = center["items"]
    assert item["type"] == "booking.requested"
    assert item["link"] == {"type": "booking", "id": booking_id}
    assert center["unread_count"] == 1
    assert frame == {"type": "notification.created", "notification": item}
    assert mail["subject"] == "New booking request"
    assert item["body"] in mail["text"]
    assert '<html lang="en" dir="ltr">' in mail["html"] and item["title"] in mail["html"]


def test_an_arabic_talent_gets_an_arabic_right_to_left_email(devstack: RunningStack) -> None:
    email = f"notify-ar-{uuid.uuid4().hex[:8]}@example.com"
    talent, service_id = _talent_with_service(devstack, email, "ar")
    _request_booking(devstack, service_id)
    mail = _email_to(devstack, email)
    assert mail["subject"] == "طلب حجز جديد"
    assert '<html lang="ar" dir="rtl">' in mail["html"]
    assert "طلب حجز جديد" in mail["text"]
    (item,) = _ok(devstack.api("GET", "/v1/notifications", talent))["items"]
    assert item["title"] == "طلب حجز جديد"
