"""Evidence: a note, the caller's own verified media of purpose `evidence` (at most 20,
each once), messages of the subject's thread, copied into the dispute. The respondent's
first evidence moves the dispute to `negotiating`."""

from __future__ import annotations

from typing import Any

from tests.functional.deals import ADMIN, CUSTOMER, STRANGER, TALENT
from tests.functional.disputing import disputed_booking, get
from tests.functional.factories import pending_media, verified_media
from tests.support import JsonClient


def _post(api: JsonClient, dispute_id: str, who: str, **body: Any) -> Any:
    return api.post(f"/v1/disputes/{dispute_id}/evidence", as_user=who, json_body=body)


def test_evidence_with_own_media_and_copied_messages(api: JsonClient, frozen_clock: Any) -> None:
    booking, dispute = disputed_booking(api)
    thread = api.post(
        "/v1/threads",
        as_user=CUSTOMER,
        json_body={"about": {"type": "booking", "id": booking["id"]}, "body": "Where are you?"},
    )
    assert thread.status in (200, 201), thread.body
    message = thread.body["last_message"]
    photo = verified_media(api, CUSTOMER, purpose="evidence")
    reply = _post(
        api,
        dispute["id"],
        CUSTOMER,
        note="He never came",
        media_ids=[photo],
        message_ids=[message["id"]],
    )
    assert reply.status == 201, reply.body
    # The opener's evidence is no answer.
    assert reply.body["state"] == "awaiting_response"
    [evidence] = reply.body["evidence"]
    assert evidence["media_ids"] == [photo] and evidence["note"] == "He never came"
    [copied] = evidence["messages"]
    assert copied["body"] == "Where are you?" and copied["id"] == message["id"]
    # A later change to the message does not change what was shown.
    from chalicelib.models import keys, thread_items

    item = thread_items.MessageItem.get(
        keys.thread_pk(thread.body["id"]), keys.message_sk(message["id"])
    )
    item.update(actions=[thread_items.MessageItem.body.set("edited")])
    assert get(api, dispute["id"])["evidence"][0]["messages"][0]["body"] == "Where are you?"

    # The respondent's evidence answers: negotiating.
    answered = _post(api, dispute["id"], TALENT, note="I was there")
    assert answered.status == 201 and answered.body["state"] == "negotiating"
    events = api.get(f"/v1/disputes/{dispute['id']}/events", as_user=TALENT).body["items"]
    assert [e["transition"] for e in events] == ["create", "respond"]


def test_refused_evidence_is_400_and_stores_nothing(api: JsonClient, frozen_clock: Any) -> None:
    booking, dispute = disputed_booking(api)
    others = verified_media(api, TALENT, purpose="evidence")
    unverified = pending_media(api, CUSTOMER, purpose="evidence")
    wrong_purpose = verified_media(api, CUSTOMER, purpose="portfolio")
    mine = verified_media(api, CUSTOMER, purpose="evidence")
    for media_ids in ([others], [unverified], [wrong_purpose], [mine, mine], [mine] * 21):
        reply = _post(api, dispute["id"], CUSTOMER, note="look", media_ids=media_ids)
        assert reply.status == 400, (media_ids, reply.body)
    # A message of another thread (an inquiry about the talent) is not the subject's.
    inquiry = api.post(
        "/v1/threads",
        as_user=CUSTOMER,
        json_body={"about": {"type": "talent", "id": booking["talent_id"]}, "body": "Hello"},
    )
    assert inquiry.status in (200, 201), inquiry.body
    reply = _post(
        api, dispute["id"], CUSTOMER, note="x", message_ids=[inquiry.body["last_message"]["id"]]
    )
    assert reply.status == 400
    assert _post(api, dispute["id"], CUSTOMER, note="").status == 400
    assert _post(api, dispute["id"], STRANGER, note="me too").status == 404
    assert _post(api, dispute["id"], ADMIN, note="admin").status == 403
    after = get(api, dispute["id"])
    assert after["evidence"] == [] and after["state"] == "awaiting_response"
    assert _post(api, dispute["id"], CUSTOMER, note="fine", media_ids=[mine]).status == 201


def test_milestone_submissions_take_only_own_verified_attachments(
    api: JsonClient, frozen_clock: Any
) -> None:
    """Issue #11 point 5, already enforced by the submit transition's media_ids param."""
    from tests.functional.deals import contract, system, take

    deal = contract(api, amounts=(1000, 2000))
    milestone = deal["milestones"][0]["id"]
    system("milestone", milestone, "payment_succeeded", provider="stripe")
    theirs = verified_media(api, CUSTOMER, purpose="attachment")
    refused = take(api, "milestones", milestone, "submit", TALENT, note="x", attachments=[theirs])
    assert refused.status == 400
    assert api.get(f"/v1/milestones/{milestone}", as_user=TALENT).body["state"] == "funded"
