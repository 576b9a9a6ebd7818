"""Jobs, proposals, contracts and milestones over HTTP."""

from __future__ import annotations

from typing import Any

from tests.functional.deals import (
    CUSTOMER,
    STRANGER,
    TALENT,
    contract,
    post_job,
    propose,
    system,
    take,
)
from tests.functional.factories import create_talent
from tests.support import JsonClient


def test_accepting_creates_contract_and_milestones_and_closes_job(
    api: JsonClient, frozen_clock: Any
) -> None:
    deal = contract(api, amounts=(1000, 2000, 500))
    assert deal["state"] == "active"
    assert [m["state"] for m in deal["milestones"]] == ["funding_required"] * 3
    assert [m["amount"]["amount"] for m in deal["milestones"]] == [1000, 2000, 500]
    assert deal["open_milestones"] == 3
    job = api.get(f"/v1/jobs/{deal['job_id']}").body
    assert job["state"] == "closed" and job["contract_id"] == deal["id"]
    assert api.get("/v1/jobs").body["items"] == []


def test_milestones_release_and_contract_completes(api: JsonClient, frozen_clock: Any) -> None:
    deal = contract(api, amounts=(1000, 2000))
    first, second = (m["id"] for m in deal["milestones"])
    for milestone_id in (first, second):
        system("milestone", milestone_id, "payment_succeeded", payment_id="p")
        reply = take(api, "milestones", milestone_id, "submit", TALENT, note="done")
        assert reply.status == 200, reply.body
    revised = take(api, "milestones", first, "request_revision", CUSTOMER, feedback="more")
    assert revised.body["state"] == "funded" and revised.body["revisions_used"] == 1
    take(api, "milestones", first, "submit", TALENT, note="again")
    assert take(api, "milestones", first, "accept", CUSTOMER).body["state"] == "released"
    middle = api.get(f"/v1/contracts/{deal['id']}", as_user=TALENT).body
    assert (middle["state"], middle["open_milestones"]) == ("active", 1)
    assert take(api, "milestones", second, "accept", CUSTOMER).body["state"] == "released"
    final = api.get(f"/v1/contracts/{deal['id']}", as_user=CUSTOMER).body
    assert (final["state"], final["open_milestones"], final["funded_milestones"]) == (
        "completed",
        0,
        0,
    )


def test_revisions_are_limited_by_the_contract(api: JsonClient, frozen_clock: Any) -> None:
    deal = contract(api, amounts=(1000,))
    milestone = deal["milestones"][0]["id"]
    system("milestone", milestone, "payment_succeeded")
    for _ in range(2):
        take(api, "milestones", milestone, "submit", TALENT, note="try")
        ok = take(api, "milestones", milestone, "request_revision", CUSTOMER, feedback="redo")
        assert ok.status == 200, ok.body
    take(api, "milestones", milestone, "submit", TALENT, note="third")
    refused = take(api, "milestones", milestone, "request_revision", CUSTOMER, feedback="x")
    assert refused.status == 409


def test_one_proposal_per_talent_and_privacy(api: JsonClient, frozen_clock: Any) -> None:
    create_talent(api, TALENT)
    job = post_job(api)
    propose(api, job["id"])
    again = api.post(
        f"/v1/jobs/{job['id']}/proposals",
        as_user=TALENT,
        json_body={
            "cover": "A second try at this",
            "milestones": [
                {"title": "x", "amount": {"amount": 5, "currency": "USD"}, "due_date": "2026-12-30"}
            ],
            "delivery_days": 3,
        },
    )
    assert again.status == 409
    assert len(api.get(f"/v1/jobs/{job['id']}/proposals", as_user=CUSTOMER).body["items"]) == 1
    assert len(api.get(f"/v1/jobs/{job['id']}/proposals", as_user=TALENT).body["items"]) == 1
    assert api.get(f"/v1/jobs/{job['id']}/proposals", as_user=STRANGER).body["items"] == []
