"""The notifications pipeline on the app and the emulator: domain events in, exactly one
in-app notification per event and person, emails as preferences allow (GIVEN / WHEN / THEN)."""

from __future__ import annotations

from typing import Any

from tests.functional.deals import CUSTOMER, TALENT, book, system, take, talent_with_service
from tests.functional.notify_support import deliver, emails_to, outbox_events
from tests.support import JsonClient


def _center(api: JsonClient, user: str, query: str = "") -> dict[str, Any]:
    reply = api.get(f"/v1/notifications{query}", as_user=user)
    assert reply.status == 200, reply.body
    return dict(reply.body)


def _new_emails(aws_endpoint: str, address: str, before: list[dict[str, Any]]) -> list[Any]:
    seen = {m["id"] for m in before}
    return [m for m in emails_to(aws_endpoint, address) if m["id"] not in seen]


def test_a_booking_request_tells_the_talent_in_app_and_by_email(
    api: JsonClient, lambdas: Any, aws_endpoint: str
) -> None:
    # GIVEN a talent with a service, and a customer's booking request
    _, service = talent_with_service(api)
    before = emails_to(aws_endpoint, TALENT)
    booking = book(api, service["id"])
    # WHEN the worker gets the domain events
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    # THEN the talent has one unread notification linking the booking
    center = _center(api, TALENT)
    (item,) = center["items"]
    assert item["type"] == "booking.requested"
    assert item["link"] == {"type": "booking", "id": booking["id"]}
    assert item["read_at"] is None and item["title"] == "New booking request"
    assert center["unread_count"] == 1
    assert _center(api, CUSTOMER)["items"] == []
    # AND it expires (DynamoDB TTL) 180 days after it was made
    from chalicelib import clock
    from chalicelib.models import keys
    from chalicelib.models.notification_items import NotificationItem

    me = api.get("/v1/me", as_user=TALENT).body["id"]
    stored = NotificationItem.get(keys.notifications_pk(me), keys.notification_sk(item["id"]))
    made = clock.parse_rfc3339(item["created_at"])
    assert (stored.expires_at - made).days == 180
    # AND one email with a text and an HTML part
    (mail,) = _new_emails(aws_endpoint, TALENT, before)
    assert mail["notification_id"] == item["id"]
    assert mail["subject"] == "New booking request"
    assert "New booking request" in mail["text"] and '<html lang="en" dir="ltr">' in mail["html"]


def test_a_redelivered_event_makes_one_notification_and_one_email(
    api: JsonClient, lambdas: Any, aws_endpoint: str
) -> None:
    _, service = talent_with_service(api)
    book(api, service["id"])
    before = emails_to(aws_endpoint, TALENT)
    (event,) = outbox_events("process.transition")
    # WHEN EventBridge delivers it twice in one batch, and the outbox republishes it (new id)
    republished = {**event, "id": "another-eventbridge-id"}
    assert deliver(lambdas, [event, event]) == {"batchItemFailures": []}
    assert deliver(lambdas, [republished]) == {"batchItemFailures": []}
    # THEN one notification, counted once, and one email
    center = _center(api, TALENT)
    assert len(center["items"]) == 1 and center["unread_count"] == 1
    assert len(_new_emails(aws_endpoint, TALENT, before)) == 1


def test_email_off_keeps_the_in_app_entry_and_receipts_are_still_emailed(
    api: JsonClient, lambdas: Any, aws_endpoint: str
) -> None:
    # GIVEN both people turned emails off
    _, service = talent_with_service(api)
    for user in (TALENT, CUSTOMER):
        prefs = {"notification_prefs": {"email": False}}
        reply = api.patch("/v1/me", as_user=user, json_body=prefs)
        assert reply.status == 200 and reply.body["notification_prefs"]["email"] is False
    talent_before = emails_to(aws_endpoint, TALENT)
    customer_before = emails_to(aws_endpoint, CUSTOMER)
    booking = book(api, service["id"])
    assert take(api, "bookings", booking["id"], "accept", TALENT).status == 200
    system("booking", booking["id"], "payment_succeeded", payment_id="pay-1", provider="fib")
    # WHEN the worker gets the request, the acceptance and the payment
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    # THEN the talent has in-app entries but no email
    talent_kinds = [n["type"] for n in _center(api, TALENT)["items"]]
    assert talent_kinds == ["booking.confirmed", "booking.requested"]
    assert _new_emails(aws_endpoint, TALENT, talent_before) == []
    # AND the customer's receipt is emailed all the same (transactional), nothing else
    customer_kinds = [n["type"] for n in _center(api, CUSTOMER)["items"]]
    assert customer_kinds == ["payment.succeeded", "booking.accepted"]
    (receipt,) = _new_emails(aws_endpoint, CUSTOMER, customer_before)
    assert receipt["subject"] == "Payment received"


def test_in_app_off_writes_no_notification_but_emails(
    api: JsonClient, lambdas: Any, aws_endpoint: str
) -> None:
    _, service = talent_with_service(api)
    reply = api.patch("/v1/me", as_user=TALENT, json_body={"notification_prefs": {"in_app": False}})
    assert reply.status == 200
    before = emails_to(aws_endpoint, TALENT)
    book(api, service["id"])
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    center = _center(api, TALENT)
    assert center["items"] == [] and center["unread_count"] == 0
    assert len(_new_emails(aws_endpoint, TALENT, before)) == 1


def test_reading_by_ids_and_all_moves_the_counter(api: JsonClient, lambdas: Any) -> None:
    # GIVEN two requests of two customers to one talent: two unread notifications
    _, service = talent_with_service(api)
    book(api, service["id"])
    book(api, service["id"], customer="second@example.com", start="2026-12-11T18:00:00Z")
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    items = _center(api, TALENT)["items"]
    assert len(items) == 2
    newest, oldest = items
    # WHEN one is read by id (twice: the second changes nothing)
    for _ in range(2):
        reply = api.post(
            "/v1/notifications/read", as_user=TALENT, json_body={"ids": [oldest["id"]]}
        )
        assert reply.status == 200
    assert reply.body == {"marked": 0, "unread_count": 1}
    # THEN only the other is unread
    unread = _center(api, TALENT, "?unread=true")
    assert [n["id"] for n in unread["items"]] == [newest["id"]] and unread["unread_count"] == 1
    # AND another user cannot read the talent's notification
    reply = api.post("/v1/notifications/read", as_user=CUSTOMER, json_body={"ids": [newest["id"]]})
    assert reply.status == 200 and reply.body["marked"] == 0
    assert _center(api, TALENT)["unread_count"] == 1
    # WHEN all are read
    reply = api.post("/v1/notifications/read", as_user=TALENT, json_body={"all": True})
    assert reply.body == {"marked": 1, "unread_count": 0}
    assert _center(api, TALENT, "?unread=true")["items"] == []
    assert all(n["read_at"] for n in _center(api, TALENT)["items"])


def test_a_bad_read_request_is_a_400_that_changes_nothing(api: JsonClient, lambdas: Any) -> None:
    _, service = talent_with_service(api)
    book(api, service["id"])
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    bad = ({}, {"ids": []}, {"ids": ["not-an-id"]}, {"all": False}, {"ids": ["x"], "all": True})
    for body in bad:
        reply = api.post("/v1/notifications/read", as_user=TALENT, json_body=body)
        assert reply.status == 400, (body, reply.body)
        assert reply.body["error"]["code"]
    assert _center(api, TALENT)["unread_count"] == 1


def test_notifications_page_newest_first(api: JsonClient, lambdas: Any) -> None:
    _, service = talent_with_service(api)
    starts = ["2026-12-11T18:00:00Z", "2026-12-12T18:00:00Z", "2026-12-13T18:00:00Z"]
    for index, start in enumerate(starts):
        book(api, service["id"], customer=f"c{index}@example.com", start=start)
    assert deliver(lambdas, outbox_events()) == {"batchItemFailures": []}
    first = _center(api, TALENT, "?limit=2")
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = _center(api, TALENT, f"?limit=2&cursor={first['next_cursor']}")
    ids = [n["id"] for n in first["items"] + second["items"]]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True)
    reply = api.get(f"/v1/notifications?cursor={first['next_cursor']}", as_user=CUSTOMER)
    assert reply.status == 400
