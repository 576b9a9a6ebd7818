"""Effects of the proposal and contract processes: accepting a proposal hires (creates
the contract and its milestones and closes the job, in the proposal's transaction), and a
settled milestone makes its contract complete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import clock, ids
from chalicelib.models import jobs, keys, timer_items
from chalicelib.models.subjects import Subject
from chalicelib.usecases.process_registry import Catalogue, Change, FollowUp
from chalicelib.usecases.subject_writes import TRANSITION_TIMER, create_in, new_subject

CATALOGUE = Catalogue()
# The job closes with a condition `state = open` in create_contract's write: a job hires once.
CATALOGUE.condition("job_open", enforced_by="create_contract", refusal="the job is closed")


def _milestone(
    contract: Subject, position: int, proposed: dict[str, Any], revisions: int, now: datetime
) -> Subject:
    return new_subject(
        "milestone",
        ids.new_id(),
        parties=(contract.customer_id, contract.talent_id, contract.talent_user_id),
        now=now,
        data={
            "contract_id": contract.id,
            "job_id": contract.data["job_id"],
            "position": position,
            "title": proposed["title"],
            "description": proposed.get("description"),
            "amount": proposed["amount"],
            "due_date": proposed["due_date"],
            "dod": proposed.get("dod", []),
            "revisions_allowed": revisions,
            "revisions_used": 0,
        },
        index_keys={
            "gsi1pk": keys.milestones_of_contract_gsi1pk(contract.id),
            "gsi1sk": keys.milestone_position_sk(position),
        },
    )


@CATALOGUE.effect("create_contract")
def _create_contract(change: Change) -> None:
    """Accepting a proposal: the contract, one milestone per proposed milestone, and the job
    closed, all in the proposal's transaction (the job closes once: one hire per job)."""
    proposal, now = change.before, change.now
    data = proposal.data
    contract_id = ids.new_id()
    created = keys.subject_by_time_sk(clock.to_rfc3339(now), contract_id)
    contract = new_subject(
        "contract",
        contract_id,
        parties=(proposal.customer_id, proposal.talent_id, proposal.talent_user_id),
        now=now,
        data={
            "job_id": data["job_id"],
            "proposal_id": proposal.id,
            "title": data.get("job_title"),
            "total": data["total"],
            "revisions_allowed": data.get("revisions", 2),
            "delivery_days": data.get("delivery_days"),
        },
        index_keys={
            "gsi1pk": keys.subjects_of_user_gsi1pk(proposal.customer_id, "contract"),
            "gsi1sk": created,
            "gsi2pk": keys.subjects_of_talent_gsi2pk(proposal.talent_id, "contract"),
            "gsi2sk": created,
        },
    )
    milestones = [
        _milestone(contract, position, proposed, int(data.get("revisions", 2)), now)
        for position, proposed in enumerate(data["milestones"], start=1)
    ]
    contract = contract.with_changes(
        open_children=len(milestones),
        data={**contract.data, "milestone_ids": [m.id for m in milestones]},
    )
    writes, caller, actor = change.writes, change.caller, change.actor
    create_in(writes, contract, caller, actor, now)
    for milestone in milestones:
        create_in(writes, milestone, caller, actor, now)
    job_id = data["job_id"]
    writes.add(
        (keys.job_pk(job_id), keys.JOB_SK),
        "job",
        lambda t: jobs.close_in(t, job_id, proposal.id, contract_id),
    )
    change.data["contract_id"] = contract_id


def settle_contract_later(change: Change, contract_id: str) -> None:
    """The milestone's transaction arms a timer to complete the contract if nothing is left
    open; the request tries at once, and the sweep retries if the request died."""
    timer_id = f"contract-settle-{contract_id}"
    item = timer_items.build(
        timer_id,
        TRANSITION_TIMER,
        contract_id,
        change.now,
        {"subject_type": "contract", "subject_id": contract_id, "transition": "complete"},
    )
    change.writes.add((item.pk, item.sk), "settle", lambda t: t.save(item))
    change.follow_ups.append(FollowUp("contract", contract_id, "complete", timer_id))
