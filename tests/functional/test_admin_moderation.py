"""The moderation queue: reports of every target type, oldest first in cursor pages; a
decision (dismiss, hide, suspend_user, restore) moves the report out of the open queue
once, changes its target, and writes its audit entries in the same transaction."""

from __future__ import annotations

from typing import Any

from tests.functional.conftest import ADMIN_EMAIL
from tests.functional.deals import CUSTOMER, STRANGER, TALENT, post_job
from tests.functional.factories import count_items, create_talent, verified_media
from tests.functional.reviewing import completed_booking, review
from tests.support import JsonClient

ADMIN = ADMIN_EMAIL


def report(
    api: JsonClient, who: str, target_type: str, target_id: str, reason: str = "spam"
) -> str:
    reply = api.post(
        "/v1/reports",
        as_user=who,
        json_body={"target": {"type": target_type, "id": target_id}, "reason": reason},
    )
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def decide(api: JsonClient, report_id: str, action: str, note: str = "checked") -> Any:
    return api.post(
        f"/v1/admin/reports/{report_id}/decide",
        as_user=ADMIN,
        json_body={"action": action, "note": note},
    )


def queue(api: JsonClient, state: str = "open", **params: Any) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in {"state": state, **params}.items())
    reply = api.get(f"/v1/admin/reports?{query}", as_user=ADMIN)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def audit_of(api: JsonClient, target: str) -> list[dict[str, Any]]:
    reply = api.get(f"/v1/admin/audit?target={target}", as_user=ADMIN)
    assert reply.status == 200, reply.body
    return list(reply.body["items"])


def search_ids(api: JsonClient) -> list[str]:
    return [card["id"] for card in api.get("/v1/search/talent").body["items"]]


def test_reports_of_every_type_need_an_existing_target(api: JsonClient) -> None:
    for target_type in ("user", "talent", "message", "review", "media", "job"):
        missing = api.post(
            "/v1/reports",
            as_user=STRANGER,
            json_body={
                "target": {"type": target_type, "id": "01JDNOTHEREXXXXXXXXXXXXXXX"},
                "reason": "x",
            },
        )
        assert missing.status == 404, (target_type, missing.body)
    assert count_items("report") == 0


def test_the_queue_is_oldest_first_in_pages_and_a_hide_takes_a_talent_away(
    api: JsonClient, frozen_clock: Any
) -> None:

    talent = create_talent(api, TALENT)
    assert search_ids(api) == [talent["id"]]
    first = report(api, CUSTOMER, "talent", talent["id"], "fake profile")
    frozen_clock.advance(60)
    second = report(api, STRANGER, "talent", talent["id"], "spam")
    page = api.get("/v1/admin/reports?state=open&limit=1", as_user=ADMIN).body
    assert [r["id"] for r in page["items"]] == [first] and page["next_cursor"]
    rest = api.get(
        f"/v1/admin/reports?state=open&limit=1&cursor={page['next_cursor']}", as_user=ADMIN
    )
    assert [r["id"] for r in rest.body["items"]] == [second]
    assert rest.body["items"][0]["target"] == {"type": "talent", "id": talent["id"]}

    bad = api.post(
        f"/v1/admin/reports/{first}/decide",
        as_user=ADMIN,
        json_body={"action": "burn", "note": "x"},
    )
    assert bad.status == 400 and [r["id"] for r in queue(api)] == [first, second]

    hidden = decide(api, first, "hide", "impersonation")
    assert hidden.status == 200, hidden.body
    assert hidden.body["state"] == "decided" and hidden.body["decision"] == "hide"
    assert [r["id"] for r in queue(api)] == [second]
    assert [r["id"] for r in queue(api, "decided")] == [first]
    for who in (CUSTOMER, STRANGER):
        assert api.get(f"/v1/talent/{talent['id']}", as_user=who).status == 404
    assert api.get(f"/v1/talent/{talent['id']}").status == 404
    own = api.get(f"/v1/talent/{talent['id']}", as_user=TALENT)
    assert own.status == 200 and own.body["hidden"] is True
    assert api.get(f"/v1/talent/{talent['id']}", as_user=ADMIN).body["hidden"] is True
    assert search_ids(api) == []

    again = decide(api, first, "dismiss")
    assert again.status == 409
    assert [r["decision"] for r in queue(api, "decided")] == ["hide"]

    # The second report of the same talent: hiding what is hidden changes nothing more.
    assert decide(api, second, "hide").status == 200
    assert queue(api) == []
    actions = [e["action"] for e in audit_of(api, f"talent:{talent['id']}")]
    assert actions == ["content.hide"]
    decided = [e["action"] for e in audit_of(api, f"report:{first}")]
    assert decided == ["report.decide"]


def test_a_hidden_message_is_gone_for_the_recipient_and_marked_for_its_sender(
    api: JsonClient,
) -> None:
    talent = create_talent(api, TALENT)
    thread = api.post(
        "/v1/threads",
        as_user=CUSTOMER,
        json_body={"about": {"type": "talent", "id": talent["id"]}, "body": "Hello, are you free?"},
    )
    assert thread.status == 201, thread.body
    thread_id = thread.body["id"]
    rude = api.post(
        f"/v1/threads/{thread_id}/messages", as_user=CUSTOMER, json_body={"body": "rude words"}
    ).body
    report_id = report(api, TALENT, "message", rude["id"], "abuse")
    assert decide(api, report_id, "hide").status == 200
    seen_by_talent = api.get(f"/v1/threads/{thread_id}/messages", as_user=TALENT).body["items"]
    assert rude["id"] not in [m["id"] for m in seen_by_talent] and seen_by_talent
    seen_by_sender = api.get(f"/v1/threads/{thread_id}/messages", as_user=CUSTOMER).body["items"]
    mine = next(m for m in seen_by_sender if m["id"] == rude["id"])
    assert mine["hidden"] is True
    assert [e["after"] for e in audit_of(api, f"message:{rude['id']}")] == [{"hidden": True}]
    # It was the thread's last message: the previews follow.
    assert api.get(f"/v1/threads/{thread_id}", as_user=TALENT).body["last_message"] is None
    (listed,) = api.get("/v1/threads", as_user=TALENT).body["items"]
    assert listed["last_message"] is None
    own = api.get(f"/v1/threads/{thread_id}", as_user=CUSTOMER).body["last_message"]
    assert own["id"] == rude["id"] and own["hidden"] is True
    # A later message replaces the preview as usual.
    api.post(f"/v1/threads/{thread_id}/messages", as_user=CUSTOMER, json_body={"body": "sorry"})
    preview = api.get(f"/v1/threads/{thread_id}", as_user=TALENT).body["last_message"]
    assert preview["body"] == "sorry"


def test_hidden_jobs_and_media_are_gone_for_others(api: JsonClient) -> None:
    job = post_job(api, CUSTOMER)
    media_id = verified_media(api, TALENT)
    job_report = report(api, STRANGER, "job", job["id"])
    media_report = report(api, STRANGER, "media", media_id)
    assert decide(api, job_report, "hide").status == 200
    assert decide(api, media_report, "hide").status == 200
    assert api.get(f"/v1/jobs/{job['id']}", as_user=STRANGER).status == 404
    assert job["id"] not in [j["id"] for j in api.get("/v1/jobs").body["items"]]
    own_job = api.get(f"/v1/jobs/{job['id']}", as_user=CUSTOMER)
    assert own_job.status == 200 and own_job.body["hidden"] is True
    assert api.get(f"/v1/media/{media_id}", as_user=STRANGER).status == 404
    own_media = api.get(f"/v1/media/{media_id}", as_user=TALENT)
    assert own_media.status == 200 and own_media.body["hidden"] is True


def test_a_hidden_review_appeals_back_to_the_queue_and_is_restored(
    api: JsonClient, frozen_clock: Any
) -> None:
    booking = completed_booking(api, frozen_clock)
    by_customer = review(api, CUSTOMER, booking["id"], rating=1).body
    assert review(api, TALENT, booking["id"], rating=5).status == 201
    talent_id = booking["talent_id"]
    assert api.get(f"/v1/talent/{talent_id}").body["rating_count"] == 1
    report_id = report(api, TALENT, "review", by_customer["id"], "insulting")
    assert decide(api, report_id, "hide").status == 200
    assert api.get(f"/v1/reviews/{by_customer['id']}", as_user=STRANGER).status == 404
    assert api.get(f"/v1/talent/{talent_id}").body["rating_count"] == 0

    appeal = api.post(
        f"/v1/reviews/{by_customer['id']}/appeal", as_user=CUSTOMER, json_body={"reason": "fair"}
    )
    assert appeal.status == 201, appeal.body
    (queued,) = queue(api)
    assert queued["appeal"] is True and queued["target"]["id"] == by_customer["id"]
    restored = decide(api, queued["id"], "restore", "upheld")
    assert restored.status == 200, restored.body
    assert api.get(f"/v1/reviews/{by_customer['id']}", as_user=STRANGER).status == 200
    assert api.get(f"/v1/talent/{talent_id}").body["rating_count"] == 1
    restore_again = report(api, STRANGER, "review", by_customer["id"])
    refused = decide(api, restore_again, "restore")
    assert refused.status == 409
    assert [r["id"] for r in queue(api)] == [restore_again]


def test_suspend_user_suspends_the_owner_of_the_reported_content(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    report_id = report(api, CUSTOMER, "talent", talent["id"], "scam")
    assert decide(api, report_id, "suspend_user", "scammer").status == 200
    refused = api.patch("/v1/me", as_user=TALENT, json_body={"display_name": "Back"})
    assert refused.status == 403 and refused.error_code == "ACCOUNT_SUSPENDED"
    assert api.get(f"/v1/talent/{talent['id']}", as_user=CUSTOMER).status == 404
    assert search_ids(api) == []
    owner = talent["user_id"]
    assert [e["action"] for e in audit_of(api, f"user:{owner}")] == ["user.suspend"]


def test_dismiss_changes_nothing_but_the_report(api: JsonClient) -> None:
    talent = create_talent(api, TALENT)
    report_id = report(api, CUSTOMER, "talent", talent["id"])
    before = api.get(f"/v1/talent/{talent['id']}", as_user=ADMIN).body
    assert decide(api, report_id, "dismiss", "fine").status == 200
    assert api.get(f"/v1/talent/{talent['id']}", as_user=ADMIN).body == before
    assert audit_of(api, f"talent:{talent['id']}") == []
    assert decide(api, "01JDNOTHEREXXXXXXXXXXXXXXX", "dismiss").status == 404
