"""Table keys: process subjects (bookings, proposals, contracts, milestones) and jobs."""

from __future__ import annotations


# Process subjects (bookings, proposals, contracts, milestones): the state item and its
# history share a partition, so the history is one Query and a transition one transaction.
def subject_pk(subject_type: str, subject_id: str) -> str:
    return f"{subject_type.upper()}#{subject_id}"


SUBJECT_SK = "STATE"
EVENT_PREFIX = "EVENT#"


def event_sk(version: int) -> str:
    return f"{EVENT_PREFIX}{version:06d}"


def subjects_of_user_gsi1pk(user_id: str, subject_type: str) -> str:
    return f"USER#{user_id}#{subject_type.upper()}S"


def subjects_of_talent_gsi2pk(talent_id: str, subject_type: str) -> str:
    return f"TALENT#{talent_id}#{subject_type.upper()}S"


def subject_by_time_sk(created_iso: str, subject_id: str) -> str:
    return f"{created_iso}#{subject_id}"


def milestones_of_contract_gsi1pk(contract_id: str) -> str:
    return f"CONTRACT#{contract_id}#MILESTONES"


def milestone_position_sk(position: int) -> str:
    return f"{position:03d}"


def proposals_of_job_gsi1pk(job_id: str) -> str:
    return f"JOB#{job_id}#PROPOSALS"


# Jobs: open public jobs are listed by time, all together and per category (sparse: a job
# leaves both lists when it closes); a job's invites and its one-proposal-per-talent guards
# live in its partition.
def job_pk(job_id: str) -> str:
    return f"JOB#{job_id}"


JOB_SK = "JOB"
OPEN_JOBS = "JOBS#OPEN"


def open_jobs_in_category_gsi2pk(category: str) -> str:
    return f"JOBS#OPEN#{category}"


def jobs_of_owner_gsi1pk(user_id: str) -> str:
    return f"USER#{user_id}#JOBS"


def job_invite_sk(talent_id: str) -> str:
    return f"INVITE#{talent_id}"


def job_proposer_sk(talent_id: str) -> str:
    return f"PROPOSER#{talent_id}"
