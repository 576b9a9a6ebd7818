"""Jobs: posting (from templates), search of open jobs, invite-only visibility, invites,
cancelling; who may do what."""

from __future__ import annotations

from typing import Any

from tests.functional.deals import (
    ADMIN,
    CUSTOMER,
    STRANGER,
    TALENT,
    post_job,
    proposal_body,
    propose,
)
from tests.functional.factories import create_talent
from tests.support import JsonClient


def test_a_template_gives_milestones_split_from_the_budget(api: JsonClient) -> None:
    job = post_job(api, template="nextjs-site")
    amounts = [m["amount"] for m in job["milestones"]]
    assert sum(a["amount"] for a in amounts) == 3000
    assert {a["currency"] for a in amounts} == {"USD"}
    assert all(m["dod"] for m in job["milestones"])
    unknown = api.post(
        "/v1/jobs", as_user=CUSTOMER, json_body={**_body(), "template": "no-such-template"}
    )
    assert unknown.status == 400


def _body(**overrides: Any) -> dict[str, Any]:
    from tests.functional.deals import job_body

    return job_body(**overrides)


def test_search_open_jobs_by_words_category_and_skills(api: JsonClient, frozen_clock: Any) -> None:
    web = post_job(api, title="Shopify store for a perfume brand", skills=["shopify", "liquid"])
    frozen_clock.advance(1)
    data = post_job(
        api,
        title="Data pipeline from our POS",
        category="development.data",
        skills=["python", "airflow"],
        description="Move daily sales from the point-of-sale system into BigQuery reliably.",
    )
    frozen_clock.advance(1)
    post_job(api, title="Secret project for invited people", visibility="invite_only")

    def ids(query: str) -> list[str]:
        reply = api.get(f"/v1/jobs{query}")
        assert reply.status == 200, reply.body
        return [job["id"] for job in reply.body["items"]]

    assert ids("") == [data["id"], web["id"]]
    assert ids("?q=perfume") == [web["id"]]
    assert ids("?q=bigquery%20sales") == [data["id"]]
    assert ids("?category=development") == [data["id"], web["id"]]
    assert ids("?category=development.data") == [data["id"]]
    assert ids("?skills=shopify,liquid") == [web["id"]]
    assert ids("?skills=shopify,python") == []
    assert api.get("/v1/jobs?category=nonsense").status == 400
    first = api.get("/v1/jobs?limit=1").body
    assert [j["id"] for j in first["items"]] == [data["id"]]
    rest = api.get(f"/v1/jobs?limit=1&cursor={first['next_cursor']}").body
    assert [j["id"] for j in rest["items"]] == [web["id"]]


def test_invite_only_jobs_are_seen_by_owner_invited_talent_and_admins(api: JsonClient) -> None:
    invited = create_talent(api, TALENT)
    create_talent(api, "other.talent@example.com")
    job = post_job(api, visibility="invite_only")
    assert api.get(f"/v1/jobs/{job['id']}").status == 404
    assert api.get(f"/v1/jobs/{job['id']}", as_user=TALENT).status == 404
    assert api.get(f"/v1/jobs/{job['id']}", as_user=ADMIN).status == 200
    refused = api.post(
        f"/v1/jobs/{job['id']}/invites", as_user=STRANGER, json_body={"talent_id": invited["id"]}
    )
    assert refused.status == 404
    invite = api.post(
        f"/v1/jobs/{job['id']}/invites", as_user=CUSTOMER, json_body={"talent_id": invited["id"]}
    )
    assert invite.status == 201, invite.body
    assert api.get(f"/v1/jobs/{job['id']}", as_user=TALENT).status == 200
    assert api.get(f"/v1/jobs/{job['id']}", as_user="other.talent@example.com").status == 404
    proposal = propose(api, job["id"])
    assert proposal["state"] == "submitted"
    uninvited = api.post(
        f"/v1/jobs/{job['id']}/proposals",
        as_user="other.talent@example.com",
        json_body=proposal_body(),
    )
    assert uninvited.status == 404


def test_only_talent_propose_and_not_on_their_own_job(api: JsonClient) -> None:
    job = post_job(api)
    no_profile = api.post(
        f"/v1/jobs/{job['id']}/proposals", as_user=STRANGER, json_body=proposal_body()
    )
    assert no_profile.status == 403
    create_talent(api, CUSTOMER)
    own = api.post(f"/v1/jobs/{job['id']}/proposals", as_user=CUSTOMER, json_body=proposal_body())
    assert own.status == 403
    mixed = proposal_body()
    mixed["milestones"][1]["amount"]["currency"] = "IQD"
    create_talent(api, TALENT)
    assert (
        api.post(f"/v1/jobs/{job['id']}/proposals", as_user=TALENT, json_body=mixed).status == 400
    )


def test_cancelling_a_job_closes_it_to_proposals(api: JsonClient) -> None:
    create_talent(api, TALENT)
    job = post_job(api)
    assert api.delete(f"/v1/jobs/{job['id']}", as_user=STRANGER).status == 403
    cancelled = api.delete(f"/v1/jobs/{job['id']}", as_user=CUSTOMER)
    assert cancelled.status == 200 and cancelled.body["state"] == "cancelled"
    assert api.get("/v1/jobs").body["items"] == []
    late = api.post(f"/v1/jobs/{job['id']}/proposals", as_user=TALENT, json_body=proposal_body())
    assert late.status == 409
    mine = api.get("/v1/me/jobs", as_user=CUSTOMER).body["items"]
    assert [j["state"] for j in mine] == ["cancelled"]


def test_parties_only_see_contracts_and_milestones(api: JsonClient, frozen_clock: Any) -> None:
    from tests.functional.deals import contract

    deal = contract(api, amounts=(1000,))
    milestone = deal["milestones"][0]["id"]
    for path in (f"/v1/contracts/{deal['id']}", f"/v1/milestones/{milestone}"):
        assert api.get(path, as_user=STRANGER).status == 404
        assert api.get(path, as_user=ADMIN).status == 200
        assert api.get(path, as_user=TALENT).status == 200
    proposal_id = deal["proposal_id"]
    assert api.get(f"/v1/proposals/{proposal_id}", as_user=STRANGER).status == 404
    assert api.get(f"/v1/proposals/{proposal_id}", as_user=CUSTOMER).body["state"] == "accepted"
    events = api.get(f"/v1/contracts/{deal['id']}/events", as_user=CUSTOMER).body["items"]
    assert [e["transition"] for e in events] == ["create"]
