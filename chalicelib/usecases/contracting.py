"""Jobs, invites, proposals, and the contracts and milestones an accepted proposal creates."""

from __future__ import annotations

from typing import Any

from chalicelib import clock, ids
from chalicelib.auth.principal import Principal
from chalicelib.auth.viewer import Viewer
from chalicelib.domain import categories, job_templates, text
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.models import jobs, keys, subjects
from chalicelib.models import talent as talent_store
from chalicelib.models.subjects import Subject
from chalicelib.models.writes import Writes
from chalicelib.schemas.transactions import JobCreate, JobSearchQuery, ProposalCreate
from chalicelib.usecases import transitions
from chalicelib.usecases.transitions import Caller

# A search reads at most this many jobs per page, whatever the filters (bounded cost).
_MAX_EXAMINED = 200


def post_job(principal: Principal, body: JobCreate) -> jobs.Job:
    values = body.model_dump(mode="json", exclude={"milestones"})
    template = job_templates.get(body.template) if body.template else None
    if body.template and template is None:
        raise ValidationError("unknown template; see GET /v1/job-templates")
    if body.milestones is not None:
        milestones = [m.model_dump(mode="json") for m in body.milestones]
    elif template is not None:
        milestones = job_templates.milestones_for(template, body.budget.max.amount)
        for milestone in milestones:
            milestone["amount"] = {
                "amount": milestone["amount"],
                "currency": body.budget.max.currency,
            }
    else:
        milestones = []
    values["milestones"] = milestones
    return jobs.create(ids.new_id(), principal.user_id, values)


def _talent_id_of(principal: Principal | None) -> str | None:
    return principal.user.talent_id if principal is not None else None


def visible_job(job_id: str, viewer: Viewer) -> jobs.Job:
    """Public jobs for anyone; an invite-only job for its owner, admins and invited talent."""
    job = jobs.require(job_id)
    if viewer.may_manage(job.owner_user_id):
        return job
    if job.hidden:
        raise NotFoundError("job not found")
    if job.visibility == "public":
        return job
    talent_id = _talent_id_of(viewer.principal)
    if talent_id and jobs.is_invited(job.id, talent_id):
        return job
    raise NotFoundError("job not found")


def _matches(query: JobSearchQuery) -> Any:
    words = text.query_words(query.q) if query.q else []
    wanted_skills = {s.strip().lower() for s in (query.skills or "").split(",") if s.strip()}

    def accept(job: jobs.Job) -> bool:
        if job.hidden:  # hidden by moderation
            return False
        if query.category and not (
            job.category == query.category or job.category.startswith(query.category + ".")
        ):
            return False
        if wanted_skills and not wanted_skills <= {s.lower() for s in job.skills}:
            return False
        if words:
            haystack = set(text.tokens(" ".join((job.title, job.description, *job.skills))))
            return all(word in haystack for word in words)
        return True

    return accept


def search_jobs(query: JobSearchQuery) -> tuple[list[jobs.Job], str | None]:
    if query.category and not categories.is_known(query.category):
        raise ValidationError("unknown category; see GET /v1/categories")
    if query.category:
        index, partition = (
            "gsi2",
            keys.open_jobs_in_category_gsi2pk(categories.top_level(query.category)),
        )
    else:
        index, partition = "gsi3", keys.OPEN_JOBS
    return jobs.browse(
        index,
        partition,
        accept=_matches(query),
        limit=query.limit,
        cursor=query.cursor,
        max_examined=_MAX_EXAMINED,
    )


def my_jobs(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[jobs.Job], str | None]:
    return jobs.browse(
        "gsi1",
        keys.jobs_of_owner_gsi1pk(principal.user_id),
        accept=lambda job: True,
        limit=limit,
        cursor=cursor,
        max_examined=limit,
    )


def _own_open_job(job_id: str, principal: Principal) -> jobs.Job:
    viewer = Viewer.of(principal)
    job = jobs.require(job_id)
    viewer.require_visible(job.visibility == "public", job.owner_user_id, "job")
    viewer.require_owner(job.owner_user_id, "job")
    return job


def invite(job_id: str, principal: Principal, talent_id: str) -> dict[str, Any]:
    job = _own_open_job(job_id, principal)
    if job.state != "open":
        raise ConflictError("the job is no longer open", {"state": job.state})
    talent = talent_store.get(talent_id, with_portfolio=False)
    if talent is None or not talent.is_public:
        raise NotFoundError("talent not found")
    if talent.owner_user_id == principal.user_id:
        raise ValidationError("you cannot invite yourself")
    jobs.invite(job.id, talent.id)
    return {"job_id": job.id, "talent_id": talent.id}


def cancel_job(job_id: str, principal: Principal) -> jobs.Job:
    return jobs.cancel(_own_open_job(job_id, principal))


def submit_proposal(job_id: str, principal: Principal, body: ProposalCreate) -> Subject:
    viewer = Viewer.of(principal)
    talent_id = principal.user.talent_id
    if talent_id is None:
        raise ForbiddenError("only talent can propose; create a talent profile first")
    job = visible_job(job_id, viewer)
    if job.owner_user_id == principal.user_id:
        raise ForbiddenError("you cannot propose on your own job")
    if job.state != "open":
        raise ConflictError("the job is no longer open", {"state": job.state})
    milestones = [m.model_dump(mode="json") for m in body.milestones]
    total = sum(m["amount"]["amount"] for m in milestones)
    now = clock.now()
    proposal_id = ids.new_id()
    proposal = transitions.new_subject(
        "proposal",
        proposal_id,
        parties=(job.owner_user_id, talent_id, principal.user_id),
        now=now,
        data={
            "job_id": job.id,
            "job_title": job.title,
            "cover": body.cover,
            "milestones": milestones,
            "delivery_days": body.delivery_days,
            "revisions": body.revisions,
            "total": {"amount": total, "currency": milestones[0]["amount"]["currency"]},
        },
        index_keys={
            "gsi1pk": keys.proposals_of_job_gsi1pk(job.id),
            "gsi1sk": keys.subject_by_time_sk(clock.to_rfc3339(now), proposal_id),
            "gsi2pk": keys.subjects_of_talent_gsi2pk(talent_id, "proposal"),
            "gsi2sk": keys.subject_by_time_sk(clock.to_rfc3339(now), proposal_id),
        },
    )
    writes = Writes()
    proposal = transitions.create_in(writes, proposal, Caller(principal), "talent", now)
    writes.add(
        (keys.job_pk(job.id), keys.job_proposer_sk(talent_id)),
        "proposer",
        lambda t: jobs.claim_proposer_in(t, job.id, talent_id, proposal_id),
    )
    try:
        writes.commit("you already proposed on this job, or it closed")
    except ConflictError as conflict:
        raise ConflictError(
            "you already proposed on this job, or it closed", conflict.details
        ) from conflict
    return proposal


def proposals_for(
    job_id: str, principal: Principal, limit: int, cursor: str | None
) -> tuple[list[Subject], str | None]:
    """The owner sees every proposal; a talent sees its own."""
    viewer = Viewer.of(principal)
    job = visible_job(job_id, viewer)
    if viewer.may_manage(job.owner_user_id):
        return subjects.list_by_index(
            "gsi1", keys.proposals_of_job_gsi1pk(job.id), limit=limit, cursor=cursor
        )
    talent_id = principal.user.talent_id
    proposal_id = jobs.proposal_of(job.id, talent_id) if talent_id else None
    proposal = subjects.get("proposal", proposal_id) if proposal_id else None
    return ([proposal] if proposal else []), None


def contract_view(contract_id: str, principal: Principal) -> tuple[Subject, list[Subject]]:
    contract = subjects.require("contract", contract_id)
    Caller(principal).require_party(contract)
    milestones, _ = subjects.list_by_index(
        "gsi1",
        keys.milestones_of_contract_gsi1pk(contract.id),
        limit=100,
        cursor=None,
        newest_first=False,
    )
    return contract, milestones
