"""Jobs, invites and proposals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.handlers.subject_views import job_json, subject_json
from chalicelib.lazy import lazy_import
from chalicelib.schemas.common import PageQuery
from chalicelib.schemas.reference import InviteOut
from chalicelib.schemas.transactions import (
    InviteCreate,
    JobCreate,
    JobList,
    JobOut,
    JobSearchQuery,
    ProposalCreate,
    SubjectList,
    SubjectOut,
)
from chalicelib.web.router import Api, RequestContext

if TYPE_CHECKING:
    from chalicelib.usecases import contracting, transitions
else:
    contracting = lazy_import("chalicelib.usecases.contracting")
    transitions = lazy_import("chalicelib.usecases.transitions")

api = Api(__name__, tag="jobs")


@api.post(
    "/v1/jobs",
    operation_id="createJob",
    summary="Post a job (milestones default to the template's, split from the budget's max)",
    body=JobCreate,
    response=JobOut,
    status=201,
    errors=(400,),
)
def post_job(ctx: RequestContext) -> dict[str, Any]:
    return job_json(contracting.post_job(ctx.principal, ctx.body))


@api.get(
    "/v1/jobs",
    operation_id="searchJobs",
    summary="Open public jobs, newest first, by words, category and skills",
    auth="public",
    query=JobSearchQuery,
    response=JobList,
    errors=(400,),
)
def search_jobs(ctx: RequestContext) -> dict[str, Any]:
    found, cursor = contracting.search_jobs(ctx.query)
    return {"items": [job_json(job) for job in found], "next_cursor": cursor}


@api.get(
    "/v1/me/jobs",
    operation_id="listMyJobs",
    summary="The jobs I posted, in any state, newest first",
    query=PageQuery,
    response=JobList,
)
def my_jobs(ctx: RequestContext) -> dict[str, Any]:
    found, cursor = contracting.my_jobs(ctx.principal, ctx.query.limit, ctx.query.cursor)
    return {"items": [job_json(job) for job in found], "next_cursor": cursor}


@api.get(
    "/v1/jobs/{job_id}",
    operation_id="getJob",
    summary="A job (invite-only jobs: the owner, invited talent, admins)",
    auth="optional",
    response=JobOut,
    errors=(404,),
)
def get_job(ctx: RequestContext, job_id: str) -> dict[str, Any]:
    return job_json(contracting.visible_job(job_id, ctx.viewer))


@api.delete(
    "/v1/jobs/{job_id}",
    operation_id="cancelJob",
    summary="Cancel an open job (its owner)",
    response=JobOut,
    errors=(403, 404, 409),
)
def cancel_job(ctx: RequestContext, job_id: str) -> dict[str, Any]:
    return job_json(contracting.cancel_job(job_id, ctx.principal))


@api.post(
    "/v1/jobs/{job_id}/invites",
    operation_id="inviteTalent",
    summary="Invite a talent to propose (the job's owner)",
    body=InviteCreate,
    response=InviteOut,
    status=201,
    errors=(400, 403, 404, 409),
)
def invite(ctx: RequestContext, job_id: str) -> dict[str, Any]:
    return contracting.invite(job_id, ctx.principal, ctx.body.talent_id)


@api.post(
    "/v1/jobs/{job_id}/proposals",
    operation_id="createProposal",
    summary="Propose on a job, with your own milestones (talent; one proposal per job)",
    body=ProposalCreate,
    response=SubjectOut,
    status=201,
    errors=(400, 403, 404, 409),
)
def propose(ctx: RequestContext, job_id: str) -> dict[str, Any]:
    proposal = contracting.submit_proposal(job_id, ctx.principal, ctx.body)
    return subject_json(proposal, transitions.Caller(ctx.principal))


@api.get(
    "/v1/jobs/{job_id}/proposals",
    operation_id="listProposals",
    summary="A job's proposals: all for its owner, their own for a talent",
    query=PageQuery,
    response=SubjectList,
    errors=(404,),
)
def list_proposals(ctx: RequestContext, job_id: str) -> dict[str, Any]:
    found, cursor = contracting.proposals_for(
        job_id, ctx.principal, ctx.query.limit, ctx.query.cursor
    )
    caller = transitions.Caller(ctx.principal)
    return {"items": [subject_json(p, caller) for p in found], "next_cursor": cursor}
