"""One-call setups for bookings, jobs, proposals, contracts and milestones, and the system's
transitions fired in process (no user may take them over HTTP)."""

from __future__ import annotations

from typing import Any

from tests.functional.factories import create_service, create_talent
from tests.support import JsonClient

TALENT = "talent@example.com"
CUSTOMER = "customer@example.com"
STRANGER = "stranger@example.com"
ADMIN = "admin@example.com"
START = "2026-12-10T18:00:00Z"


def talent_with_service(
    api: JsonClient, email: str = TALENT, **service: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    talent = create_talent(api, email)
    return talent, create_service(api, email, talent["id"], **service)


def book(
    api: JsonClient, service_id: str, customer: str = CUSTOMER, start: str = START, **more: Any
) -> dict[str, Any]:
    reply = api.post(
        "/v1/bookings",
        as_user=customer,
        json_body={"service_id": service_id, "start": start, **more},
    )
    assert reply.status == 201, reply.body
    return dict(reply.body)


def take(
    api: JsonClient, kind: str, subject_id: str, name: str, as_user: str, **params: Any
) -> Any:
    return api.post(
        f"/v1/{kind}/{subject_id}/transitions/{name}",
        as_user=as_user,
        json_body=params or None,
    )


def system(subject_type: str, subject_id: str, name: str, **params: Any) -> Any:
    from chalicelib.usecases import transitions

    return transitions.apply(subject_type, subject_id, name, transitions.SYSTEM, params)


def job_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Build our booking website",
        "description": "A Next.js site for a wedding venue with a booking form and gallery.",
        "category": "development.web",
        "skills": ["nextjs", "typescript"],
        "budget": {
            "type": "fixed",
            "min": {"amount": 1000, "currency": "USD"},
            "max": {"amount": 3000, "currency": "USD"},
        },
        "visibility": "public",
    }
    body.update(overrides)
    return body


def proposal_body(amounts: tuple[int, ...] = (1000, 2000), **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cover": "I have built ten venue sites; here is how I would do yours.",
        "milestones": [
            {
                "title": f"Milestone {index}",
                "amount": {"amount": amount, "currency": "USD"},
                "due_date": f"2026-12-{10 + index:02d}",
                "dod": ["deployed to staging"],
            }
            for index, amount in enumerate(amounts, start=1)
        ],
        "delivery_days": 30,
    }
    body.update(overrides)
    return body


def post_job(api: JsonClient, owner: str = CUSTOMER, **overrides: Any) -> dict[str, Any]:
    reply = api.post("/v1/jobs", as_user=owner, json_body=job_body(**overrides))
    assert reply.status == 201, reply.body
    return dict(reply.body)


def propose(
    api: JsonClient, job_id: str, talent_email: str = TALENT, **overrides: Any
) -> dict[str, Any]:
    reply = api.post(
        f"/v1/jobs/{job_id}/proposals", as_user=talent_email, json_body=proposal_body(**overrides)
    )
    assert reply.status == 201, reply.body
    return dict(reply.body)


def contract(api: JsonClient, amounts: tuple[int, ...] = (1000, 2000)) -> dict[str, Any]:
    """A job, a talent's proposal, accepted: the contract with its milestones."""
    create_talent(api, TALENT)
    job = post_job(api)
    proposal = propose(api, job["id"], amounts=amounts)
    accepted = take(api, "proposals", proposal["id"], "accept", CUSTOMER)
    assert accepted.status == 200, accepted.body
    reply = api.get(f"/v1/contracts/{accepted.body['contract_id']}", as_user=CUSTOMER)
    assert reply.status == 200, reply.body
    return dict(reply.body)
