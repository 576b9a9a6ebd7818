"""Conversations over HTTP: threads, messages, read receipts, masking, attachments."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.functional.deals import CUSTOMER, STRANGER, TALENT, book, system, talent_with_service
from tests.functional.factories import count_items, create_talent, verified_media
from tests.support import JsonClient

ADMIN = "admin@example.com"


def user_id(api: JsonClient, email: str) -> str:
    return str(api.get("/v1/me", as_user=email).body["id"])


def inquiry(
    api: JsonClient, talent_id: str, body: str = "Hello, are you free?", **more: Any
) -> Any:
    return api.post(
        "/v1/threads",
        as_user=more.pop("as_user", CUSTOMER),
        json_body={"about": {"type": "talent", "id": talent_id}, "body": body, **more},
    )


def test_same_people_and_about_give_the_same_thread(api: JsonClient, frozen_clock: Any) -> None:
    talent = create_talent(api, TALENT)
    first = inquiry(api, talent["id"])
    frozen_clock.advance(5)
    again = inquiry(api, talent["id"], "Still there?")
    assert (first.status, again.status) == (201, 200)
    assert again.body["id"] == first.body["id"]
    assert sorted(first.body["participants"]) == sorted(
        [user_id(api, CUSTOMER), user_id(api, TALENT)]
    )
    assert again.body["last_message"]["body"] == "Still there?"
    inbox = api.get("/v1/threads", as_user=TALENT).body["items"]
    assert [(t["id"], t["unread_count"]) for t in inbox] == [(first.body["id"], 2)]
    assert inbox[0]["last_message"]["body"] == "Still there?"
    assert api.get("/v1/threads", as_user=CUSTOMER).body["items"][0]["unread_count"] == 0


def test_inbox_orders_by_latest_activity(api: JsonClient, frozen_clock: Any) -> None:
    talents = [create_talent(api, f"t{i}@example.com") for i in range(3)]
    thread_ids = []
    for talent in talents:
        thread_ids.append(inquiry(api, talent["id"], f"Hello {talent['id']}").body["id"])
        frozen_clock.advance(10)
    api.post(f"/v1/threads/{thread_ids[0]}/messages", as_user=CUSTOMER, json_body={"body": "up"})
    listed = [t["id"] for t in api.get("/v1/threads", as_user=CUSTOMER).body["items"]]
    assert listed == [thread_ids[0], thread_ids[2], thread_ids[1]]


def test_twenty_simultaneous_first_messages_make_one_thread(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    user_id(api, CUSTOMER)  # provisioned before the race: the race is about the thread

    def send(index: int) -> int:
        return int(inquiry(api, talent["id"], f"hello number {index}").status)

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, range(20)))
    assert sorted(statuses) == [200] * 19 + [201]
    assert count_items("thread") == 1
    assert count_items("message") == 20
    thread = api.get("/v1/threads", as_user=TALENT).body["items"][0]
    assert thread["unread_count"] == 20


def test_messages_newest_first_with_cursor_pages(api: JsonClient, frozen_clock: Any) -> None:
    talent = create_talent(api, TALENT)
    thread_id = inquiry(api, talent["id"], "message 0").body["id"]
    for index in range(1, 5):
        frozen_clock.advance(1)
        sender = TALENT if index % 2 else CUSTOMER
        reply = api.post(
            f"/v1/threads/{thread_id}/messages",
            as_user=sender,
            json_body={"body": f"message {index}"},
        )
        assert reply.status == 201, reply.body
        assert reply.body["sender_id"] == user_id(api, sender)
    seen: list[str] = []
    cursor = None
    while True:
        suffix = f"&cursor={cursor}" if cursor else ""
        page = api.get(f"/v1/threads/{thread_id}/messages?limit=2{suffix}", as_user=TALENT).body
        seen.extend(m["body"] for m in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"message {i}" for i in (4, 3, 2, 1, 0)]


def test_bodies_are_unicode_safe_and_bounded(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    arabic = ("مرحبا 👋 سڵاو " * 400)[:4999] + "✓"  # 5 000 code points: Arabic, Kurdish, emoji
    created = inquiry(api, talent["id"], arabic)
    assert created.status == 201, created.body
    thread_id = created.body["id"]
    stored = api.get(f"/v1/threads/{thread_id}/messages", as_user=TALENT).body["items"]
    assert stored[0]["body"] == arabic
    for bad in ("", "   ", "x" * 5001):
        refused = api.post(
            f"/v1/threads/{thread_id}/messages", as_user=CUSTOMER, json_body={"body": bad}
        )
        assert refused.status == 400 and refused.error_code == "VALIDATION_ERROR"
    assert count_items("message") == 1


def test_threads_about_a_booking_are_for_its_parties_only(api: JsonClient) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    about = {"type": "booking", "id": booking["id"]}
    stranger = api.post("/v1/threads", as_user=STRANGER, json_body={"about": about, "body": "hi"})
    assert stranger.status == 404
    opened = api.post("/v1/threads", as_user=TALENT, json_body={"about": about, "body": "hi"})
    assert opened.status == 201, opened.body
    assert count_items("thread") == 1
    missing = api.post(
        "/v1/threads",
        as_user=CUSTOMER,
        json_body={"about": {"type": "booking", "id": "01JF3ZK8Q9M4X7V2B6N5T1R0YH"}, "body": "x"},
    )
    assert missing.status == 404


def test_a_stranger_gets_404_everywhere_and_an_admin_reads(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    media_id = verified_media(api, CUSTOMER, purpose="attachment", content_type="application/pdf")
    thread = inquiry(api, talent["id"], attachments=[media_id]).body
    thread_id = thread["id"]
    message_id = thread["last_message"]["id"]
    base = f"/v1/threads/{thread_id}"
    for method, path, body in [
        ("GET", base, None),
        ("GET", f"{base}/messages", None),
        ("POST", f"{base}/messages", {"body": "let me in"}),
        ("POST", f"{base}/read", {"up_to": message_id}),
        ("GET", f"{base}/attachments/{media_id}", None),
    ]:
        reply = api.request(method, path, as_user=STRANGER, json_body=body)
        assert reply.status == 404, (path, reply.body)
    assert api.get(f"/v1/media/{media_id}", as_user=STRANGER).status == 404
    assert count_items("message") == 1
    assert api.get(base, as_user=TALENT).body["read_up_to"][user_id(api, TALENT)] is None
    assert api.get(base, as_user=ADMIN).status == 200
    assert len(api.get(f"{base}/messages", as_user=ADMIN).body["items"]) == 1


def test_attachments_are_for_both_participants(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    mine = verified_media(api, CUSTOMER, purpose="attachment", content_type="application/pdf")
    thread = inquiry(api, talent["id"], attachments=[mine]).body
    assert thread["last_message"]["attachments"] == [mine]
    for who in (CUSTOMER, TALENT):
        download = api.get(f"/v1/threads/{thread['id']}/attachments/{mine}", as_user=who)
        assert download.status == 200, download.body
        assert download.body["download_url"]
    # The recipient reaches it through the thread, not as someone else's media.
    assert api.get(f"/v1/media/{mine}", as_user=TALENT).status == 404


def test_attachments_must_be_my_own_verified_attachment_uploads(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    thread_id = inquiry(api, talent["id"]).body["id"]
    theirs = verified_media(api, STRANGER, purpose="attachment", content_type="application/pdf")
    portfolio = verified_media(api, CUSTOMER, purpose="portfolio")
    too_many = [f"01JF3ZK8Q9M4X7V2B6N5T1R0{i:02d}" for i in range(11)]
    for attachments in ([theirs], [portfolio], ["01JF3ZK8Q9M4X7V2B6N5T1R0YH"], too_many):
        reply = api.post(
            f"/v1/threads/{thread_id}/messages",
            as_user=CUSTOMER,
            json_body={"body": "see attached", "attachments": attachments},
        )
        assert reply.status == 400, reply.body
    assert count_items("message") == 1
    assert count_items("thread_attachment") == 0


def test_read_receipts_move_forward_only(api: JsonClient, frozen_clock: Any) -> None:
    talent = create_talent(api, TALENT)
    thread = inquiry(api, talent["id"], "one").body
    first = thread["last_message"]["id"]
    frozen_clock.advance(1)
    second = api.post(
        f"/v1/threads/{thread['id']}/messages", as_user=CUSTOMER, json_body={"body": "two"}
    ).body["id"]
    talent_user = user_id(api, TALENT)
    read = api.post(f"/v1/threads/{thread['id']}/read", as_user=TALENT, json_body={"up_to": second})
    assert read.status == 200, read.body
    assert read.body["read_up_to"][talent_user] == second
    assert read.body["unread_count"] == 0
    back = api.post(f"/v1/threads/{thread['id']}/read", as_user=TALENT, json_body={"up_to": first})
    assert back.status == 200
    seen_by_customer = api.get(f"/v1/threads/{thread['id']}", as_user=CUSTOMER).body
    assert seen_by_customer["read_up_to"][talent_user] == second
    assert api.get("/v1/threads", as_user=TALENT).body["items"][0]["unread_count"] == 0
    foreign = api.post(
        f"/v1/threads/{thread['id']}/read", as_user=TALENT, json_body={"up_to": "01JF3ZK8Q9M4"}
    )
    assert foreign.status == 400


def test_contacts_are_masked_until_a_paid_relation(api: JsonClient, lambdas: Any) -> None:
    _, service = talent_with_service(api)
    booking = book(api, service["id"])
    about = {"type": "booking", "id": booking["id"]}
    before = api.post(
        "/v1/threads",
        as_user=CUSTOMER,
        json_body={"about": about, "body": "call me on 0770 123 4567"},
    )
    assert before.status == 201
    assert before.body["last_message"]["body"] == "call me on [contact hidden]"
    assert before.body["last_message"]["masked"] is True
    stored = api.get(f"/v1/threads/{before.body['id']}/messages", as_user=TALENT).body["items"]
    assert "0770" not in stored[0]["body"]

    take_accept = api.post(
        f"/v1/bookings/{booking['id']}/transitions/accept", as_user=TALENT, json_body=None
    )
    assert take_accept.status == 200, take_accept.body
    outcome = system("booking", booking["id"], "payment_succeeded")
    deliver_transition_event(lambdas, outcome)
    after = api.post(
        f"/v1/threads/{before.body['id']}/messages",
        as_user=CUSTOMER,
        json_body={"body": "call me on 0770 123 4567"},
    )
    assert after.status == 201
    assert (after.body["body"], after.body["masked"]) == ("call me on 0770 123 4567", False)


def deliver_transition_event(lambdas: Any, outcome: Any) -> None:
    """The conversations worker receives the transition's domain event from its queue."""
    from chalicelib.usecases import transitions

    detail = transitions.event_detail(outcome.subject, outcome.event)
    event = {"detail-type": "process.transition", "detail": detail, "id": outcome.event.id}
    sqs = lambdas.events.generate_sqs_event(
        queue_name="marketplace-conversations", message_bodies=[__import__("json").dumps(event)]
    )
    result = lambdas.lambda_.invoke("conversations_worker", sqs)
    assert result.payload == {"batchItemFailures": []}
