"""What a message or a booking must not get past: blocks, anti-spam limits; and reports."""

from __future__ import annotations

from typing import Any

import pytest

from tests.functional.deals import CUSTOMER, STRANGER, TALENT, talent_with_service
from tests.functional.factories import count_items, create_talent
from tests.functional.test_conversations import inquiry, user_id
from tests.support import JsonClient


def test_a_blocked_user_can_neither_message_nor_book_the_blocker(api: JsonClient) -> None:
    talent, service = talent_with_service(api)
    thread = inquiry(api, talent["id"], "first contact").body
    customer = user_id(api, CUSTOMER)
    blocked = api.post(f"/v1/me/blocks/{customer}", as_user=TALENT)
    assert blocked.status == 201, blocked.body
    assert api.post(f"/v1/me/blocks/{customer}", as_user=TALENT).status == 200
    assert [b["user_id"] for b in api.get("/v1/me/blocks", as_user=TALENT).body["items"]] == [
        customer
    ]

    message = api.post(
        f"/v1/threads/{thread['id']}/messages", as_user=CUSTOMER, json_body={"body": "hello?"}
    )
    assert message.status == 403 and message.error_code == "FORBIDDEN"
    booking = api.post(
        "/v1/bookings",
        as_user=CUSTOMER,
        json_body={"service_id": service["id"], "start": "2026-12-10T18:00:00Z"},
    )
    assert booking.status == 403, booking.body
    assert count_items("message") == 1
    assert count_items("subject") == 0
    assert api.get("/v1/bookings", as_user=CUSTOMER).body["items"] == []
    # The blocker cannot message the one they blocked either.
    reverse = api.post(
        f"/v1/threads/{thread['id']}/messages", as_user=TALENT, json_body={"body": "hi"}
    )
    assert reverse.status == 403
    assert count_items("message") == 1

    assert api.delete(f"/v1/me/blocks/{customer}", as_user=TALENT).status == 204
    again = api.post(
        f"/v1/threads/{thread['id']}/messages", as_user=CUSTOMER, json_body={"body": "hello?"}
    )
    assert again.status == 201


def test_blocking_needs_a_real_other_user(api: JsonClient) -> None:
    me = user_id(api, CUSTOMER)
    assert api.post(f"/v1/me/blocks/{me}", as_user=CUSTOMER).status == 400
    missing = api.post("/v1/me/blocks/01JF3ZK8Q9M4X7V2B6N5T1R0YH", as_user=CUSTOMER)
    assert missing.status == 404
    assert count_items("block") == 0


def test_new_accounts_open_a_limited_number_of_threads_a_day(
    api: JsonClient, frozen_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.settings import reset_settings

    monkeypatch.setenv("NEW_THREADS_PER_DAY", "2")
    reset_settings()
    talents = [create_talent(api, f"t{i}@example.com") for i in range(3)]
    for talent in talents[:2]:
        assert inquiry(api, talent["id"], f"hi {talent['id']}").status == 201
    refused = inquiry(api, talents[2]["id"], "hi there, third")
    assert refused.status == 429 and refused.error_code == "RATE_LIMITED"
    # 12:00 now: the day's window ends at midnight UTC.
    assert refused.headers["Retry-After"] == str(12 * 3600 + 1)
    assert count_items("thread") == 2
    assert count_items("message") == 2
    assert len(api.get("/v1/threads", as_user=CUSTOMER).body["items"]) == 2
    # Messages in threads already open are not limited.
    thread_id = api.get("/v1/threads", as_user=CUSTOMER).body["items"][0]["id"]
    more = api.post(
        f"/v1/threads/{thread_id}/messages", as_user=CUSTOMER, json_body={"body": "more"}
    )
    assert more.status == 201
    frozen_clock.advance(12 * 3600 + 1)
    assert inquiry(api, talents[2]["id"], "hi there, third").status == 201


def test_an_established_account_is_not_limited(
    api: JsonClient, monkeypatch: pytest.MonkeyPatch, frozen_clock: Any
) -> None:
    from chalicelib.models import conversation_limits
    from chalicelib.settings import reset_settings

    monkeypatch.setenv("NEW_THREADS_PER_DAY", "1")
    reset_settings()
    talents = [create_talent(api, f"t{i}@example.com") for i in range(3)]
    customer = user_id(api, CUSTOMER)
    frozen_clock.advance(25 * 3600)
    conversation_limits.mark_established(customer, "booking:test")
    for talent in talents:
        assert inquiry(api, talent["id"], f"hi {talent['id']}").status == 201
    assert count_items("thread") == 3


def test_the_same_body_to_a_third_person_within_an_hour_is_refused(
    api: JsonClient, frozen_clock: Any
) -> None:
    talents = [create_talent(api, f"t{i}@example.com") for i in range(3)]
    assert inquiry(api, talents[0]["id"], "Cheap shows! Book now").status == 201
    assert inquiry(api, talents[1]["id"], "cheap   SHOWS! book now").status == 201
    # The same person again is fine: it is the third different one that looks like spam.
    assert inquiry(api, talents[0]["id"], "Cheap shows! Book now").status == 200
    refused = inquiry(api, talents[2]["id"], "Cheap shows!  Book now")
    assert refused.status == 429 and refused.error_code == "RATE_LIMITED"
    assert int(refused.headers["Retry-After"]) == 3600 + 1
    assert count_items("thread") == 2
    assert count_items("message") == 3
    frozen_clock.advance(3601)
    assert inquiry(api, talents[2]["id"], "Cheap shows! Book now").status == 201


SPAM = "Cheap shows! Book now"


def test_the_same_body_window_slides_across_the_clock_hour(
    api: JsonClient, frozen_clock: Any
) -> None:
    talents = [create_talent(api, f"t{i}@example.com") for i in range(4)]
    frozen_clock.advance(59 * 60)  # 12:59
    assert inquiry(api, talents[0]["id"], SPAM).status == 201
    assert inquiry(api, talents[1]["id"], SPAM).status == 201
    frozen_clock.advance(2 * 60)  # 13:01: a new clock hour, but not a new hour of sending
    refused = inquiry(api, talents[2]["id"], SPAM)
    assert refused.status == 429 and refused.error_code == "RATE_LIMITED"
    # Allowed again when the 12:59 sends leave the window: at 13:59.
    assert refused.headers["Retry-After"] == str(58 * 60 + 1)
    assert count_items("thread") == 2
    assert count_items("message") == 2
    assert {t["about"]["id"] for t in api.get("/v1/threads", as_user=CUSTOMER).body["items"]} == {
        talents[0]["id"],
        talents[1]["id"],
    }
    # Someone already counted may get it again.
    assert inquiry(api, talents[1]["id"], SPAM).status == 200
    assert count_items("message") == 3
    frozen_clock.advance(59 * 60)  # 14:00, 61 minutes after the first two
    # talents[1] got it again at 13:01, so one recipient is still inside the window.
    assert inquiry(api, talents[3]["id"], SPAM).status == 201
    assert count_items("thread") == 3
    assert inquiry(api, talents[2]["id"], SPAM).status == 429


def test_a_racing_send_of_the_same_body_is_read_again_not_let_through(
    api: JsonClient, frozen_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.usecases.conversations import sending

    talents = [create_talent(api, f"t{i}@example.com") for i in range(3)]
    assert inquiry(api, talents[0]["id"], SPAM).status == 201
    original = sending.read_facts
    raced: list[int] = []

    def read_then_race(*args: Any, **kwargs: Any) -> Any:
        facts = original(*args, **kwargs)
        if not raced:
            raced.append(0)
            # Another send of the body lands between this send's read and its transaction.
            raced[0] = inquiry(api, talents[1]["id"], SPAM).status
        return facts

    monkeypatch.setattr(sending, "read_facts", read_then_race)
    refused = inquiry(api, talents[2]["id"], SPAM)
    assert raced == [201]
    assert refused.status == 429 and refused.error_code == "RATE_LIMITED"
    assert count_items("thread") == 2
    assert count_items("message") == 2


def test_short_courtesies_are_not_counted_as_spam(api: JsonClient) -> None:
    talents = [create_talent(api, f"t{i}@example.com") for i in range(3)]
    for talent in talents:
        assert inquiry(api, talent["id"], "Thanks! 🙏").status == 201
    assert count_items("message") == 3


def test_reports_store_the_target_for_moderation(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    thread = inquiry(api, talent["id"], "rude words").body
    message_id = thread["last_message"]["id"]
    body = {"target": {"type": "message", "id": message_id}, "reason": "abuse"}
    created = api.post("/v1/reports", as_user=TALENT, json_body={**body, "details": "insults"})
    assert created.status == 201, created.body
    assert created.body["target"] == {"type": "message", "id": message_id}
    assert (created.body["state"], created.body["reason"], created.body["details"]) == (
        "open",
        "abuse",
        "insults",
    )
    assert created.body["reporter_id"] == user_id(api, TALENT)
    from chalicelib.models import reports

    stored = reports.get(created.body["id"])
    assert stored is not None and (stored.target_type, stored.target_id) == ("message", message_id)

    stranger = api.post("/v1/reports", as_user=STRANGER, json_body=body)
    assert stranger.status == 404
    for target in (
        {"type": "review", "id": "01JF3ZK8Q9M4X7V2B6N5T1R0YH"},
        {"type": "user", "id": "01JF3ZK8Q9M4X7V2B6N5T1R0YH"},
        {"type": "job", "id": "01JF3ZK8Q9M4X7V2B6N5T1R0YH"},
    ):
        missing = api.post(
            "/v1/reports", as_user=STRANGER, json_body={"target": target, "reason": "spam"}
        )
        assert missing.status == 404, target
    for target in (
        {"type": "user", "id": user_id(api, CUSTOMER)},
        {"type": "talent", "id": talent["id"]},
    ):
        ok = api.post("/v1/reports", as_user=STRANGER, json_body={"target": target, "reason": "x"})
        assert ok.status == 201, ok.body
    bad = api.post(
        "/v1/reports", as_user=STRANGER, json_body={"target": {"type": "planet", "id": "x"}}
    )
    assert bad.status == 400
    assert count_items("report") == 3


def test_ids_that_cannot_exist_are_404_not_500(api: JsonClient) -> None:
    huge = "X" * 3000
    for method, path, body in [
        ("GET", f"/v1/threads/{huge}", None),
        ("GET", f"/v1/threads/{huge}/messages", None),
        ("POST", f"/v1/threads/{huge}/messages", {"body": "hi"}),
        ("POST", f"/v1/threads/{huge}/read", {"up_to": "01JF3ZK8Q9M4X7V2B6N5T1R0YH"}),
        ("GET", f"/v1/threads/{huge}/attachments/{huge}", None),
        ("POST", f"/v1/me/blocks/{huge}", None),
        ("DELETE", f"/v1/me/blocks/{huge}", None),
    ]:
        reply = api.request(method, path, as_user=CUSTOMER, json_body=body)
        assert reply.status == 404, (method, path[:40], reply.status, reply.body)
    assert count_items("block") == 0
