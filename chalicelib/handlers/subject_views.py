"""How process subjects and jobs look in responses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib import clock
from chalicelib.lazy import lazy_import

if TYPE_CHECKING:
    from chalicelib.models.jobs import Job
    from chalicelib.models.subjects import Subject
    from chalicelib.usecases import transitions
else:
    transitions = lazy_import("chalicelib.usecases.transitions")

# Internal bookkeeping that is not part of a subject's public shape.
_HIDDEN = frozenset({"job_title"})


def _moment(value: Any) -> str | None:
    return clock.to_rfc3339(value) if value is not None else None


def subject_json(subject: Subject, caller: transitions.Caller | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": subject.id,
        "type": subject.type,
        "state": subject.state,
        "version": subject.version,
        "process": {"name": subject.process, "version": subject.process_version},
        "customer_id": subject.customer_id,
        "talent_id": subject.talent_id,
        "talent_user_id": subject.talent_user_id,
        "created_at": clock.to_rfc3339(subject.created_at),
        "updated_at": clock.to_rfc3339(subject.updated_at),
        "state_entered_at": clock.to_rfc3339(subject.entered_at),
    }
    if subject.type == "booking":
        body["start"] = _moment(subject.start_at)
        body["end"] = _moment(subject.end_at)
    if subject.type == "contract":
        body["open_milestones"] = subject.open_children
        body["funded_milestones"] = subject.held_children
    body.update({k: v for k, v in subject.data.items() if k not in _HIDDEN})
    if subject.type == "booking" and (subject.data.get("report_required") or subject.report):
        # Both parties (and admins) read the report and its QC (API.md).
        body["report"] = subject.report
        body["qc"] = subject.qc
    if caller is not None:
        body["allowed_transitions"] = transitions.available(subject, caller)
    return body


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "owner_user_id": job.owner_user_id,
        "title": job.title,
        "description": job.description,
        "template": job.template,
        "category": job.category,
        "skills": list(job.skills),
        "budget": job.budget,
        "milestones": job.milestones,
        "nda_required": job.nda_required,
        "visibility": job.visibility,
        "state": job.state,
        "proposal_count": job.proposal_count,
        "contract_id": job.contract_id,
        "created_at": clock.to_rfc3339(job.created_at),
        "updated_at": clock.to_rfc3339(job.updated_at),
        "hidden": job.hidden,
    }
