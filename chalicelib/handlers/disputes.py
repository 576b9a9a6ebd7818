"""Disputes: reading them, evidence, offers, escalation, and the admin's list and decision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.disputes import (
    DecisionCreate,
    DisputeList,
    DisputeOut,
    DisputeQueueQuery,
    EvidenceCreate,
    OfferCreate,
)
from chalicelib.schemas.transactions import EventList
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.models.dispute_items import Dispute
    from chalicelib.models.subjects import Subject
    from chalicelib.usecases.disputes import acting, reading
else:
    acting = lazy_import("chalicelib.usecases.disputes.acting")
    reading = lazy_import("chalicelib.usecases.disputes.reading")

api = Api(__name__, tag="disputes")


def _money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


def serialize(subject: Subject, dispute: Dispute | None = None) -> dict[str, Any]:
    data = subject.data
    body: dict[str, Any] = {
        "id": subject.id,
        "subject": data["subject"],
        "opened_by": data["opened_by"],
        "opener_role": data["opener_role"],
        "customer_id": subject.customer_id,
        "talent_user_id": subject.talent_user_id,
        "category": data["category"],
        "reason": data["reason"],
        "state": subject.state,
        "version": subject.version,
        "amount_in_dispute": data["amount_in_dispute"],
        "response_due_at": data["response_due_at"],
        "decision_due_at": data.get("decision_due_at"),
        "created_at": clock.to_rfc3339(subject.created_at),
        "evidence": [],
        "offers": [],
        "outcome": data.get("outcome"),
    }
    if dispute is not None:
        body["evidence"] = [
            {
                "id": e.id,
                "author_id": e.author_id,
                "note": e.note,
                "media_ids": list(e.media_ids),
                "messages": e.messages,
                "created_at": clock.to_rfc3339(e.created_at),
            }
            for e in sorted(dispute.evidence, key=lambda e: e.id)
        ]
        body["offers"] = [
            {
                "id": o.id,
                "by_user_id": o.by_user_id,
                "refund_amount": _money(o.refund_amount, o.currency),
                "state": o.state,
                "created_at": clock.to_rfc3339(o.created_at),
            }
            for o in sorted(dispute.offers, key=lambda o: o.id)
        ]
    return body


def _full(dispute: Dispute) -> dict[str, Any]:
    return serialize(dispute.subject, dispute)


@api.get(
    "/v1/disputes",
    operation_id="listDisputes",
    summary="My disputes, as either party, newest first",
    query=PageQuery,
    response=DisputeList,
    errors=(400,),
)
def list_disputes(ctx: RequestContext) -> dict[str, Any]:
    found, cursor = reading.mine(ctx.principal, ctx.query.limit, ctx.query.cursor)
    return {"items": [serialize(s) for s in found], "next_cursor": cursor}


@api.get(
    "/v1/disputes/{dispute_id}",
    operation_id="getDispute",
    summary="A dispute with its evidence and offers (the two parties, admins)",
    response=DisputeOut,
    errors=(404,),
)
def get_dispute(ctx: RequestContext, dispute_id: str) -> dict[str, Any]:
    return _full(reading.view(dispute_id, ctx.principal))


@api.get(
    "/v1/disputes/{dispute_id}/events",
    operation_id="listDisputeEvents",
    summary="A dispute's history, oldest first",
    query=PageQuery,
    response=EventList,
    errors=(404,),
)
def dispute_events(ctx: RequestContext, dispute_id: str) -> dict[str, Any]:
    events, cursor = reading.history(dispute_id, ctx.principal, ctx.query.limit, ctx.query.cursor)
    return {"items": [event.to_json() for event in events], "next_cursor": cursor}


@api.post(
    "/v1/disputes/{dispute_id}/evidence",
    operation_id="addDisputeEvidence",
    summary="A party's evidence: a note, their own verified media (purpose evidence), "
    "messages of the subject's thread (copied)",
    body=EvidenceCreate,
    response=DisputeOut,
    status=201,
    errors=(400, 403, 404, 409),
)
def post_evidence(ctx: RequestContext, dispute_id: str) -> dict[str, Any]:
    body: EvidenceCreate = ctx.body
    return _full(
        acting.add_evidence(
            ctx.principal, dispute_id, body.note, list(body.media_ids), list(body.message_ids)
        )
    )


@api.post(
    "/v1/disputes/{dispute_id}/offers",
    operation_id="makeDisputeOffer",
    summary="A party offers a refund (0 … the amount in dispute); it replaces their open offer",
    body=OfferCreate,
    response=DisputeOut,
    status=201,
    errors=(400, 403, 404, 409),
)
def post_offer(ctx: RequestContext, dispute_id: str) -> dict[str, Any]:
    body: OfferCreate = ctx.body
    return _full(acting.make_offer(ctx.principal, dispute_id, body.refund_amount.model_dump()))


@api.post(
    "/v1/disputes/{dispute_id}/offers/{offer_id}/accept",
    operation_id="acceptDisputeOffer",
    summary="The other party accepts an open offer: resolved by agreement",
    response=DisputeOut,
    errors=(403, 404, 409),
)
def accept_offer(ctx: RequestContext, dispute_id: str, offer_id: str) -> dict[str, Any]:
    return _full(acting.accept_offer(ctx.principal, dispute_id, offer_id))


@api.post(
    "/v1/disputes/{dispute_id}/escalate",
    operation_id="escalateDispute",
    summary="A party escalates to an admin, 72 h after the opening without agreement",
    response=DisputeOut,
    errors=(403, 404, 409),
)
def escalate(ctx: RequestContext, dispute_id: str) -> dict[str, Any]:
    return _full(acting.escalate(ctx.principal, dispute_id))


@api.get(
    "/v1/admin/disputes",
    operation_id="listAdminDisputes",
    summary="Disputes in a state (default escalated), the nearest deadline first",
    auth="admin",
    query=DisputeQueueQuery,
    response=DisputeList,
    errors=(400, 403),
)
def admin_disputes(ctx: RequestContext) -> dict[str, Any]:
    query: DisputeQueueQuery = ctx.query
    found, cursor = reading.admin_queue(ctx.principal, query.state, query.limit, query.cursor)
    return {"items": [serialize(s) for s in found], "next_cursor": cursor}


@api.post(
    "/v1/admin/disputes/{dispute_id}/decide",
    operation_id="decideDispute",
    summary="An admin decides an escalated dispute: the refund, the rest to the talent",
    auth="admin",
    body=DecisionCreate,
    response=DisputeOut,
    errors=(400, 403, 404, 409),
)
def decide(ctx: RequestContext, dispute_id: str) -> dict[str, Any]:
    body: DecisionCreate = ctx.body
    return _full(
        acting.decide(ctx.principal, dispute_id, body.refund_amount.model_dump(), body.note)
    )
