"""Jobs customers post, their invites, and the one-proposal-per-talent guards.

Open public jobs are listed newest first, all together (GSI3) and per top-level category
(GSI2); both keys are removed when a job closes, so the lists hold only open jobs. A job
owner's jobs, in any state, are on GSI1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from chalicelib import clock
from chalicelib.domain import categories
from chalicelib.errors import NotFoundError
from chalicelib.models import keys, pagination
from chalicelib.models.base import Item
from chalicelib.models.conditions import conflict_on_condition_failure


class JobItem(Item, discriminator="job"):
    job_id = UnicodeAttribute()
    owner_user_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    template = UnicodeAttribute(null=True)
    category = UnicodeAttribute()
    skills = ListAttribute[str](default=list)
    budget = JSONAttribute()
    milestones = JSONAttribute(default=list)
    nda_required = BooleanAttribute(default=False)
    visibility = UnicodeAttribute()
    state = UnicodeAttribute()
    proposal_count = NumberAttribute(default=0)
    contract_id = UnicodeAttribute(null=True)
    hired_proposal_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # Hidden by moderation: only its owner (marked) and admins still see it.
    hidden = BooleanAttribute(null=True)


class InviteItem(Item, discriminator="job_invite"):
    job_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    invited_at = UTCDateTimeAttribute()


class ProposerItem(Item, discriminator="job_proposer"):
    """One per talent and job: its key is the guard against a second proposal."""

    job_id = UnicodeAttribute()
    talent_id = UnicodeAttribute()
    proposal_id = UnicodeAttribute()


@dataclass(frozen=True)
class Job:
    id: str
    owner_user_id: str
    title: str
    description: str
    template: str | None
    category: str
    skills: tuple[str, ...]
    budget: dict[str, Any]
    milestones: list[dict[str, Any]]
    nda_required: bool
    visibility: str
    state: str
    proposal_count: int
    contract_id: str | None
    hired_proposal_id: str | None
    created_at: datetime
    updated_at: datetime
    hidden: bool = False

    @property
    def is_listed(self) -> bool:
        return self.state == "open" and self.visibility == "public" and not self.hidden


def _to_job(item: JobItem) -> Job:
    return Job(
        id=item.job_id,
        owner_user_id=item.owner_user_id,
        title=item.title,
        description=item.description,
        template=item.template,
        category=item.category,
        skills=tuple(item.skills or ()),
        budget=dict(item.budget),
        milestones=list(item.milestones or []),
        nda_required=bool(item.nda_required),
        visibility=item.visibility,
        state=item.state,
        proposal_count=int(item.proposal_count or 0),
        contract_id=item.contract_id,
        hired_proposal_id=item.hired_proposal_id,
        created_at=item.created_at,
        updated_at=item.updated_at,
        hidden=bool(item.hidden),
    )


def create(job_id: str, owner_user_id: str, values: dict[str, Any]) -> Job:
    now = clock.now()
    created = keys.subject_by_time_sk(clock.to_rfc3339(now), job_id)
    listed = values["visibility"] == "public"
    item = JobItem(
        keys.job_pk(job_id),
        keys.JOB_SK,
        job_id=job_id,
        owner_user_id=owner_user_id,
        state="open",
        created_at=now,
        updated_at=now,
        gsi1pk=keys.jobs_of_owner_gsi1pk(owner_user_id),
        gsi1sk=created,
        gsi2pk=keys.open_jobs_in_category_gsi2pk(categories.top_level(values["category"]))
        if listed
        else None,
        gsi2sk=created if listed else None,
        gsi3pk=keys.OPEN_JOBS if listed else None,
        gsi3sk=created if listed else None,
        **values,
    )
    with conflict_on_condition_failure("job already exists"):
        item.save(condition=JobItem.pk.does_not_exist())
    return _to_job(item)


def get(job_id: str) -> Job | None:
    try:
        return _to_job(JobItem.get(keys.job_pk(job_id), keys.JOB_SK))
    except DoesNotExist:
        return None


def require(job_id: str) -> Job:
    job = get(job_id)
    if job is None:
        raise NotFoundError("job not found")
    return job


def close_in(transaction: TransactWrite, job_id: str, proposal_id: str, contract_id: str) -> None:
    """Hire once: only an open job closes, and it leaves the open lists."""
    item = JobItem(keys.job_pk(job_id), keys.JOB_SK)
    transaction.update(
        item,
        actions=[
            JobItem.state.set("closed"),
            JobItem.hired_proposal_id.set(proposal_id),
            JobItem.contract_id.set(contract_id),
            JobItem.updated_at.set(clock.now()),
            JobItem.gsi2pk.remove(),
            JobItem.gsi2sk.remove(),
            JobItem.gsi3pk.remove(),
            JobItem.gsi3sk.remove(),
        ],
        condition=JobItem.state == "open",
    )


def cancel(job: Job) -> Job:
    item = JobItem(keys.job_pk(job.id), keys.JOB_SK)
    with conflict_on_condition_failure("only an open job can be cancelled"):
        item.update(
            actions=[
                JobItem.state.set("cancelled"),
                JobItem.updated_at.set(clock.now()),
                JobItem.gsi2pk.remove(),
                JobItem.gsi2sk.remove(),
                JobItem.gsi3pk.remove(),
                JobItem.gsi3sk.remove(),
            ],
            condition=JobItem.state == "open",
        )
    return _to_job(item)


def invite(job_id: str, talent_id: str) -> None:
    """Inviting twice is the same invite."""
    InviteItem(
        keys.job_pk(job_id),
        keys.job_invite_sk(talent_id),
        job_id=job_id,
        talent_id=talent_id,
        invited_at=clock.now(),
    ).save()


def is_invited(job_id: str, talent_id: str) -> bool:
    try:
        InviteItem.get(keys.job_pk(job_id), keys.job_invite_sk(talent_id))
    except DoesNotExist:
        return False
    return True


def claim_proposer_in(
    transaction: TransactWrite, job_id: str, talent_id: str, proposal_id: str
) -> None:
    transaction.save(
        ProposerItem(
            keys.job_pk(job_id),
            keys.job_proposer_sk(talent_id),
            job_id=job_id,
            talent_id=talent_id,
            proposal_id=proposal_id,
        ),
        condition=ProposerItem.pk.does_not_exist(),
    )
    transaction.update(
        JobItem(keys.job_pk(job_id), keys.JOB_SK),
        actions=[JobItem.proposal_count.add(1)],
        condition=JobItem.state == "open",
    )


def proposal_of(job_id: str, talent_id: str) -> str | None:
    try:
        return ProposerItem.get(keys.job_pk(job_id), keys.job_proposer_sk(talent_id)).proposal_id
    except DoesNotExist:
        return None


def _key_of(item: JobItem, index: str) -> dict[str, Any]:
    key = {"PK": {"S": item.pk}, "SK": {"S": item.sk}}
    names = {
        "gsi1": ("GSI1PK", "GSI1SK"),
        "gsi2": ("GSI2PK", "GSI2SK"),
        "gsi3": ("GSI3PK", "GSI3SK"),
    }
    pk_name, sk_name = names[index]
    key[pk_name] = {"S": getattr(item, index + "pk")}
    key[sk_name] = {"S": getattr(item, index + "sk")}
    return key


def browse(
    index: str,
    partition: str,
    *,
    accept: Callable[[Job], bool],
    limit: int,
    cursor: str | None,
    max_examined: int,
) -> tuple[list[Job], str | None]:
    """Newest first through one index partition, keeping the jobs `accept` likes. Stops
    after `max_examined` jobs so that a rare filter costs a bounded read; the cursor then
    resumes after the last job examined."""
    attribute = {"gsi1": "GSI1PK", "gsi2": "GSI2PK", "gsi3": "GSI3PK"}[index]
    start = pagination.decode(cursor, {attribute: partition})
    gsi = {"gsi1": JobItem.gsi1, "gsi2": JobItem.gsi2, "gsi3": JobItem.gsi3}[index]
    page_size = min(100, max(limit * 2, 20))
    results: Iterator[Any] = iter(
        gsi.query(
            partition, scan_index_forward=False, last_evaluated_key=start, page_size=page_size
        )
    )
    found: list[Job] = []
    examined = 0
    last: JobItem | None = None
    exhausted = True
    for item in results:
        if not isinstance(item, JobItem):
            continue
        examined += 1
        last = item
        job = _to_job(item)
        if accept(job):
            found.append(job)
        if len(found) >= limit or examined >= max_examined:
            exhausted = False
            break
    if exhausted or last is None:
        return found, None
    return found, pagination.encode(_key_of(last, index))
