"""Every process subject moves through one endpoint per type, and shows its history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.handlers.subject_views import subject_json
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.transactions import (
    EventList,
    SubjectOut,
    TransitionParams,
    TransitionQuery,
)
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.models import subject_events, subjects
    from chalicelib.usecases import contracting, transitions
else:
    subjects = lazy_import("chalicelib.models.subjects")
    subject_events = lazy_import("chalicelib.models.subject_events")
    transitions = lazy_import("chalicelib.usecases.transitions")
    contracting = lazy_import("chalicelib.usecases.contracting")

api = Api(__name__, tag="transactions")

COLLECTIONS = {
    "bookings": "booking",
    "proposals": "proposal",
    "contracts": "contract",
    "milestones": "milestone",
}


def _register(collection: str, subject_type: str) -> None:
    @api.post(
        f"/v1/{collection}/{{subject_id}}/transitions/{{name}}",
        operation_id=f"transition{subject_type.title()}",
        summary=f"Take a transition of a {subject_type} (?dry_run=true checks without writing)",
        query=TransitionQuery,
        body=TransitionParams,
        body_required=False,
        response=SubjectOut,
        errors=(400, 403, 404, 409),
    )
    def take(ctx: RequestContext, subject_id: str, name: str) -> dict[str, Any]:
        caller = transitions.Caller(ctx.principal)
        outcome = transitions.apply(
            subject_type, subject_id, name, caller, ctx.body.root, dry_run=ctx.query.dry_run
        )
        body = subject_json(outcome.subject, caller)
        if outcome.dry_run:
            body["dry_run"] = True
        return body

    @api.get(
        f"/v1/{collection}/{{subject_id}}/events",
        operation_id=f"list{subject_type.title()}Events",
        summary=f"A {subject_type}'s history, oldest first",
        query=PageQuery,
        response=EventList,
        errors=(404,),
    )
    def history(ctx: RequestContext, subject_id: str) -> dict[str, Any]:
        subject = subjects.require(subject_type, subject_id)
        transitions.Caller(ctx.principal).require_party(subject)
        events, cursor = subject_events.events(
            subject_type, subject_id, limit=ctx.query.limit, cursor=ctx.query.cursor
        )
        return {"items": [event.to_json() for event in events], "next_cursor": cursor}

    take.__name__ = f"transition_{subject_type}"
    history.__name__ = f"{subject_type}_events"


for _collection, _subject_type in COLLECTIONS.items():
    _register(_collection, _subject_type)


def _party_view(subject_type: str, ctx: RequestContext, subject_id: str) -> dict[str, Any]:
    subject = subjects.require(subject_type, subject_id)
    caller = transitions.Caller(ctx.principal)
    caller.require_party(subject)
    return subject_json(subject, caller)


@api.get(
    "/v1/proposals/{proposal_id}",
    operation_id="getProposal",
    summary="A proposal (the job owner, the proposing talent, admins)",
    response=SubjectOut,
    errors=(404,),
)
def get_proposal(ctx: RequestContext, proposal_id: str) -> dict[str, Any]:
    return _party_view("proposal", ctx, proposal_id)


@api.get(
    "/v1/milestones/{milestone_id}",
    operation_id="getMilestone",
    summary="A milestone (the contract's parties, admins)",
    response=SubjectOut,
    errors=(404,),
)
def get_milestone(ctx: RequestContext, milestone_id: str) -> dict[str, Any]:
    return _party_view("milestone", ctx, milestone_id)


@api.get(
    "/v1/contracts/{contract_id}",
    operation_id="getContract",
    summary="A contract with its milestones (the two parties, admins)",
    response=SubjectOut,
    errors=(404,),
)
def get_contract(ctx: RequestContext, contract_id: str) -> dict[str, Any]:
    contract, milestones = contracting.contract_view(contract_id, ctx.principal)
    caller = transitions.Caller(ctx.principal)
    body = subject_json(contract, caller)
    body["milestones"] = [subject_json(m, caller) for m in milestones]
    return body
