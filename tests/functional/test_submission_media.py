"""A milestone's `attachments` are the submitting talent's own verified attachment media,
at most 20, each once: anything else is a 400 that changes nothing, so the domain event
stays far below EventBridge's 256 KB. Someone else's media, an unknown id and an
unverified one get the same answer (400, "not one of your verified attachments"): the
refusal does not tell whether another user's media exists."""

from __future__ import annotations

from typing import Any

from chalicelib.models import subjects
from tests.functional.deals import CUSTOMER, TALENT, contract, system, take
from tests.functional.factories import pending_media, verified_media
from tests.support import JsonClient

ULID_LIKE = "01J00000000000000000000000"


def _funded_milestone(api: JsonClient) -> str:
    deal = contract(api)
    milestone_id = str(deal["milestones"][0]["id"])
    system("milestone", milestone_id, "payment_succeeded", payment_id="p")
    return milestone_id


def _refused(api: JsonClient, milestone_id: str, attachments: Any) -> None:
    before = subjects.require("milestone", milestone_id)
    reply = take(
        api, "milestones", milestone_id, "submit", TALENT, note="done", attachments=attachments
    )
    assert reply.status == 400, reply.body
    assert reply.error_code == "VALIDATION_ERROR", reply.body
    after = subjects.require("milestone", milestone_id)
    assert (
        (after.state, after.version) == (before.state, before.version) == ("funded", before.version)
    )


def test_only_own_verified_attachments_at_most_20_each_once(api: JsonClient) -> None:
    milestone_id = _funded_milestone(api)
    mine = [verified_media(api, TALENT, purpose="attachment") for _ in range(2)]
    theirs = verified_media(api, CUSTOMER, purpose="attachment")
    unverified = pending_media(api, TALENT, "attachment", "image/png")
    avatar = verified_media(api, TALENT, purpose="avatar")

    _refused(api, milestone_id, [mine[0]] * 21)
    _refused(api, milestone_id, [f"{ULID_LIKE[:-2]}{n:02d}" for n in range(21)])
    _refused(api, milestone_id, [mine[0], mine[0]])
    _refused(api, milestone_id, [mine[0], theirs])
    _refused(api, milestone_id, [ULID_LIKE])
    _refused(api, milestone_id, [unverified])
    _refused(api, milestone_id, [avatar])
    _refused(api, milestone_id, ["x" * 5000])

    done = take(api, "milestones", milestone_id, "submit", TALENT, note="done", attachments=mine)
    assert done.status == 200, done.body
    assert done.body["state"] == "submitted"
    events = api.get(f"/v1/milestones/{milestone_id}/events", as_user=CUSTOMER).body["items"]
    assert events[-1]["params"]["attachments"] == mine
